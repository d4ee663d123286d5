/**
 * The coordination state machine, as data: the states of a proposal and of a sign request, every
 * allowed `from -> to` pair with who takes it and why, and the terminal states. Every conditional
 * update in the domain names its transition here (`proposalTransition`, `requestTransition`), so a
 * reader answers "can a proposal go from X to Y, and who does it?" in this one file.
 */

export const PROPOSAL_STATES = [
  'collecting',
  'quorum_reached',
  'time_locked',
  'submitted',
  'succeeded',
  'failed',
  'expired',
  'cancelled',
  'rejected',
  'superseded',
  'invalidated',
] as const;
export type ProposalState = (typeof PROPOSAL_STATES)[number];

/** A proposal in one of these states still holds its Sequence/Ticket. */
export const OPEN_PROPOSAL_STATES = [
  'collecting',
  'quorum_reached',
  'time_locked',
  'submitted',
] as const satisfies readonly ProposalState[];
export const TERMINAL_PROPOSAL_STATES = [
  'succeeded',
  'failed',
  'expired',
  'cancelled',
  'rejected',
  'superseded',
  'invalidated',
] as const satisfies readonly ProposalState[];

export const REQUEST_STATES = [
  'queued',
  'created',
  'opened',
  'signed',
  'rejected',
  'refused',
  'expired',
  'cancelled',
  'failed',
] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

/** A request whose payload may still be resolved by the signer. */
export const LIVE_REQUEST_STATES = ['queued', 'created', 'opened'] as const satisfies readonly RequestState[];
/** A payload exists at Xaman and may still be opened: it must be withdrawn once the proposal leaves `collecting`. */
export const WITHDRAWABLE_REQUEST_STATES = [
  'queued',
  'created',
  'opened',
] as const satisfies readonly RequestState[];

/**
 * Request outcomes that take the signer's weight out of reach: the signer said no, or sent a blob
 * that can never count. A request that expired, was cancelled or could not be sent is NOT a refusal:
 * the proposal keeps collecting until its own deadline (a reminder or a new payload may still reach
 * that signer), and then it becomes `expired`.
 */
export const REFUSING_REQUEST_STATES = ['rejected', 'refused'] as const satisfies readonly RequestState[];

export const isOpenProposalState = (state: ProposalState): boolean =>
  (OPEN_PROPOSAL_STATES as readonly ProposalState[]).includes(state);
export const isLiveRequestState = (state: RequestState): boolean =>
  (LIVE_REQUEST_STATES as readonly RequestState[]).includes(state);
export const isRefusingRequestState = (state: RequestState): boolean =>
  (REFUSING_REQUEST_STATES as readonly RequestState[]).includes(state);

interface Transition<S extends string> {
  readonly from: readonly S[];
  readonly to: S;
  /** The use-case that takes it. */
  readonly by: string;
  readonly why: string;
}

/** Every proposal transition, by name. */
export const PROPOSAL_TRANSITIONS = {
  quorumClaimed: {
    from: ['collecting'],
    to: 'quorum_reached',
    by: 'combine-and-submit',
    why: 'stored signatures reach the quorum; exactly one caller wins and does the combine work',
  },
  quorumLost: {
    from: ['quorum_reached'],
    to: 'collecting',
    by: 'combine-and-submit',
    why: "a counted signature's key is no longer authorised on the validated ledger; keep collecting",
  },
  timeLocked: {
    from: ['quorum_reached'],
    to: 'time_locked',
    by: 'combine-and-submit',
    why: "the combined blob is stored and the account's policy asks for a delay before submission",
  },
  lockReleased: {
    from: ['time_locked'],
    to: 'submitted',
    by: 'combine-and-submit',
    why: 'the time lock ended (releasesAt passed; the release-time-locks job); exactly one caller owns the first submission',
  },
  submissionClaimed: {
    from: ['quorum_reached'],
    to: 'submitted',
    by: 'combine-and-submit',
    why: 'the combined blob is stored; exactly one caller owns the first submission',
  },
  refusedAtSubmission: {
    from: ['submitted'],
    to: 'failed',
    by: 'combine-and-submit',
    why: 'the first submission was refused for good (tem, tef, local checks): it never applied',
  },
  settledSuccess: {
    from: ['submitted'],
    to: 'succeeded',
    by: 'settle-submission',
    why: 'a validated ledger holds the transaction with tesSUCCESS',
  },
  settledFailure: {
    from: ['submitted'],
    to: 'failed',
    by: 'settle-submission',
    why: 'a validated ledger holds the transaction with a tec code (fee spent)',
  },
  neverApplied: {
    from: ['submitted'],
    to: 'expired',
    by: 'settle-submission',
    why: 'a validated ledger past LastLedgerSequence shows the Sequence/Ticket unused',
  },
  supersededAfterSubmit: {
    from: ['submitted'],
    to: 'superseded',
    by: 'settle-submission',
    why: "another of the account's transactions used the Sequence/Ticket",
  },
  expired: {
    from: ['collecting'],
    to: 'expired',
    by: 'close-proposal',
    why: 'the signing deadline or LastLedgerSequence passed before the quorum',
  },
  cancelled: {
    from: ['collecting', 'time_locked'],
    to: 'cancelled',
    by: 'close-proposal',
    why: 'an operator cancelled it (during a time lock the combined blob stays valid until LastLedgerSequence)',
  },
  renewed: {
    from: ['collecting'],
    to: 'superseded',
    by: 'renew-proposal',
    why: 'a successor with a fresh Fee, LastLedgerSequence and number replaces it; its payloads are withdrawn',
  },
  rejected: {
    from: ['collecting'],
    to: 'rejected',
    by: 'close-proposal',
    why: 'rejections and refused blobs leave too little weight to reach the quorum',
  },
  superseded: {
    from: ['collecting'],
    to: 'superseded',
    by: 'close-proposal',
    why: 'the Sequence/Ticket was used by another transaction before the quorum',
  },
  invalidated: {
    from: ['collecting', 'quorum_reached'],
    to: 'invalidated',
    by: 'close-proposal',
    why: 'the SignerList changed under it (signatures made for the old list may not count)',
  },
} as const satisfies Record<string, Transition<ProposalState>>;
export type ProposalTransitionName = keyof typeof PROPOSAL_TRANSITIONS;

/** Every sign-request transition, by name. */
export const REQUEST_TRANSITIONS = {
  payloadCreated: {
    from: ['queued'],
    to: 'created',
    by: 'dispatch-sign-request',
    why: 'Xaman created (and perhaps pushed) the payload',
  },
  dispatchDeferred: {
    from: ['queued'],
    to: 'queued',
    by: 'dispatch-sign-request',
    why: 'Xaman was rate limited or unreachable: retry after a back-off',
  },
  dispatchFailed: {
    from: ['queued'],
    to: 'failed',
    by: 'dispatch-sign-request',
    why: 'Xaman refused the payload for good',
  },
  opened: {
    from: ['created'],
    to: 'opened',
    by: 'resolve-payload',
    why: 'the signer opened the payload',
  },
  signed: {
    from: ['created', 'opened'],
    to: 'signed',
    by: 'resolve-payload',
    why: 'the blob passed every rule (it counts only while the proposal is collecting)',
  },
  signedByUpload: {
    from: ['queued', 'created', 'opened', 'expired', 'cancelled', 'failed'],
    to: 'signed',
    by: 'upload-signature',
    why: 'a signer outside Xaman sent its blob through POST /v1/proposals/:id/signatures and it passed every rule (only while the proposal is collecting; an open payload is then withdrawn)',
  },
  refused: {
    from: ['created', 'opened'],
    to: 'refused',
    by: 'resolve-payload',
    why: 'the blob broke a rule; it never counts',
  },
  keyRevoked: {
    from: ['signed'],
    to: 'refused',
    by: 'combine-and-submit',
    why: "the signature's key was no longer authorised on the validated ledger at combine time",
  },
  rejected: {
    from: ['created', 'opened'],
    to: 'rejected',
    by: 'resolve-payload',
    why: 'the signer rejected the payload',
  },
  expired: {
    from: ['created', 'opened'],
    to: 'expired',
    by: 'resolve-payload',
    why: 'the payload expired at Xaman, or Xaman no longer knows it',
  },
  cancelledAtXaman: {
    from: ['created', 'opened'],
    to: 'cancelled',
    by: 'resolve-payload',
    why: 'the payload was cancelled at Xaman',
  },
  reminded: {
    from: ['created'],
    to: 'cancelled',
    by: 'send-reminders',
    why: 'the signer did not answer: its payload was cancelled at Xaman and a new attempt pushes again',
  },
  withdrawn: {
    from: ['queued', 'created', 'opened'],
    to: 'cancelled',
    by: 'withdraw-payloads',
    why: 'the proposal left collecting; the payload is withdrawn (or was never sent)',
  },
} as const satisfies Record<string, Transition<RequestState>>;
export type RequestTransitionName = keyof typeof REQUEST_TRANSITIONS;

export function proposalTransition(name: ProposalTransitionName): {
  from: readonly ProposalState[];
  to: ProposalState;
} {
  return PROPOSAL_TRANSITIONS[name];
}

export function requestTransition(name: RequestTransitionName): {
  from: readonly RequestState[];
  to: RequestState;
} {
  return REQUEST_TRANSITIONS[name];
}

/** Can a proposal go from `from` to `to`? */
export function canMoveProposal(from: ProposalState, to: ProposalState): boolean {
  return Object.values(PROPOSAL_TRANSITIONS).some(
    (t) => t.to === to && (t.from as readonly ProposalState[]).includes(from),
  );
}

export function canMoveRequest(from: RequestState, to: RequestState): boolean {
  return Object.values(REQUEST_TRANSITIONS).some(
    (t) => t.to === to && (t.from as readonly RequestState[]).includes(from),
  );
}
