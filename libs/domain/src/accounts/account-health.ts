import { AccountRecord, SignerRecord } from '../records';
import { enrolmentStateOf } from './enrolment-state';

export interface HealthWarning {
  code:
    | 'MASTER_KEY_ENABLED'
    | 'REGULAR_KEY_SET'
    | 'QUORUM_REACHABLE_ALONE'
    | 'SIGNER_WITHOUT_TOKEN'
    | 'SIGNER_TOKEN_EXPIRING'
    | 'SIGNER_UNFUNDED'
    | 'SIGNER_NO_USABLE_KEY';
  message: string;
  signer?: string;
}

/**
 * What makes a treasury account weak, from its stored snapshot (the drift job and every validated
 * change keep it fresh): a way to move funds without the quorum, a quorum one signer reaches alone,
 * signers who cannot be pushed to, and signer accounts that cannot sign.
 */
export function accountHealth(
  account: AccountRecord,
  signers: SignerRecord[],
  now: Date,
  warningMs: number,
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
