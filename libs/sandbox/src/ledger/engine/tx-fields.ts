/**
 * Reading a transaction: its ID, deserialization as STTx does it, and typed accessors of common
 * fields (SeqProxy, Signers, amounts in drops) shared by every stage of the engine.
 */
import { decode } from 'ripple-binary-codec';

import { sha512Half } from '../state';
import type { SignerJson, TxJson } from './types';

const TXN_PREFIX = '54584E00';

/** Transaction ID: SHA-512Half of `TXN\0` + the signed blob. */
export function txHash(blobHex: string): string {
  return sha512Half(TXN_PREFIX + blobHex.toUpperCase());
}

export type DecodeResult = { ok: true; tx: TxJson } | { ok: false; exception: string };

const REQUIRED_COMMON = ['TransactionType', 'Account', 'Fee', 'Sequence', 'SigningPubKey'] as const;

/** Deserialize a blob the way `STTx(SerialIter)` would (exceptions become `error_exception`). */
export function decodeBlob(blobHex: string): DecodeResult {
  let tx: TxJson;
  try {
    tx = decode(blobHex);
  } catch (e) {
    return { ok: false, exception: e instanceof Error ? e.message : String(e) };
  }
  for (const f of REQUIRED_COMMON) {
    if (tx[f] === undefined) return { ok: false, exception: `Field '${f}' is required but missing.` };
  }
  if (tx.Signers !== undefined) {
    // InnerObjectFormats: a Signer has exactly Account, SigningPubKey and TxnSignature.
    if (!Array.isArray(tx.Signers)) return { ok: false, exception: "Field 'Signers' is not an array." };
    for (const entry of tx.Signers as unknown[]) {
      const signer = (entry as { Signer?: Record<string, unknown> } | null)?.Signer;
      if (!signer) return { ok: false, exception: "Array 'Signers' may only contain 'Signer' objects." };
      for (const f of ['Account', 'SigningPubKey', 'TxnSignature']) {
        if (signer[f] === undefined) return { ok: false, exception: `Field '${f}' is required but missing.` };
      }
    }
  }
  return { ok: true, tx };
}

export function isValidPublicKey(hex: unknown): hex is string {
  if (typeof hex !== 'string' || hex.length !== 66 || !/^[0-9a-fA-F]+$/.test(hex)) return false;
  const prefix = hex.slice(0, 2).toUpperCase();
  return prefix === '02' || prefix === '03' || prefix === 'ED';
}

export function signersOf(tx: TxJson): SignerJson[] | undefined {
  return Array.isArray(tx.Signers) ? (tx.Signers as SignerJson[]) : undefined;
}

export function u32(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

export function dropsOf(v: unknown): bigint | undefined {
  if (typeof v !== 'string' || !/^-?\d+$/.test(v)) return undefined;
  return BigInt(v);
}

/** A transaction's SeqProxy: a Sequence, or a Ticket when Sequence is 0 and TicketSequence is set. */
export function seqProxyOf(tx: TxJson): { kind: 'seq' | 'ticket'; value: number } {
  const seq = u32(tx.Sequence) ?? 0;
  const ticket = u32(tx.TicketSequence);
  if (seq === 0 && ticket !== undefined) return { kind: 'ticket', value: ticket };
  return { kind: 'seq', value: seq };
}

export function compareHex(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
