/**
 * Signature authorization against the ledger (Transactor::checkSingleSign / checkMultiSign): which
 * key may sign for an account, signer-list weights and quorum.
 */
import { deriveAddress } from 'ripple-keypairs';

import { lsfDisableMaster } from '../constants';
import type { AccountRoot, LedgerState } from '../state';
import { isValidPublicKey, signersOf } from './tx-fields';
import type { SignerJson, TxJson } from './types';

/** Transactor::checkSingleSign. */
export function checkSingleSign(acct: AccountRoot, spk: string): string {
  const signer = deriveAddress(spk);
  const masterDisabled = (acct.Flags & lsfDisableMaster) !== 0;
  if (acct.RegularKey !== undefined && acct.RegularKey === signer) return 'tesSUCCESS';
  if (!masterDisabled && signer === acct.Account) return 'tesSUCCESS';
  if (masterDisabled && signer === acct.Account) return 'tefMASTER_DISABLED';
  return 'tefBAD_AUTH';
}

/** Transactor::checkMultiSign. */
export function checkMultiSign(state: LedgerState, tx: TxJson): string {
  const list = state.signerList(tx.Account as string);
  if (!list) return 'tefNOT_MULTI_SIGNING';
  const weights = new Map<string, number>();
  for (const { SignerEntry: e } of list.SignerEntries) weights.set(e.Account, e.SignerWeight);
  let weightSum = 0;
  for (const { Signer: s } of signersOf(tx) ?? []) {
    const weight = weights.get(s.Account);
    if (weight === undefined) return 'tefBAD_SIGNATURE';
    if (!isValidPublicKey(s.SigningPubKey)) return 'tefBAD_SIGNATURE';
    const fromKey = deriveAddress(s.SigningPubKey);
    const signerRoot = state.account(s.Account);
    if (fromKey === s.Account) {
      // Phantom (unfunded) signers pass; a funded one must not have disabled its master key.
      if (signerRoot && (signerRoot.Flags & lsfDisableMaster) !== 0) return 'tefMASTER_DISABLED';
    } else {
      if (!signerRoot) return 'tefBAD_SIGNATURE';
      if (signerRoot.RegularKey === undefined) return 'tefBAD_SIGNATURE';
      if (signerRoot.RegularKey !== fromKey) return 'tefBAD_SIGNATURE';
    }
    weightSum += weight;
  }
  if (weightSum < list.SignerQuorum) return 'tefBAD_QUORUM';
  return 'tesSUCCESS';
}

/** Which signers of a multisigned tx could be dropped while still meeting the quorum. */
export function alternateSignerSubset(state: LedgerState, tx: TxJson): TxJson | undefined {
  const signers = signersOf(tx);
  if (!signers || signers.length < 2) return undefined;
  const list = state.signerList(tx.Account as string);
  if (!list) return undefined;
  const weights = new Map<string, number>();
  for (const { SignerEntry: e } of list.SignerEntries) weights.set(e.Account, e.SignerWeight);
  const total = signers.reduce((s, x) => s + (weights.get(x.Signer.Account) ?? 0), 0);
  for (let i = 0; i < signers.length; i++) {
    const w = weights.get((signers[i] as SignerJson).Signer.Account) ?? 0;
    if (total - w >= list.SignerQuorum) {
      return { ...tx, Signers: signers.filter((_, j) => j !== i) };
    }
  }
  return undefined;
}
