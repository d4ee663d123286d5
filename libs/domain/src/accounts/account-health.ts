import { AccountRecord, OutsideTransactionRecord, SignerRecord } from '../records';
import { enrolmentStateOf } from './enrolment-state';

export interface HealthWarning {
  code:
    | 'MASTER_KEY_ENABLED'
    | 'REGULAR_KEY_SET'
    | 'QUORUM_REACHABLE_ALONE'
    | 'SIGNER_WITHOUT_TOKEN'
    | 'SIGNER_TOKEN_EXPIRING'
    | 'SIGNER_UNFUNDED'
    | 'SIGNER_NO_USABLE_KEY'
    | 'DELEGATE_PRESENT'
    | 'OUTSIDE_TRANSACTION'
    | 'SIGNER_LIST_CHANGED_ON_LEDGER';
  message: string;
  signer?: string;
  /** DELEGATE_PRESENT: the delegated account. */
  delegate?: string;
  /** OUTSIDE_TRANSACTION, SIGNER_LIST_CHANGED_ON_LEDGER: the validated transaction. */
  hash?: string;
}

/** How long a transaction sent outside the service stays a health warning. */
export const OUTSIDE_TRANSACTION_WARNING_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * What makes a treasury account weak, from its stored snapshot (the drift job and every validated
 * change keep it fresh): a way to move funds without the quorum (master key, RegularKey, Delegate
 * objects), a quorum one signer reaches alone, signers who cannot be pushed to, signer accounts that
 * cannot sign; and what the account sent outside the service (`outside`: the transactions the scan
 * job recorded in the last OUTSIDE_TRANSACTION_WARNING_MS), a SignerListSet among them also as
 * SIGNER_LIST_CHANGED_ON_LEDGER.
 */
export function accountHealth(
  account: AccountRecord,
  signers: SignerRecord[],
  now: Date,
  warningMs: number,
  outside: readonly OutsideTransactionRecord[] = [],
): HealthWarning[] {
  const warnings: HealthWarning[] = [];
  if (!account.masterDisabled) {
    warnings.push({
      code: 'MASTER_KEY_ENABLED',
      message: 'The account’s master key can still sign alone, without the quorum.',
    });
  }
  if (account.regularKey !== null) {
    warnings.push({
      code: 'REGULAR_KEY_SET',
      message: `The RegularKey ${account.regularKey} can sign alone, without the quorum.`,
    });
  }
  for (const d of account.delegates) {
    warnings.push({
      code: 'DELEGATE_PRESENT',
      delegate: d.authorize,
      message: `${d.authorize} may send ${d.permissions.join(', ') || 'transactions'} for the account without the quorum.`,
    });
  }
  for (const t of outside) {
    if (t.transactionType === 'SignerListSet') {
      warnings.push({
        code: 'SIGNER_LIST_CHANGED_ON_LEDGER',
        hash: t.hash,
        message: `The SignerList was changed on the ledger outside the service (ledger ${t.ledgerIndex}).`,
      });
    }
    warnings.push({
      code: 'OUTSIDE_TRANSACTION',
      hash: t.hash,
      message:
        t.transactionType === 'Payment' && t.destination !== null
          ? `A Payment to ${t.destination} was sent outside the service (ledger ${t.ledgerIndex}).`
          : `A ${t.transactionType} was sent outside the service (ledger ${t.ledgerIndex}).`,
    });
  }
  for (const s of signers.filter((x) => x.inSignerList)) {
    if (s.weight >= account.signerQuorum) {
      warnings.push({
        code: 'QUORUM_REACHABLE_ALONE',
        signer: s.address,
        message: `${s.address} reaches the quorum alone.`,
      });
    }
    const state = enrolmentStateOf(s, now, warningMs);
    if (state === 'none' || state === 'expired') {
      warnings.push({
        code: 'SIGNER_WITHOUT_TOKEN',
        signer: s.address,
        message: `${s.address} has no live token: enrol it.`,
      });
    } else if (state === 'expiring') {
      warnings.push({
        code: 'SIGNER_TOKEN_EXPIRING',
        signer: s.address,
        message: `${s.address}'s token expires soon.`,
      });
    }
    if (!s.funded) {
      warnings.push({
        code: 'SIGNER_UNFUNDED',
        signer: s.address,
        message: `${s.address} is not funded: master key only.`,
      });
    } else if (s.masterDisabled && s.regularKey === null) {
      warnings.push({
        code: 'SIGNER_NO_USABLE_KEY',
        signer: s.address,
        message: `${s.address} disabled its master key and has no RegularKey: it cannot sign.`,
      });
    }
  }
  return warnings;
}
