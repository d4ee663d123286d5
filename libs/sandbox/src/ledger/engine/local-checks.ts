/** rippled's local checks (STTx::checkSign: singleSignHelper / multiSignHelper), before the engine. */
import { encodeForMultisigning, encodeForSigning } from 'ripple-binary-codec';
import { verify } from 'ripple-keypairs';

import { MAX_MULTI_SIGNERS, tfInnerBatchTxn } from '../constants';
import { accountIdHex } from '../state';
import { isValidPublicKey, signersOf } from './tx-fields';
import type { TxJson } from './types';

function verifySignature(messageHex: string, sigHex: unknown, pubHex: string): boolean {
  if (typeof sigHex !== 'string' || sigHex.length === 0) return false;
  try {
    return verify(messageHex, sigHex, pubHex);
  } catch {
    return false;
  }
}

/**
 * rippled `checkValidity` -> `STTx::checkSign`: the "local checks" done before the engine.
 * Returns undefined when the signature(s) are valid, else rippled's reason string.
 */
export function localChecks(tx: TxJson): string | undefined {
  const spk = typeof tx.SigningPubKey === 'string' ? tx.SigningPubKey : '';
  if ((((tx.Flags as number | undefined) ?? 0) & tfInnerBatchTxn) !== 0) {
    return 'Malformed: Invalid inner batch transaction.';
  }
  if (spk.length > 0) {
    // singleSignHelper
    if (tx.Signers !== undefined) return 'Cannot both single- and multi-sign.';
    let valid = false;
    if (isValidPublicKey(spk)) {
      try {
        valid = verifySignature(encodeForSigning(tx), tx.TxnSignature, spk);
      } catch {
        valid = false;
      }
    }
    return valid ? undefined : 'Invalid signature.';
  }
  // multiSignHelper
  const signers = signersOf(tx);
  if (!signers) return 'Empty SigningPubKey.';
  if (tx.TxnSignature !== undefined) return 'Cannot both single- and multi-sign.';
  if (signers.length < 1 || signers.length > MAX_MULTI_SIGNERS) return 'Invalid Signers array size.';
  const txAccount = accountIdHex(tx.Account as string);
  let last = '0'.repeat(40);
  for (const { Signer: s } of signers) {
    const id = accountIdHex(s.Account);
    if (id === txAccount) return 'Invalid multisigner.';
    if (id === last) return 'Duplicate Signers not allowed.';
    if (last > id) return 'Unsorted Signers array.';
    last = id;
    let valid = false;
    if (isValidPublicKey(s.SigningPubKey)) {
      try {
        valid = verifySignature(encodeForMultisigning(tx, s.Account), s.TxnSignature, s.SigningPubKey);
      } catch {
        valid = false;
      }
    }
    if (!valid) return `Invalid signature on account ${s.Account}.`;
  }
  return undefined;
}
