/** Fees and reserves: Transactor::calculateBaseFee, the open-ledger fee level, the owner reserve. */
import { deriveAddress } from 'ripple-keypairs';

import { lsfPasswordSpent } from '../constants';
import type { LedgerState } from '../state';
import { isValidPublicKey, signersOf } from './tx-fields';
import type { EngineEnv, TxJson } from './types';

export function reserveFor(env: EngineEnv, ownerCount: number): bigint {
  return env.reserveBase + BigInt(ownerCount) * env.reserveInc;
}

/** True when the transaction is single-signed with the master key of its Account. */
export function signedWithMaster(tx: TxJson): boolean {
  const spk = tx.SigningPubKey;
  if (!isValidPublicKey(spk)) return false;
  return deriveAddress(spk) === tx.Account;
}

/** Transactor::calculateBaseFee (before load scaling). */
export function baseFeeFor(state: LedgerState, tx: TxJson, env: EngineEnv): bigint {
  if (tx.TransactionType === 'SetRegularKey') {
    const acct = state.account(tx.Account as string);
    // The first SetRegularKey signed with the master key is free (lsfPasswordSpent).
    if (acct && signedWithMaster(tx) && (acct.Flags & lsfPasswordSpent) === 0) return 0n;
  }
  const signerCount = signersOf(tx)?.length ?? 0;
  return env.baseFee + BigInt(signerCount) * env.baseFee;
}

/** The fee the open ledger requires: base fee x load factor (rounded up). */
export function scaledFee(base: bigint, loadFactor: number): bigint {
  if (loadFactor === 1) return base;
  return BigInt(Math.ceil(Number(base) * loadFactor));
}
