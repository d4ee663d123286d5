/** rippled's local checks (STTx::checkSign: singleSignHelper / multiSignHelper), before the engine. */
import { encodeForMultisigning, encodeForSigning } from 'ripple-binary-codec';
import { verify } from 'ripple-keypairs';
import { createPublicKey, KeyObject, verify as verifyWithOpenSsl } from 'node:crypto';

import { MAX_MULTI_SIGNERS, tfInnerBatchTxn } from '../constants';
import { accountIdHex } from '../state';
import { isValidPublicKey, signersOf } from './tx-fields';
import type { TxJson } from './types';

/** The order of the ed25519 group: rippled's `ed25519Canonical` wants S below it. */
const ED25519_ORDER = 2n ** 252n + 27742317777372353535851937790883648493n;
/** DER SubjectPublicKeyInfo of an Ed25519 key, up to the 32 key bytes. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const ed25519Keys = new Map<string, KeyObject>();

/**
 * rippled's ed25519 check (`verify` in PublicKey.cpp): a 64-byte signature whose S is canonical,
 * then RFC 8032 verification of the message itself, here by OpenSSL. ripple-keypairs' pure-JS check
 * gives the same verdicts (the spec compares them) at about 40 times the CPU, which on a shared
 * machine held up every answer of this server behind a submitted 8-signature blob. Written apart from
 * libs/multisign's ed25519 backend on purpose: the sandbox is the service's independent oracle.
 */
export function verifyEd25519(messageHex: string, sigHex: string, pubHex: string): boolean {
  if (!/^[0-9a-fA-F]{128}$/.test(sigHex) || !/^[eE][dD][0-9a-fA-F]{64}$/.test(pubHex)) return false;
  if (messageHex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(messageHex)) return false;
  const signature = Buffer.from(sigHex, 'hex');
  if (BigInt('0x' + Buffer.from(signature.subarray(32)).reverse().toString('hex')) >= ED25519_ORDER)
    return false;
  const id = pubHex.toUpperCase();
  let key = ed25519Keys.get(id);
  if (!key) {
    key = createPublicKey({
      key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(id.slice(2), 'hex')]),
      format: 'der',
      type: 'spki',
    });
    if (ed25519Keys.size >= 10_000) ed25519Keys.clear();
    ed25519Keys.set(id, key);
  }
  return verifyWithOpenSsl(null, Buffer.from(messageHex, 'hex'), key, signature);
}

function verifySignature(messageHex: string, sigHex: unknown, pubHex: string): boolean {
  if (typeof sigHex !== 'string' || sigHex.length === 0) return false;
  try {
    return pubHex.slice(0, 2).toUpperCase() === 'ED'
      ? verifyEd25519(messageHex, sigHex, pubHex)
      : verify(messageHex, sigHex, pubHex);
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
