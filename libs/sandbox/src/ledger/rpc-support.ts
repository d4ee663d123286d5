/** Shared by the ledger sandbox's parts: the RPC error, time and JSON shapes. */
import { RIPPLE_EPOCH_OFFSET, RPC_ERRORS } from './constants';
import type { TxJson } from './engine';
import type { LedgerState } from './state';
import type { ClosedLedger } from './types';

export class RpcError extends Error {
  constructor(
    readonly token: string,
    message?: string,
    readonly extra: Record<string, unknown> = {},
    readonly code?: number,
  ) {
    super(message ?? (RPC_ERRORS as Record<string, { message: string }>)[token]?.message ?? token);
  }
}

/** Sentinel: do not answer (dropped submit). */
export const NO_RESPONSE = Symbol('no-response');

export const ZERO_HASH = '0'.repeat(64);

/** `account_objects` type filters rippled accepts (the sandbox stores signer_list, ticket and delegate). */
export const KNOWN_OBJECT_TYPES = new Set([
  'amm',
  'bridge',
  'check',
  'credential',
  'delegate',
  'deposit_preauth',
  'did',
  'escrow',
  'mpt_issuance',
  'mptoken',
  'nft_offer',
  'nft_page',
  'offer',
  'oracle',
  'payment_channel',
  'permissioned_domain',
  'signer_list',
  'state',
  'ticket',
  'vault',
  'xchain_owned_claim_id',
  'xchain_owned_create_account_claim_id',
]);

/** How many of the newest closed ledgers keep a full state map (older ones keep headers and txs). */
export const RETAINED_STATES = 2048;

export function stateOf(l: ClosedLedger): LedgerState {
  if (!l.state) throw new RpcError('lgrNotFound', 'ledgerNotFound (state no longer retained by the sandbox)');
  return l.state;
}

export function rippleTimeNow(): number {
  return Math.floor(Date.now() / 1000) - RIPPLE_EPOCH_OFFSET;
}

export function isoFromRippleTime(t: number): string {
  return new Date((t + RIPPLE_EPOCH_OFFSET) * 1000).toISOString().replace('.000Z', 'Z');
}

export function humanFromRippleTime(t: number): string {
  const d = new Date((t + RIPPLE_EPOCH_OFFSET) * 1000);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number): string => String(n).padStart(2, '0');
  return (
    `${d.getUTCFullYear()}-${months[d.getUTCMonth()]}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.000000000 UTC`
  );
}

export function dropsToXrpNumber(drops: bigint): number {
  return Number(drops) / 1_000_000;
}

/** API v2 `tx_json`: Payment's `Amount` is shown as `DeliverMax`. */
export function txJsonV2(tx: TxJson): Record<string, unknown> {
  const out: Record<string, unknown> = { ...tx };
  if (tx.TransactionType === 'Payment' && out.Amount !== undefined) {
    out.DeliverMax = out.Amount;
    delete out.Amount;
  }
  return out;
}

/** Admin-only `load` (rippled's JobQueue::getJson): the sandbox has no job queue, one thread. */
export const SANDBOX_LOAD = { job_types: [], threads: 1 };
