import { createHash } from 'node:crypto';
import { decodeAccountID, encodeAccountID, isValidClassicAddress } from 'ripple-address-codec';
import { DEFAULT_DEFINITIONS, encode } from 'ripple-binary-codec';
import { sha512Half } from './crypto-backend';
import { MultisignError } from './multisign.errors';
import type { PreparedTransaction } from './multisign.types';

/**
 * Byte-level helpers. The prepared transaction's canonical encoding P is the authority; a signer
 * blob is acceptable only if it is exactly P with a one-entry `Signers` array inserted at the
 * canonical position, and the combined blob is P with the sorted `Signers` array inserted there.
 * Field headers (rippled STObject serialisation, type codes from definitions.json):
 *   Signers  STArray(15) nth 3  -> F3        array end   -> F1
 *   Signer   STObject(14) nth 16 -> E0 10    object end  -> E1
 *   SigningPubKey Blob(7) nth 3 -> 73, TxnSignature Blob(7) nth 4 -> 74, Account AccountID(8) nth 1 -> 81
 * Inside an object fields are sorted by (type, nth): SigningPubKey, TxnSignature, Account.
 */

/** Array.isArray without narrowing a typed readonly array to any[]. */
export function isList(value: unknown): boolean {
  return Array.isArray(value);
}

/** Strict hex decoding: non-empty, even length, hex digits only (Buffer.from stops at the first bad pair). */
export function hexToBytes(hex: string): Buffer | null {
  if (typeof hex !== 'string' || hex.length === 0 || hex.length % 2 !== 0) return null;
  const bytes = Buffer.from(hex, 'hex');
  return bytes.length * 2 === hex.length ? bytes : null;
}

export function bytesToHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase();
}

/**
 * r-address -> AccountID, memoised: base58check decoding (with a pure-JS SHA-256 checksum) costs
 * ~20 us, and every verification checks the expected signer and each SignerList entry.
 */
const ACCOUNT_ID_CACHE_LIMIT = 20_000;
const accountIds = new Map<string, Buffer | null>();

/** The 20-byte AccountID of a classic r-address, or null if it is not one. Do not mutate the result. */
export function accountIdOrNull(address: unknown): Buffer | null {
  if (typeof address !== 'string') return null;
  let id = accountIds.get(address);
  if (id === undefined) {
    id = isValidClassicAddress(address) ? Buffer.from(decodeAccountID(address)) : null;
    if (accountIds.size >= ACCOUNT_ID_CACHE_LIMIT) accountIds.clear();
    accountIds.set(address, id);
  }
  return id;
}

export function isClassicAddress(value: unknown): value is string {
  return accountIdOrNull(value) !== null;
}

export function accountIdOf(address: string): Buffer {
  const id = accountIdOrNull(address);
  if (id === null) throw new MultisignError('INVALID_ARGUMENT', `not a classic address: ${String(address)}`);
  return id;
}

/** AccountID (RIPEMD-160 of SHA-256) of a public key. */
export function accountIdOfPublicKey(publicKey: Uint8Array): Buffer {
  const sha = createHash('sha256').update(publicKey).digest();
  return createHash('ripemd160').update(sha).digest();
}

/** The r-address of a public key. */
export function addressOfPublicKey(publicKey: Uint8Array): string {
  return encodeAccountID(accountIdOfPublicKey(publicKey));
}

export const SIGNERS_HEADER = 0xf3;
export const ARRAY_END = 0xf1;
export const OBJECT_END = 0xe1;
const SIGNER_HEADER = [0xe0, 0x10] as const;
const SIGNING_PUBKEY_HEADER = 0x73;
const TXN_SIGNATURE_HEADER = 0x74;
const ACCOUNT_HEADER = 0x81;

/** XRPL variable-length prefix (rippled Serializer::addEncoded). */
export function encodeVariableLength(length: number): number[] {
  if (length <= 192) return [length];
  if (length <= 12480) {
    const l = length - 193;
    return [193 + (l >>> 8), l & 0xff];
  }
  if (length <= 918744) {
    const l = length - 12481;
    return [241 + (l >>> 16), (l >>> 8) & 0xff, l & 0xff];
  }
  throw new RangeError(`VL length ${length} too large`);
}

export interface SignerBytes {
  readonly accountId: Uint8Array;
  readonly signingPubKey: Uint8Array;
  readonly txnSignature: Uint8Array;
}

/** Canonical bytes of a `Signers` array (entries must already be in the wanted order). */
export function encodeSignersArray(signers: readonly SignerBytes[]): Buffer {
  const parts: Uint8Array[] = [Buffer.from([SIGNERS_HEADER])];
  for (const signer of signers) {
    parts.push(
      Buffer.from([
        ...SIGNER_HEADER,
        SIGNING_PUBKEY_HEADER,
        ...encodeVariableLength(signer.signingPubKey.length),
      ]),
      signer.signingPubKey,
      Buffer.from([TXN_SIGNATURE_HEADER, ...encodeVariableLength(signer.txnSignature.length)]),
      signer.txnSignature,
      Buffer.from([ACCOUNT_HEADER, 20]),
      signer.accountId,
      Buffer.from([OBJECT_END]),
    );
  }
  parts.push(Buffer.from([ARRAY_END]));
  return Buffer.concat(parts);
}

/** Reads one VL length at `offset`; returns [length, bytes used] or null. */
function readVariableLength(bytes: Uint8Array, offset: number): [number, number] | null {
  const b1 = bytes[offset];
  if (b1 === undefined) return null;
  if (b1 <= 192) return [b1, 1];
  const b2 = bytes[offset + 1];
  if (b2 === undefined) return null;
  if (b1 <= 240) return [193 + (b1 - 193) * 256 + b2, 2];
  const b3 = bytes[offset + 2];
  if (b3 === undefined || b1 > 254) return null;
  return [12481 + (b1 - 241) * 65536 + b2 * 256 + b3, 3];
}

/**
 * Parses `bytes` as exactly one canonical `Signers` array with exactly one Signer holding exactly
 * SigningPubKey, TxnSignature and Account (in that order). Null when it is anything else.
 */
export function parseSingleSignerArray(bytes: Uint8Array): SignerBytes | null {
  let at = 0;
  if (
    bytes[at++] !== SIGNERS_HEADER ||
    bytes[at++] !== SIGNER_HEADER[0] ||
    bytes[at++] !== SIGNER_HEADER[1]
  ) {
    return null;
  }
  if (bytes[at++] !== SIGNING_PUBKEY_HEADER) return null;
  const pkLength = readVariableLength(bytes, at);
  if (pkLength === null) return null;
  at += pkLength[1];
  const signingPubKey = bytes.subarray(at, at + pkLength[0]);
  at += pkLength[0];
  if (bytes[at++] !== TXN_SIGNATURE_HEADER) return null;
  const sigLength = readVariableLength(bytes, at);
  if (sigLength === null) return null;
  at += sigLength[1];
  const txnSignature = bytes.subarray(at, at + sigLength[0]);
  at += sigLength[0];
  if (bytes[at++] !== ACCOUNT_HEADER || bytes[at++] !== 20) return null;
  const accountId = bytes.subarray(at, at + 20);
  at += 20;
  if (bytes[at++] !== OBJECT_END || bytes[at++] !== ARRAY_END) return null;
  if (at !== bytes.length || accountId.length !== 20) return null;
  return { accountId, signingPubKey, txnSignature };
}

/** Everything verify/combine need from a PreparedTransaction, computed once per object. */
export interface PreparedBytes {
  readonly encoded: Buffer;
  /** `encoded` as uppercase hex: identifies the prepared transaction. */
  readonly encodedHex: string;
  /** Where `Signers` goes in the canonical field order. */
  readonly insertAt: number;
  readonly head: Buffer;
  readonly tail: Buffer;
  /** `SMT\0` + encoded; append the signer's AccountID to get the multisigning data. */
  readonly multisignPrefix: Buffer;
  readonly accountId: Buffer;
}

const MULTISIGN_PREFIX = Buffer.from('534D5400', 'hex');
const TX_ID_PREFIX = Buffer.from('54584E00', 'hex');
const cache = new WeakMap<PreparedTransaction, PreparedBytes>();
/** Layouts of checked prepared transactions by their whole content (see `preparedBytes`). */
const byContent = new Map<string, PreparedBytes>();
const CONTENT_CACHE_LIMIT = 2048;

interface FieldInfo {
  readonly ordinal: number;
  readonly isSerialized: boolean;
  readonly isSigningField: boolean;
}
const FIELDS = DEFAULT_DEFINITIONS.field as unknown as Record<string, FieldInfo | undefined>;
const SIGNERS_ORDINAL = FIELDS.Signers?.ordinal ?? (15 << 16) | 3;

/** Top-level fields that are serialised but excluded from the signing data (Signers, TxnSignature, ...). */
export function unsignedFields(txJson: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(txJson).filter((name) => {
    const field = FIELDS[name];
    return txJson[name] !== undefined && field !== undefined && field.isSerialized && !field.isSigningField;
  });
}

function scalarText(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number'
    ? String(value)
    : JSON.stringify(value ?? null);
}

function inconsistent(message: string, details?: Record<string, unknown>): MultisignError {
  return new MultisignError('PREPARED_INCONSISTENT', message, details);
}

/**
 * Byte layout of a canonical encoding: the fields sort by ordinal (type << 16 | nth), so the part
 * after `Signers` is exactly the encoding of the fields whose ordinal is larger (Memos, Paths, ...).
 */
export function layoutOf(
  txJson: Readonly<Record<string, unknown>>,
  encoded: Buffer,
  account: string,
): PreparedBytes {
  const after: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(txJson)) {
    const ordinal = FIELDS[name]?.ordinal;
    if (ordinal !== undefined && ordinal > SIGNERS_ORDINAL) after[name] = value;
  }
  const tail = Object.keys(after).length === 0 ? Buffer.alloc(0) : Buffer.from(encode(after as never), 'hex');
  const insertAt = encoded.length - tail.length;
  if (insertAt < 0 || !encoded.subarray(insertAt).equals(tail)) {
    throw inconsistent('could not locate the Signers field position');
  }
  return {
    encoded,
    encodedHex: bytesToHex(encoded),
    insertAt,
    head: encoded.subarray(0, insertAt),
    tail: encoded.subarray(insertAt),
    multisignPrefix: Buffer.concat([MULTISIGN_PREFIX, encoded]),
    accountId: accountIdOf(account),
  };
}

/** prepare() registers the layout of what it just built, so its first verification is cheap. */
export function rememberPreparedBytes(prepared: PreparedTransaction, layout: PreparedBytes): void {
  cache.set(prepared, layout);
}

/**
 * The byte layout of a prepared transaction, cached per object. For an object prepare() did not
 * return in this process (e.g. reloaded from storage), first checks that its txJson still encodes
 * to `encoded` and carries no unsigned field, so the multisigning data is `SMT\0 + encoded + id`.
 * Throws PREPARED_INCONSISTENT if the object was altered after prepare().
 */
export function preparedBytes(prepared: PreparedTransaction): PreparedBytes {
  const cached = cache.get(prepared);
  if (cached !== undefined) return cached;
  // The same content checked before (an equal object reloaded from storage for each signature of a
  // proposal): the layout is a pure function of every field, which the key holds, so it is reused.
  const key = contentKey(prepared);
  const known = key === null ? undefined : byContent.get(key);
  if (known !== undefined) {
    cache.set(prepared, known);
    return known;
  }
  const encoded = hexToBytes(prepared?.encoded);
  if (encoded === null || typeof prepared.txJson !== 'object' || prepared.txJson === null) {
    throw inconsistent('prepared transaction has no valid encoded bytes / txJson');
  }
  if (!isClassicAddress(prepared.account) || prepared.txJson.Account !== prepared.account) {
    throw inconsistent('prepared transaction account does not match its txJson');
  }
  let reEncoded: string;
  try {
    reEncoded = encode(prepared.txJson);
  } catch (error) {
    throw inconsistent('prepared txJson does not encode', { reason: (error as Error).message });
  }
  if (reEncoded.toUpperCase() !== bytesToHex(encoded)) {
    throw inconsistent('prepared txJson does not encode to its `encoded` bytes');
  }
  const tx = prepared.txJson;
  const summary: [string, unknown, unknown][] = [
    ['feeDrops', prepared.feeDrops, tx.Fee],
    ['sequence', prepared.sequence, tx.Sequence],
    ['ticketSequence', prepared.ticketSequence, tx.TicketSequence ?? null],
    ['lastLedgerSequence', prepared.lastLedgerSequence, tx.LastLedgerSequence],
    ['networkId', prepared.networkId, tx.NetworkID ?? null],
  ];
  for (const [field, stated, inTx] of summary) {
    // Compared as text: a store may hand numeric columns back as strings (pg bigint).
    if (scalarText(stated) !== scalarText(inTx)) {
      throw inconsistent(`prepared ${field} does not match its txJson`, { field });
    }
  }
  if (
    !Number.isInteger(prepared.maxSignatures) ||
    prepared.maxSignatures < 1 ||
    prepared.maxSignatures > 32
  ) {
    throw inconsistent('prepared maxSignatures must be an integer in 1..32', { field: 'maxSignatures' });
  }
  if (tx.SigningPubKey !== '')
    throw inconsistent('prepared SigningPubKey must be empty', { field: 'SigningPubKey' });
  const unsigned = unsignedFields(prepared.txJson);
  if (unsigned.length > 0) {
    throw inconsistent('prepared transaction carries unsigned fields', { fields: unsigned });
  }
  const layout = layoutOf(prepared.txJson, encoded, prepared.account);
  cache.set(prepared, layout);
  if (key !== null) {
    if (byContent.size >= CONTENT_CACHE_LIMIT) byContent.clear();
    byContent.set(key, layout);
  }
  return layout;
}

/** Every field of a prepared transaction, as one string; null when it cannot be serialised. */
function contentKey(prepared: PreparedTransaction): string | null {
  try {
    return JSON.stringify([
      prepared.encoded,
      prepared.account,
      prepared.feeDrops,
      prepared.maxSignatures,
      prepared.sequence,
      prepared.ticketSequence,
      prepared.lastLedgerSequence,
      prepared.networkId,
      prepared.txJson,
    ]);
  } catch {
    return null;
  }
}

/** Hash of a signed transaction blob: SHA-512Half(`TXN\0` + blob). */
export function transactionHash(blob: Uint8Array): string {
  return bytesToHex(sha512Half(Buffer.concat([TX_ID_PREFIX, blob])));
}
