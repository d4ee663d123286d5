import { decode, encode } from 'ripple-binary-codec';
import { activeCryptoBackend, type CryptoBackend } from './crypto-backend';
import { type BlobRefusalCode, MultisignError } from './multisign.errors';
import type {
  BlobRefusal,
  PreparedTransaction,
  SignerFacts,
  SignerList,
  VerifiedSignature,
  VerifyContext,
  VerifyResult,
} from './multisign.types';
import { checkSecp256k1Der, isCanonicalEd25519Signature, publicKeyAlgorithm } from './signature-rules';
import {
  accountIdOf,
  accountIdOfPublicKey,
  accountIdOrNull,
  bytesToHex,
  hexToBytes,
  isClassicAddress,
  isList,
  parseSingleSignerArray,
  preparedBytes,
  type PreparedBytes,
  type SignerBytes,
} from './xrpl-binary';
import { encodeAccountID } from 'ripple-address-codec';

/**
 * Signatures this process verified, and against which prepared encoding. combine() skips the
 * (cheap but not free) re-verification for these; anything else (e.g. loaded from a database) is
 * re-verified cryptographically there.
 */
export const verifiedHere = new WeakMap<VerifiedSignature, string>();

/** rippled refuses transactions above 1 MB; nothing larger is worth decoding. */
const MAX_BLOB_HEX_LENGTH = 2 * 1024 * 1024;

function refusal(code: BlobRefusalCode, message: string, details?: Record<string, unknown>): BlobRefusal {
  return details === undefined ? { ok: false, code, message } : { ok: false, code, message, details };
}

function checkSignerList(signerList: SignerList): void {
  const valid =
    typeof signerList === 'object' &&
    signerList !== null &&
    Number.isInteger(signerList.quorum) &&
    signerList.quorum > 0 &&
    isList(signerList.entries) &&
    signerList.entries.every(
      (e) => isClassicAddress(e?.account) && Number.isInteger(e.weight) && e.weight > 0 && e.weight <= 0xffff,
    );
  if (!valid) {
    throw new MultisignError(
      'INVALID_ARGUMENT',
      'signerList must be { quorum > 0, entries: [{ account, weight 1..65535 }] }',
    );
  }
}

function checkSignerFacts(facts: SignerFacts): void {
  const valid =
    typeof facts === 'object' &&
    facts !== null &&
    typeof facts.funded === 'boolean' &&
    typeof facts.masterDisabled === 'boolean' &&
    (facts.regularKey === undefined || facts.regularKey === null || isClassicAddress(facts.regularKey));
  if (!valid) {
    throw new MultisignError(
      'INVALID_ARGUMENT',
      'signerFacts must be { funded, masterDisabled, regularKey?: r-address | null }',
    );
  }
}

/** Fields whose values differ between two decoded transactions (Signers ignored). */
function differingFields(prepared: Record<string, unknown>, blob: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(prepared), ...Object.keys(blob)]);
  keys.delete('Signers');
  return [...keys].filter((k) => JSON.stringify(prepared[k]) !== JSON.stringify(blob[k])).sort();
}

/**
 * Slow path, used only when the blob is not byte-for-byte "prepared + one canonical Signer": decodes
 * it to name the exact reason. Returns the signer fields if the blob is in fact acceptable.
 */
function diagnose(prepared: PreparedTransaction, blob: Buffer): SignerBytes | BlobRefusal {
  let tx: Record<string, unknown>;
  try {
    tx = decode(bytesToHex(blob));
  } catch (error) {
    return refusal('BLOB_MALFORMED', 'blob does not decode as an XRPL transaction', {
      reason: (error as Error).message,
    });
  }
  if (tx.SigningPubKey !== '' || tx.TxnSignature !== undefined) {
    return refusal(
      'BLOB_NOT_MULTISIGNED',
      'blob is not multisigned (SigningPubKey must be empty, no TxnSignature)',
      {
        hasTxnSignature: tx.TxnSignature !== undefined,
        signingPubKeyEmpty: tx.SigningPubKey === '',
      },
    );
  }
  const signers = tx.Signers;
  if (!Array.isArray(signers) || signers.length !== 1) {
    return refusal('BLOB_SIGNER_COUNT', 'blob must carry exactly one Signer', {
      count: Array.isArray(signers) ? signers.length : 0,
    });
  }
  const entry = signers[0] as { Signer?: Record<string, unknown> } | undefined;
  const signer = entry?.Signer;
  const signerKeys = signer === undefined ? [] : Object.keys(signer).sort();
  if (
    entry === undefined ||
    Object.keys(entry).length !== 1 ||
    signer === undefined ||
    signerKeys.join(',') !== 'Account,SigningPubKey,TxnSignature' ||
    typeof signer.Account !== 'string' ||
    typeof signer.SigningPubKey !== 'string' ||
    typeof signer.TxnSignature !== 'string'
  ) {
    return refusal(
      'BLOB_SIGNER_MALFORMED',
      'Signer must hold exactly Account, SigningPubKey and TxnSignature',
      {
        fields: signerKeys,
      },
    );
  }
  const stripped = { ...tx };
  delete stripped.Signers;
  let strippedEncoding: string;
  try {
    strippedEncoding = encode(stripped);
  } catch (error) {
    return refusal('BLOB_MALFORMED', 'blob transaction does not re-encode', {
      reason: (error as Error).message,
    });
  }
  const preparedHex = preparedBytes(prepared).encodedHex;
  if (strippedEncoding.toUpperCase() !== preparedHex) {
    // Compare canonical decodings on both sides (a txJson reloaded from jsonb may have reordered keys).
    const fields = differingFields(decode(preparedHex), tx);
    return refusal(
      'BLOB_TX_MISMATCH',
      `blob transaction differs from the prepared one: ${fields.join(', ')}`,
      {
        fields,
      },
    );
  }
  if (encode(tx).toUpperCase() !== bytesToHex(blob)) {
    return refusal('BLOB_NOT_CANONICAL', 'blob is not in canonical binary form');
  }
  // Canonical, prepared tx + one well-formed Signer: the fast parser should have taken it; accept
  // through the decoded values (e.g. a Signer field with a multi-byte length prefix).
  const signingPubKey = hexToBytes(signer.SigningPubKey) ?? Buffer.alloc(0);
  const txnSignature = hexToBytes(signer.TxnSignature) ?? Buffer.alloc(0);
  return { accountId: accountIdOf(signer.Account), signingPubKey, txnSignature };
}

/**
 * Verify one signer's returned blob against the prepared transaction, rippled's rules in order:
 * decodes, multisigned shape, exactly one Signer, identical transaction, expected signer, signature
 * encoding (key format, strict DER + low S / Ed25519 S < L), the signature itself over
 * `SMT\0 + tx + signer AccountID`, key authorisation (master unless disabled; current RegularKey;
 * unfunded: master only), SignerList membership.
 *
 * Never throws for a bad blob: returns `{ ok: false, code, message, details? }`. Throws
 * MultisignError only for caller mistakes (INVALID_ARGUMENT, PREPARED_INCONSISTENT).
 */
export function verifySignerBlob(
  prepared: PreparedTransaction,
  blobHex: string,
  expectedSigner: string,
  ctx: VerifyContext,
): VerifyResult {
  if (!isClassicAddress(expectedSigner)) {
    throw new MultisignError('INVALID_ARGUMENT', 'expectedSigner must be a classic r-address');
  }
  checkSignerList(ctx?.signerList);
  checkSignerFacts(ctx.signerFacts);
  const layout = preparedBytes(prepared);

  if (typeof blobHex === 'string' && blobHex.length > MAX_BLOB_HEX_LENGTH) {
    return refusal('BLOB_MALFORMED', 'blob is larger than any transaction rippled accepts', {
      bytes: blobHex.length / 2,
    });
  }
  const blob = hexToBytes(blobHex);
  if (blob === null) return refusal('BLOB_MALFORMED', 'blob is not an even-length hex string');

  let signer: SignerBytes | null = null;
  const { head, tail } = layout;
  if (
    blob.length > head.length + tail.length &&
    blob.subarray(0, head.length).equals(head) &&
    blob.subarray(blob.length - tail.length).equals(tail)
  ) {
    signer = parseSingleSignerArray(blob.subarray(head.length, blob.length - tail.length));
  }
  if (signer === null) {
    const diagnosed = diagnose(prepared, blob);
    if ('ok' in diagnosed) return diagnosed;
    signer = diagnosed;
  }
  return verifySignerFields(prepared, layout, signer, expectedSigner, ctx);
}

function verifySignerFields(
  prepared: PreparedTransaction,
  layout: PreparedBytes,
  signer: SignerBytes,
  expectedSigner: string,
  ctx: VerifyContext,
): VerifyResult {
  // Compare AccountIDs as bytes: r-address encoding is comparatively slow and only needed for messages.
  if (!accountIdOf(expectedSigner).equals(signer.accountId)) {
    return refusal('SIGNER_ACCOUNT_MISMATCH', 'Signer.Account is not the signer this request was sent to', {
      signer: encodeAccountID(signer.accountId),
      expected: expectedSigner,
    });
  }
  const account = expectedSigner;
  if (layout.accountId.equals(signer.accountId)) {
    return refusal('SIGNER_IS_ACCOUNT', 'the multisig account cannot sign for itself');
  }

  const crypto = checkSignatureCrypto(layout, signer);
  if ('ok' in crypto) return crypto;
  const algorithm = crypto.algorithm;

  const keyAccountId = accountIdOfPublicKey(signer.signingPubKey);
  const facts = ctx.signerFacts;
  let keyType: 'master' | 'regular';
  if (keyAccountId.equals(signer.accountId)) {
    if (facts.funded && facts.masterDisabled) {
      return refusal('SIGNER_MASTER_DISABLED', 'signed with the master key, but the signer disabled it');
    }
    keyType = 'master';
  } else {
    if (!facts.funded) {
      return refusal(
        'SIGNER_UNFUNDED_NON_MASTER_KEY',
        'an unfunded signer can only sign with its master key',
        {
          keyAccount: encodeAccountID(keyAccountId),
        },
      );
    }
    const regularKeyId = facts.regularKey ? accountIdOrNull(facts.regularKey) : null;
    if (regularKeyId === null || !regularKeyId.equals(keyAccountId)) {
      return refusal(
        'SIGNER_KEY_NOT_AUTHORISED',
        "the key is neither the signer's master key nor its RegularKey",
        {
          keyAccount: encodeAccountID(keyAccountId),
          regularKey: facts.regularKey ?? null,
        },
      );
    }
    keyType = 'regular';
  }

  const entry = ctx.signerList.entries.find((e) => e.account === account);
  if (entry === undefined) {
    return refusal('SIGNER_NOT_IN_LIST', 'the signer is not in the SignerList', { signer: account });
  }

  const signature: VerifiedSignature = Object.freeze({
    account,
    signingPubKey: bytesToHex(signer.signingPubKey),
    txnSignature: bytesToHex(signer.txnSignature),
    weight: entry.weight,
    keyType,
    algorithm,
  });
  verifiedHere.set(signature, layout.encodedHex);
  return { ok: true, signature };
}

/**
 * Key format, signature encoding and the signature itself, for one Signer over the prepared bytes.
 * Returns the algorithm, or a refusal.
 */
export function checkSignatureCrypto(
  layout: PreparedBytes,
  signer: SignerBytes,
  backend: CryptoBackend = activeCryptoBackend(),
): { readonly algorithm: 'ed25519' | 'secp256k1' } | BlobRefusal {
  const algorithm = publicKeyAlgorithm(signer.signingPubKey);
  if (algorithm === null) {
    return refusal(
      'SIGNING_PUBKEY_MALFORMED',
      'SigningPubKey must be 33 bytes: 0xED + 32 or compressed 02/03',
      {
        length: signer.signingPubKey.length,
      },
    );
  }
  const message = Buffer.concat([layout.multisignPrefix, signer.accountId]);
  if (algorithm === 'ed25519') {
    if (!isCanonicalEd25519Signature(signer.txnSignature)) {
      return refusal('SIGNATURE_MALFORMED', 'Ed25519 signature must be 64 bytes with S < L');
    }
    if (!backend.verifyEd25519(message, signer.txnSignature, signer.signingPubKey)) {
      return refusal('SIGNATURE_INVALID', 'the signature does not verify over the multisigning data');
    }
    return { algorithm };
  }
  const der = checkSecp256k1Der(signer.txnSignature);
  if (der.kind === 'malformed') {
    return refusal('SIGNATURE_MALFORMED', `secp256k1 signature is not strict DER (${der.reason})`, {
      reason: der.reason,
    });
  }
  if (der.kind === 'canonical-high-s') {
    return refusal(
      'SIGNATURE_NOT_FULLY_CANONICAL',
      'secp256k1 signature has a high S value (not fully canonical)',
    );
  }
  const check = backend.verifySecp256k1(message, signer.txnSignature, der.compact, signer.signingPubKey);
  if (check === 'bad-key') {
    return refusal('SIGNING_PUBKEY_MALFORMED', 'SigningPubKey is not a point on secp256k1');
  }
  if (check !== 'valid') {
    return refusal('SIGNATURE_INVALID', 'the signature does not verify over the multisigning data');
  }
  return { algorithm };
}
