import { createHash } from 'node:crypto';
import { decode, encode, encodeForSigning } from 'ripple-binary-codec';
import { deriveAddress, verify } from 'ripple-keypairs';
import { NETWORK_ID_THRESHOLD } from '@app/multisign';
import type { ErrorCode } from '../../errors/error-codes';
import type { AccountFacts, NetworkFacts } from '../../ports/ledger.port';

/** AccountSet flag: disallow the master key (rippled `asfDisableMaster`). */
export const ASF_DISABLE_MASTER = 4;

/**
 * The exact single-signed transaction the owner signs: the template with its Account, the next
 * Sequence, the Fee for one signature at the current load (capped), a LastLedgerSequence that outlives
 * the payload, and NetworkID when the network's id is above 1024 (rippled requires it there and
 * refuses it at or below).
 */
export function prepareOwnerTransaction(
  template: Record<string, unknown>,
  owner: Pick<AccountFacts, 'address' | 'sequence'>,
  network: NetworkFacts,
  rules: { feeCushion: number; maxFeeDrops: number; lastLedgerSequence: number },
): Record<string, unknown> {
  const fee = Math.min(
    rules.maxFeeDrops,
    Math.ceil(network.baseFeeDrops * Math.max(1, network.loadFactor) * Math.max(1, rules.feeCushion) - 1e-9),
  );
  return {
    ...template,
    Account: owner.address,
    Sequence: owner.sequence,
    Fee: String(fee),
    LastLedgerSequence: rules.lastLedgerSequence,
    ...(network.networkId !== null && network.networkId > NETWORK_ID_THRESHOLD
      ? { NetworkID: network.networkId }
      : {}),
  };
}

/** The hash rippled gives a signed transaction: SHA-512Half of `TXN\0` + the blob. */
export function signedTransactionHash(hex: string): string {
  return createHash('sha512')
    .update(Buffer.concat([Buffer.from('54584E00', 'hex'), Buffer.from(hex, 'hex')]))
    .digest()
    .subarray(0, 32)
    .toString('hex')
    .toUpperCase();
}

export type OwnerBlobCheck =
  { ok: true; hash: string; keyType: 'master' | 'regular' } | { ok: false; code: ErrorCode; message: string };

/**
 * Proves a blob from the owner's payload is exactly the prepared transaction, single-signed with a key
 * the ledger lets sign for the owner: the master key unless disabled, or its RegularKey (`requireMaster`:
 * only the master key, as rippled's `tecNEED_MASTER_KEY` asks of `asfDisableMaster`).
 */
export function verifyOwnerBlob(
  hex: string,
  prepared: Record<string, unknown>,
  owner: Pick<AccountFacts, 'address' | 'masterDisabled' | 'regularKey'>,
  requireMaster: boolean,
): OwnerBlobCheck {
  const refuse = (code: ErrorCode, message: string): OwnerBlobCheck => ({ ok: false, code, message });
  let tx: Record<string, unknown>;
  try {
    tx = decode(hex);
  } catch {
    return refuse('SETUP_BLOB_MISMATCH', 'The signed blob does not decode.');
  }
  const { SigningPubKey, TxnSignature, ...rest } = tx;
  if (typeof SigningPubKey !== 'string' || SigningPubKey === '' || typeof TxnSignature !== 'string') {
    return refuse('SETUP_BLOB_MISMATCH', 'The blob is not single-signed.');
  }
  if ('Signers' in rest) return refuse('SETUP_BLOB_MISMATCH', 'The blob is multisigned.');
  let same: boolean;
  try {
    same = encode(rest) === encode(prepared);
  } catch {
    same = false;
  }
  if (!same) return refuse('SETUP_BLOB_MISMATCH', 'The signed transaction is not the prepared one.');
  let valid: boolean;
  try {
    valid = verify(encodeForSigning({ ...rest, SigningPubKey }), TxnSignature, SigningPubKey);
  } catch {
    valid = false;
  }
  if (!valid) return refuse('SETUP_BLOB_MISMATCH', 'The signature does not verify.');
  const keyAccount = deriveAddress(SigningPubKey);
  let keyType: 'master' | 'regular';
  if (keyAccount === owner.address && !owner.masterDisabled) keyType = 'master';
  else if (owner.regularKey !== null && keyAccount === owner.regularKey) keyType = 'regular';
  else return refuse('SETUP_KEY_NOT_AUTHORISED', `The key that signed cannot sign for ${owner.address}.`);
  if (requireMaster && keyType !== 'master') {
    return refuse('SETUP_NEEDS_MASTER_KEY', 'Only the master key can disable the master key.');
  }
  return { ok: true, hash: signedTransactionHash(hex), keyType };
}
