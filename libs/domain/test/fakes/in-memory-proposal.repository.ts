import { randomUUID } from 'node:crypto';
import {
  InsertProposalResult,
  NewProposal,
  NewSignature,
  NewSignatureRequest,
  PayloadClaim,
  ProposalListFilter,
  ProposalPatch,
  ProposalRepository,
  RequestPatch,
} from '../../src/ports/proposal.repository';
import { ProposalRecord, SignatureRecord, SignatureRequestRecord } from '../../src/records';
import { Clock } from '../../src/shared/clock';
import {
  isLiveRequestState,
  isOpenProposalState,
  ProposalState,
  RequestState,
} from '../../src/state/proposal-state';
import { Table } from './in-memory-store';

const time = (date: Date | null): number => date?.getTime() ?? -Infinity;

/** A new queued request row, leased to its creator until `leaseUntil`. */
function queuedRequest(
  request: Pick<
    SignatureRequestRecord,
    'id' | 'proposalId' | 'signerId' | 'signerAddress' | 'customIdentifier' | 'attempt'
  >,
  leaseUntil: Date,
  now: Date,
): SignatureRequestRecord {
  return {
    ...request,
    state: 'queued',
    xamanPayloadUuid: null,
    pushed: null,
    signLink: null,
    qrPng: null,
    createAttempts: 0,
    nextAttemptAt: leaseUntil,
    lastError: null,
    blobHex: null,
    blobTxid: null,
    refusalCode: null,
    refusalDetail: null,
    resolvedAt: null,
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * Proposals, requests and signatures in memory, with the conditional-update semantics of the SQL
 * adapter: a change names the states it may leave and reports whether it applied.
 */
export class InMemoryProposalRepository extends ProposalRepository {
  readonly proposals = new Table<ProposalRecord>();
  readonly requests = new Table<SignatureRequestRecord>();
  readonly signatures = new Table<SignatureRecord>();
  private sequenceOfCreation = 0;

  constructor(private readonly clock: Clock) {
    super();
  }

  async findByIdempotencyKey(createdBy: string | null, key: string): Promise<ProposalRecord | null> {
    return this.proposals.find((p) => p.createdBy === createdBy && p.idempotencyKey === key);
  }

  async heldNumbers(accountId: string): Promise<{ sequences: number[]; tickets: number[] }> {
    const open = this.proposals.filter((p) => p.accountId === accountId && isOpenProposalState(p.state));
    return {
      sequences: open.filter((p) => p.ticketSequence === null).map((p) => p.sequence),
      tickets: open.flatMap((p) => (p.ticketSequence === null ? [] : [p.ticketSequence])),
    };
  }

  async insert(
    proposal: NewProposal,
    requests: NewSignatureRequest[],
    leaseUntil: Date,
  ): Promise<InsertProposalResult> {
    if (
      proposal.idempotencyKey !== null &&
      (await this.findByIdempotencyKey(proposal.createdBy, proposal.idempotencyKey))
    ) {
      return { inserted: false, conflict: 'idempotency_key' };
    }
    const numberTaken = this.proposals.find(
      (p) =>
        p.accountId === proposal.accountId &&
        isOpenProposalState(p.state) &&
        (proposal.ticketSequence !== null
          ? p.ticketSequence === proposal.ticketSequence
          : p.ticketSequence === null && p.sequence === proposal.sequence),
    );
    if (numberTaken) return { inserted: false, conflict: 'number' };
    // Distinct creation times keep "newest first" stable when the fake clock stands still.
    const now = new Date(this.clock.now().getTime() + this.sequenceOfCreation++ / 1000);
    const stored = this.proposals.put({
      ...proposal,
      id: randomUUID(),
      state: 'collecting',
      quorumReachedAt: null,
      combinedBlob: null,
      combinedHash: null,
      submitAttempts: 0,
      lastSubmitResult: null,
      submittedAt: null,
      submittedLedgerIndex: null,
      lastSubmittedAt: null,
      lastSubmittedLedgerIndex: null,
      resultCode: null,
      resultLedgerIndex: null,
      resultHash: null,
      deliveredAmount: null,
      finalReason: null,
      closedAt: null,
      releasesAt: null,
      replacedById: null,
      createdAt: now,
      updatedAt: now,
    });
    for (const request of requests) {
      this.requests.put(queuedRequest({ ...request, proposalId: stored.id, attempt: 1 }, leaseUntil, now));
    }
    return { inserted: true, proposal: stored };
  }

  async find(id: string): Promise<ProposalRecord | null> {
    return this.proposals.get(id);
  }

  async list(filter: ProposalListFilter): Promise<ProposalRecord[]> {
    const after = filter.after;
    return this.proposals
      .filter(
        (p) =>
          (filter.state === undefined || p.state === filter.state) &&
          (filter.accountId === undefined || p.accountId === filter.accountId) &&
          (filter.createdFrom === undefined || p.createdAt.getTime() >= filter.createdFrom.getTime()) &&
          (filter.createdBefore === undefined || p.createdAt.getTime() < filter.createdBefore.getTime()) &&
          (after === undefined ||
            p.createdAt.getTime() < after.createdAt.getTime() ||
            (p.createdAt.getTime() === after.createdAt.getTime() && p.id < after.id)),
      )
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
      .slice(0, filter.limit);
  }

  async requestsOf(proposalId: string): Promise<SignatureRequestRecord[]> {
    return this.requests
      .filter((r) => r.proposalId === proposalId)
      .sort((a, b) => a.signerAddress.localeCompare(b.signerAddress) || a.attempt - b.attempt);
  }

  async signaturesOf(proposalId: string): Promise<SignatureRecord[]> {
    return this.signatures.filter((s) => s.proposalId === proposalId);
  }

  async transition(
    id: string,
    from: readonly ProposalState[],
    to: ProposalState,
    patch: ProposalPatch,
  ): Promise<boolean> {
    const proposal = this.proposals.get(id);
    if (!proposal || !from.includes(proposal.state)) return false;
    this.proposals.put({ ...proposal, ...patch, state: to, updatedAt: this.clock.now() });
    return true;
  }

  async transitionMany(
    ids: readonly string[],
    from: readonly ProposalState[],
    to: ProposalState,
    patch: ProposalPatch,
  ): Promise<ProposalRecord[]> {
    const moved: ProposalRecord[] = [];
    for (const id of ids) {
      if (await this.transition(id, from, to, patch)) moved.push(this.proposals.get(id)!);
    }
    return moved;
  }

  async patch(id: string, states: readonly ProposalState[], patch: ProposalPatch): Promise<boolean> {
    const proposal = this.proposals.get(id);
    if (!proposal || !states.includes(proposal.state)) return false;
    this.proposals.put({ ...proposal, ...patch, updatedAt: this.clock.now() });
    return true;
  }

  async claimSubmission(id: string, seenAttempts: number, patch: ProposalPatch): Promise<boolean> {
    const proposal = this.proposals.get(id);
    if (!proposal || proposal.state !== 'submitted' || proposal.submitAttempts !== seenAttempts) return false;
    this.proposals.put({
      ...proposal,
      ...patch,
      submitAttempts: seenAttempts + 1,
      updatedAt: this.clock.now(),
    });
    return true;
  }

  async recordSubmitResult(
    id: string,
    attempt: number,
    result: string,
    answeredAtLedgerIndex?: number | null,
  ): Promise<boolean> {
    const proposal = this.proposals.get(id);
    if (!proposal || attempt < 1 || proposal.submitAttempts !== attempt) return false;
    this.proposals.put({
      ...proposal,
      lastSubmitResult: result,
      ...(answeredAtLedgerIndex != null ? { lastSubmittedLedgerIndex: answeredAtLedgerIndex } : {}),
      updatedAt: this.clock.now(),
    });
    return true;
  }

  async reclaimCombine(id: string, staleBefore: Date, now: Date): Promise<boolean> {
    const proposal = this.proposals.get(id);
    if (
      !proposal ||
      proposal.state !== 'quorum_reached' ||
      proposal.combinedBlob !== null ||
      proposal.updatedAt.getTime() >= staleBefore.getTime()
    ) {
      return false;
    }
    this.proposals.put({ ...proposal, updatedAt: now });
    return true;
  }

  async findRequest(id: string): Promise<SignatureRequestRecord | null> {
    return this.requests.get(id);
  }

  async findRequestByPayload(payloadUuid: string): Promise<SignatureRequestRecord | null> {
    return this.requests.find((r) => r.xamanPayloadUuid === payloadUuid);
  }

  /** Payload resolution leases, by request id (the adapter keeps them out of the records too). */
  readonly payloadLeases = new Map<string, { until: Date; again: boolean }>();

  async claimPayload(payloadUuid: string, now: Date, leaseUntil: Date): Promise<PayloadClaim> {
    const request = this.requests.find((r) => r.xamanPayloadUuid === payloadUuid);
    if (!request) return { kind: 'unknown' };
    if (!isLiveRequestState(request.state)) return { kind: 'settled' };
    const lease = this.payloadLeases.get(request.id);
    if (lease && lease.until > now) {
      lease.again = true;
      return { kind: 'busy' };
    }
    this.payloadLeases.set(request.id, { until: leaseUntil, again: false });
    return { kind: 'claimed', request, proposal: this.proposals.get(request.proposalId)! };
  }

  async releasePayload(requestId: string): Promise<boolean> {
    const again = this.payloadLeases.get(requestId)?.again === true;
    this.payloadLeases.delete(requestId);
    return again;
  }

  async claimRequestForDispatch(
    id: string,
    now: Date,
    leaseUntil: Date,
    first: boolean,
  ): Promise<SignatureRequestRecord | null> {
    const request = this.requests.get(id);
    if (!request || request.state !== 'queued') return null;
    const due =
      (first && request.createAttempts === 0) ||
      request.nextAttemptAt === null ||
      request.nextAttemptAt.getTime() <= now.getTime();
    if (!due) return null;
    return this.requests.put({
      ...request,
      createAttempts: request.createAttempts + 1,
      nextAttemptAt: leaseUntil,
      updatedAt: now,
    });
  }

  async transitionRequest(
    id: string,
    from: readonly RequestState[],
    to: RequestState,
    patch: RequestPatch,
  ): Promise<boolean> {
    const request = this.requests.get(id);
    if (!request || !from.includes(request.state)) return false;
    this.requests.put({ ...request, ...patch, state: to, updatedAt: this.clock.now() });
    return true;
  }

  async recordSignature(
    request: Pick<SignatureRequestRecord, 'id' | 'proposalId'>,
    from: readonly RequestState[],
    patch: RequestPatch,
    signature: NewSignature,
  ): Promise<boolean> {
    if (!(await this.transitionRequest(request.id, from, 'signed', patch))) return false;
    // One signature per signer and proposal (a unique index; a second insert is ignored).
    const counted = this.signatures.find(
      (s) => s.proposalId === request.proposalId && s.signerAddress === signature.signerAddress,
    );
    if (!counted) {
      this.signatures.put({
        ...signature,
        id: randomUUID(),
        proposalId: request.proposalId,
        signatureRequestId: request.id,
        createdAt: this.clock.now(),
      });
    }
    return true;
  }

  async transitionRequestsByPayload(
    payloadUuids: readonly string[],
    from: readonly RequestState[],
    to: RequestState,
  ): Promise<SignatureRequestRecord[]> {
    const moved: SignatureRequestRecord[] = [];
    for (const uuid of payloadUuids) {
      const request = this.requests.find((r) => r.xamanPayloadUuid === uuid);
      if (request && (await this.transitionRequest(request.id, from, to, {})))
        moved.push(this.requests.get(request.id)!);
    }
    return moved;
  }

  async claimQuorumIfReached(ids: readonly string[], now: Date): Promise<ProposalRecord[]> {
    const reached = ids.filter((id) => {
      const proposal = this.proposals.get(id);
      if (!proposal || proposal.state !== 'collecting' || proposal.deadline <= now) return false;
      const weight = this.signatures.filter((s) => s.proposalId === id).reduce((sum, s) => sum + s.weight, 0);
      return weight >= proposal.signerQuorum;
    });
    return this.transitionMany(reached, ['collecting'], 'quorum_reached', { quorumReachedAt: now });
  }

  async removeSignature(proposalId: string, signerAddress: string): Promise<void> {
    for (const signature of this.signatures.filter(
      (s) => s.proposalId === proposalId && s.signerAddress === signerAddress,
    )) {
      this.signatures.delete(signature.id);
    }
  }

  async liveRequestsOf(proposalIds: readonly string[]): Promise<SignatureRequestRecord[]> {
    const ids = new Set(proposalIds);
    return this.requests.filter((r) => ids.has(r.proposalId) && isLiveRequestState(r.state));
  }

  async touchRequest(id: string, at: Date): Promise<void> {
    const request = this.requests.get(id);
    if (request) this.requests.put({ ...request, updatedAt: at });
  }

  async dueQueuedRequests(now: Date, limit: number): Promise<string[]> {
    return this.requests
      .filter((r) => r.state === 'queued' && time(r.nextAttemptAt) <= now.getTime())
      .sort((a, b) => time(a.nextAttemptAt) - time(b.nextAttemptAt))
      .slice(0, limit)
      .map((r) => r.id);
  }

  async claimRequestsNotSeenSince(before: Date, now: Date, limit: number): Promise<SignatureRequestRecord[]> {
    return this.requests
      .filter((r) => (r.state === 'created' || r.state === 'opened') && r.updatedAt < before)
      .sort((a, b) => a.updatedAt.getTime() - b.updatedAt.getTime())
      .slice(0, limit)
      .map((r) => this.requests.put({ ...r, updatedAt: now }));
  }

  async requestsToWithdraw(now: Date, limit: number): Promise<SignatureRequestRecord[]> {
    const closed = new Set(
      this.proposals.filter((p) => p.state !== 'collecting' && p.state !== 'quorum_reached').map((p) => p.id),
    );
    return this.requests
      .filter(
        (r) =>
          isLiveRequestState(r.state) && closed.has(r.proposalId) && time(r.nextAttemptAt) <= now.getTime(),
      )
      .sort((a, b) => time(a.nextAttemptAt) - time(b.nextAttemptAt))
      .slice(0, limit);
  }

  /** The network of an account (set by the domain builder: proposals know only their account id). */
  networkOfAccount: (accountId: string) => string | undefined = () => undefined;

  async dueForExpiry(
    now: Date,
    validatedLedgerIndex: number,
    limit: number,
    network?: string,
  ): Promise<ProposalRecord[]> {
    return this.proposals
      .filter(
        (p) =>
          p.state === 'collecting' &&
          (network === undefined || this.networkOfAccount(p.accountId) === network) &&
          (p.deadline.getTime() <= now.getTime() || validatedLedgerIndex > p.lastLedgerSequence),
      )
      .sort((a, b) => a.deadline.getTime() - b.deadline.getTime())
      .slice(0, limit);
  }

  async inStates(
    states: readonly ProposalState[],
    limit: number,
    accountId?: string,
  ): Promise<ProposalRecord[]> {
    return this.proposals
      .filter((p) => states.includes(p.state) && (accountId === undefined || p.accountId === accountId))
      .sort((a, b) => a.updatedAt.getTime() - b.updatedAt.getTime())
      .slice(0, limit);
  }

  async awaitingCombine(limit: number): Promise<string[]> {
    return this.proposals
      .filter((p) => {
        if (p.state !== 'collecting') return false;
        const weightOf = new Map(p.signerListSnapshot.entries.map((e) => [e.account, e.weight]));
        const collected = this.signatures
          .filter((s) => s.proposalId === p.id)
          .reduce((sum, s) => sum + (weightOf.get(s.signerAddress) ?? 0), 0);
        return collected >= p.signerQuorum;
      })
      .slice(0, limit)
      .map((p) => p.id);
  }

  async outflow(
    accountId: string,
    states: readonly ProposalState[],
    since: Date | null,
  ): Promise<{ amountDrops: bigint; feeDrops: bigint }> {
    const counted = this.proposals.filter(
      (p) =>
        p.accountId === accountId &&
        states.includes(p.state) &&
        (since === null || p.createdAt.getTime() >= since.getTime()),
    );
    return {
      amountDrops: counted.reduce((sum, p) => sum + BigInt(p.xrpOutDrops), 0n),
      feeDrops: counted.reduce((sum, p) => sum + BigInt(p.feeDrops), 0n),
    };
  }

  async dueForRelease(now: Date, limit: number): Promise<ProposalRecord[]> {
    return this.proposals
      .filter((p) => p.state === 'time_locked' && p.releasesAt !== null && p.releasesAt <= now)
      .sort((a, b) => time(a.releasesAt) - time(b.releasesAt))
      .slice(0, limit);
  }

  async dueForReminder(before: Date, maxAttempt: number, limit: number): Promise<SignatureRequestRecord[]> {
    const latest = new Map<string, SignatureRequestRecord>();
    for (const r of this.requests.all()) {
      const key = `${r.proposalId}/${r.signerAddress}`;
      const seen = latest.get(key);
      if (!seen || r.attempt > seen.attempt) latest.set(key, r);
    }
    return [...latest.values()]
      .filter(
        (r) =>
          r.state === 'created' &&
          r.attempt < maxAttempt &&
          r.createdAt < before &&
          this.proposals.get(r.proposalId)?.state === 'collecting',
      )
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .slice(0, limit);
  }

  async addRequestAttempt(
    previous: Pick<SignatureRequestRecord, 'proposalId' | 'signerId' | 'signerAddress' | 'attempt'>,
    request: Pick<SignatureRequestRecord, 'id' | 'customIdentifier'>,
    leaseUntil: Date,
  ): Promise<boolean> {
    const taken = this.requests.find(
      (r) =>
        r.proposalId === previous.proposalId &&
        r.signerAddress === previous.signerAddress &&
        r.attempt === previous.attempt + 1,
    );
    if (taken) return false;
    this.requests.put(
      queuedRequest(
        {
          ...request,
          proposalId: previous.proposalId,
          signerId: previous.signerId,
          signerAddress: previous.signerAddress,
          attempt: previous.attempt + 1,
        },
        leaseUntil,
        this.clock.now(),
      ),
    );
    return true;
  }

  async matchingLedgerTransaction(
    accountId: string,
    hash: string,
    number: { sequence: number | null; ticketSequence: number | null },
  ): Promise<ProposalRecord[]> {
    const upper = hash.toUpperCase();
    return this.proposals.filter(
      (p) =>
        p.accountId === accountId &&
        (p.combinedHash?.toUpperCase() === upper ||
          p.resultHash?.toUpperCase() === upper ||
          (number.ticketSequence !== null
            ? p.ticketSequence === number.ticketSequence
            : p.ticketSequence === null && p.sequence === number.sequence)),
    );
  }
}
