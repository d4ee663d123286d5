/**
 * Pure rules of the coordination flow: how many signatures the fee must cover, how far the
 * LastLedgerSequence must reach, and what a submission result means.
 */

/**
 * The most signatures the service may ever combine for this list: the combination is always the
 * fewest signatures that reach the quorum, and no such set is larger than the count of the
 * smallest weights that reach it. The Fee is sized for that many.
 */
export function maxSignaturesForQuorum(entries: readonly { weight: number }[], quorum: number): number {
  const ascending = entries.map((e) => e.weight).sort((a, b) => a - b);
  let sum = 0;
  for (let i = 0; i < ascending.length; i++) {
    sum += ascending[i]!;
    if (sum >= quorum) return i + 1;
  }
  return ascending.length;
}

/**
 * An absolute LastLedgerSequence that outlives the signing window: enough ledgers for the deadline
 * at the fastest close rate the network is expected to have, plus a margin for submission.
 */
export function lastLedgerSequenceFor(input: {
  validatedLedgerIndex: number;
  windowSeconds: number;
  minSecondsPerLedger: number;
  marginLedgers: number;
}): number {
  return (
    input.validatedLedgerIndex +
    Math.ceil(input.windowSeconds / input.minSecondsPerLedger) +
    input.marginLedgers
  );
}

export type SubmitVerdict =
  /** Provisionally applied or queued: follow it to a validated ledger. */
  | 'pending'
  /** Not applied now but may be later (ter, tel): submit again until LastLedgerSequence. */
  | 'retry'
  /** The Sequence/Ticket is gone: find out from validated history whether it was ours. */
  | 'sequence_consumed'
  /** Already applied (this exact transaction): follow it. */
  | 'already'
  /** Can never succeed: the proposal fails with this reason. */
  | 'final';

/** RPC answers that say the server cannot take it now, not that the transaction is bad. */
const TRANSIENT_RPC_ERRORS = new Set([
  'tooBusy',
  'noNetwork',
  'noCurrent',
  'noClosed',
  'notSynced',
  'slowDown',
  'failedToForward',
  'internal',
  'amendmentBlocked',
]);

export function submitVerdict(result: string, rpcError: boolean): SubmitVerdict {
  if (TRANSIENT_RPC_ERRORS.has(result)) return 'retry';
  if (rpcError) return 'final';
  if (result === 'tesSUCCESS' || result === 'terQUEUED' || result.startsWith('tec')) return 'pending';
  if (result === 'tefALREADY') return 'already';
  if (result === 'tefPAST_SEQ' || result === 'tefNO_TICKET') return 'sequence_consumed';
  if (result === 'tefMAX_LEDGER') return 'retry'; // settled by the follower once a validated ledger passes LLS
  if (result.startsWith('ter') || result.startsWith('tel')) return 'retry';
  return 'final';
}

/** A custom identifier for one Xaman payload: unique forever, at most 40 characters. */
export function payloadIdentifier(requestId: string): string {
  return `msc-${requestId.replace(/-/g, '')}`;
}
