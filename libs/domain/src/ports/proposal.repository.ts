import { ProposalState, RequestState } from '../state/proposal-state';
import { ProposalRecord, SignatureRecord, SignatureRequestRecord } from '../records';

export type NewProposal = Pick<
  ProposalRecord,
  | 'accountId'
  | 'transactionType'
  | 'txTemplate'
  | 'preparedTx'
  | 'preparedTxHex'
  | 'sequence'
  | 'ticketSequence'
  | 'feeDrops'
  | 'maxSignatures'
  | 'lastLedgerSequence'
  | 'signerQuorum'
  | 'signerListSnapshot'
  | 'deadline'
  | 'instruction'
  | 'createdBy'
  | 'idempotencyKey'
  | 'requestFingerprint'
  | 'xrpOutDrops'
  | 'policyVersion'
  | 'timeLockSeconds'
  | 'replacesId'
  | 'replacesKind'
>;
/** A request to create; `id` and `customIdentifier` are chosen by the domain. */
export type NewSignatureRequest = Pick<
  SignatureRequestRecord,
  'id' | 'signerId' | 'signerAddress' | 'customIdentifier'
>;
export type NewSignature = Pick<
  SignatureRecord,
  'signerAddress' | 'signingPubKey' | 'txnSignature' | 'keyType' | 'weight'
>;
export type ProposalPatch = Partial<Omit<ProposalRecord, 'id' | 'state' | 'createdAt' | 'updatedAt'>>;
export type RequestPatch = Partial<
  Omit<SignatureRequestRecord, 'id' | 'state' | 'proposalId' | 'createdAt' | 'updatedAt'>
>;

export type PayloadClaim =
  /** With the request's proposal, read in the same statement (for the blob rules). */
  | { kind: 'claimed'; request: SignatureRequestRecord; proposal: ProposalRecord }
  | { kind: 'busy' }
  | { kind: 'settled' }
  | { kind: 'unknown' };

export interface ProposalListFilter {
  state?: ProposalState;
  accountId?: string;
  /** Created at or after `createdFrom`, and before `createdBefore`. */
  createdFrom?: Date;
  createdBefore?: Date;
  after?: { createdAt: Date; id: string };
  limit: number;
}

export type InsertProposalResult =
  | { inserted: true; proposal: ProposalRecord }
  /** Another proposal already holds this Idempotency-Key, or this Sequence/Ticket while open. */
  | { inserted: false; conflict: 'idempotency_key' | 'number' };

/**
 * Proposals with their sign requests and signatures (one aggregate). Every state change is a
 * conditional update: it names the states it may leave and reports whether it applied, so racing
 * processes act exactly once. Which transitions exist is decided by the domain's state machine.
 */
export abstract class ProposalRepository {
  abstract findByIdempotencyKey(createdBy: string | null, key: string): Promise<ProposalRecord | null>;
  /** Sequences and Tickets held by this account's open proposals. */
  abstract heldNumbers(accountId: string): Promise<{ sequences: number[]; tickets: number[] }>;
  /** Stores the proposal (`collecting`) and its `queued` requests, leased to the caller until `leaseUntil`. */
  abstract insert(
    proposal: NewProposal,
    requests: NewSignatureRequest[],
    leaseUntil: Date,
  ): Promise<InsertProposalResult>;
  abstract find(id: string): Promise<ProposalRecord | null>;
  /** Newest first, keyset-paginated by (createdAt, id). */
  abstract list(filter: ProposalListFilter): Promise<ProposalRecord[]>;
  abstract requestsOf(proposalId: string): Promise<SignatureRequestRecord[]>;
  /** The live requests (queued, created, opened) of several proposals, in one read. */
  abstract liveRequestsOf(proposalIds: readonly string[]): Promise<SignatureRequestRecord[]>;
  abstract signaturesOf(proposalId: string): Promise<SignatureRecord[]>;

  /** `state` from one of `from` to `to`, with the patch; false when the proposal was elsewhere. */
  abstract transition(
    id: string,
    from: readonly ProposalState[],
    to: ProposalState,
    patch: ProposalPatch,
  ): Promise<boolean>;
  /**
   * The batch form of `transition`: every proposal of `ids` still in one of `from` moves to `to` with
   * the patch, in one statement; returns those that moved, as they are after the change.
   */
  abstract transitionMany(
    ids: readonly string[],
    from: readonly ProposalState[],
    to: ProposalState,
    patch: ProposalPatch,
  ): Promise<ProposalRecord[]>;
  /** Updates fields of a proposal still in one of `states` (no state change); false otherwise. */
  abstract patch(id: string, states: readonly ProposalState[], patch: ProposalPatch): Promise<boolean>;
  /**
   * Takes the next submission of a `submitted` proposal: increments `submitAttempts` from
   * `seenAttempts` (optimistic: exactly one caller wins a given attempt number) and applies the patch.
   */
  abstract claimSubmission(id: string, seenAttempts: number, patch: ProposalPatch): Promise<boolean>;
  /**
   * Records the engine result of submission `attempt` (1 or more), unless a later attempt was claimed
   * meanwhile; also after the proposal settled, since the answer may arrive after the ledger did.
   */
  abstract recordSubmitResult(
    id: string,
    attempt: number,
    result: string,
    /** The validated ledger index when the answer came: resubmission waits count ledgers from it. */
    answeredAtLedgerIndex?: number | null,
  ): Promise<boolean>;
  /** A `quorum_reached` proposal with no combined blob, left by a caller that stopped before `staleBefore`: re-claims it. */
  abstract reclaimCombine(id: string, staleBefore: Date, now: Date): Promise<boolean>;

  abstract findRequest(id: string): Promise<SignatureRequestRecord | null>;
  abstract findRequestByPayload(payloadUuid: string): Promise<SignatureRequestRecord | null>;
  /**
   * Takes the resolution of a payload's live request until `leaseUntil` (one flight per payload
   * across processes): `claimed`, with its proposal; `busy` when another caller holds an unexpired lease (it is asked
   * to resolve once more: `releasePayload` tells it); `settled` when the request is no longer live;
   * `unknown` when no request has this payload.
   */
  abstract claimPayload(payloadUuid: string, now: Date, leaseUntil: Date): Promise<PayloadClaim>;
  /** Ends the caller's lease; true when another caller asked for one more resolution meanwhile. */
  abstract releasePayload(requestId: string): Promise<boolean>;
  /**
   * Takes a queued request for one dispatch attempt (a lease until `leaseUntil`), or null if another
   * process has it. `first`: the process that created the proposal claims its new requests before
   * their initial lease ends.
   */
  abstract claimRequestForDispatch(
    id: string,
    now: Date,
    leaseUntil: Date,
    first: boolean,
  ): Promise<SignatureRequestRecord | null>;
  abstract transitionRequest(
    id: string,
    from: readonly RequestState[],
    to: RequestState,
    patch: RequestPatch,
  ): Promise<boolean>;
  /**
   * The batch form of `transitionRequest` by payload: every request of `payloadUuids` still in one of
   * `from` moves to `to`, in one statement; returns those that moved, as they are after the change.
   */
  abstract transitionRequestsByPayload(
    payloadUuids: readonly string[],
    from: readonly RequestState[],
    to: RequestState,
  ): Promise<SignatureRequestRecord[]>;
  /** Request -> `signed` and its signature stored, atomically; false if the request had moved on. */
  abstract recordSignature(
    request: Pick<SignatureRequestRecord, 'id' | 'proposalId'>,
    from: readonly RequestState[],
    patch: RequestPatch,
    signature: NewSignature,
  ): Promise<boolean>;
  /**
   * Claims `collecting -> quorum_reached` (with `quorumReachedAt = now`) for each proposal of `ids`
   * whose stored signature weights reach its quorum and whose deadline is after `now`; returns those
   * claimed, as they are after the change.
   */
  abstract claimQuorumIfReached(ids: readonly string[], now: Date): Promise<ProposalRecord[]>;
  /** Takes a counted signature out (its key was revoked before combine). */
  abstract removeSignature(proposalId: string, signerAddress: string): Promise<void>;
  /** Marks when a live request was last checked, so the poller spreads its work. */
  abstract touchRequest(id: string, at: Date): Promise<void>;

  // ---- due work for the worker
  abstract dueQueuedRequests(now: Date, limit: number): Promise<string[]>;
  /**
   * Claims up to `limit` open payload requests not checked since `before` (least recently checked
   * first): each is marked checked at `now`, so until the poll interval passes again no other poller
   * takes it. Rows another claimer holds are skipped.
   */
  abstract claimRequestsNotSeenSince(
    before: Date,
    now: Date,
    limit: number,
  ): Promise<SignatureRequestRecord[]>;
  /**
   * Live requests of proposals that left `collecting`, whose next withdrawal attempt is due. Not those
   * of a `quorum_reached` proposal: its combine's winner withdraws them, and the worker takes the
   * ones left once the proposal moved on (submitted, time-locked, closed), so a payload is not
   * cancelled twice at once.
   */
  abstract requestsToWithdraw(now: Date, limit: number): Promise<SignatureRequestRecord[]>;
  /**
   * Collecting proposals past their deadline or LastLedgerSequence. Inside a unit of work the rows are
   * claimed for it (locked; rows another unit of work holds are skipped), so concurrent sweepers
   * share the due rows instead of repeating them.
   */
  /**
   * Collecting proposals past their deadline, or past LastLedgerSequence by `validatedLedgerIndex`;
   * `network`: only accounts of that network (each network has its own ledger index).
   */
  abstract dueForExpiry(
    now: Date,
    validatedLedgerIndex: number,
    limit: number,
    network?: string,
  ): Promise<ProposalRecord[]>;
  /** Least recently updated first; optionally one account's only. */
  abstract inStates(
    states: readonly ProposalState[],
    limit: number,
    accountId?: string,
  ): Promise<ProposalRecord[]>;
  /** Collecting proposals whose stored signatures already reach the quorum (a combine was missed). */
  abstract awaitingCombine(limit: number): Promise<string[]>;

  // ---- treasury controls
  /**
   * What the account's proposals in `states` created at or after `since` (null: ever) send out:
   * the sum of their XRP amounts and of their fees, in drops. Policy windows and balances count it.
   */
  abstract outflow(
    accountId: string,
    states: readonly ProposalState[],
    since: Date | null,
  ): Promise<{ amountDrops: bigint; feeDrops: bigint }>;
  /** `time_locked` proposals whose lock ended at `now`, earliest first. */
  abstract dueForRelease(now: Date, limit: number): Promise<ProposalRecord[]>;
  /**
   * Latest attempts still waiting for a signer (`created`, not opened) of collecting proposals, made
   * before `before`, with fewer than `maxAttempt` attempts.
   */
  abstract dueForReminder(before: Date, maxAttempt: number, limit: number): Promise<SignatureRequestRecord[]>;
  /** A new attempt for the same signer and proposal (queued, leased to the caller until `leaseUntil`). */
  abstract addRequestAttempt(
    previous: Pick<SignatureRequestRecord, 'proposalId' | 'signerId' | 'signerAddress' | 'attempt'>,
    request: Pick<SignatureRequestRecord, 'id' | 'customIdentifier'>,
    leaseUntil: Date,
  ): Promise<boolean>;

  /**
   * The account's proposals that may be this validated transaction: whose combined or result hash
   * is `hash`, or that hold this Sequence (no Ticket) or Ticket. The caller compares the prepared tx.
   */
  abstract matchingLedgerTransaction(
    accountId: string,
    hash: string,
    number: { sequence: number | null; ticketSequence: number | null },
  ): Promise<ProposalRecord[]>;
}
