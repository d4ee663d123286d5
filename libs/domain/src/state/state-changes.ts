import { Actor } from '../shared/actor';
import { Clock } from '../shared/clock';
import { ProposalPatch, NewSignature, RequestPatch } from '../ports/proposal.repository';
import { SignatureAcceptanceOutcome, UnitOfWork, TransactionalRepositories } from '../ports/unit-of-work';
import { AuditEntry } from '../ports/audit.repository';
import { Metrics, NoMetrics } from '../ports/metrics.port';
import { ProposalRecord, SignatureRequestRecord } from '../records';
import { NewWebhookEvent, webhookEvent } from '../webhooks/webhook-events';
import {
  isOpenProposalState,
  PROPOSAL_TRANSITIONS,
  ProposalState,
  ProposalTransitionName,
  REQUEST_TRANSITIONS,
  RequestState,
  RequestTransitionName,
} from './proposal-state';

interface ChangeOptions<P> {
  patch?: P;
  /** Audit details. */
  details?: Record<string, unknown>;
}

/** What an integrator learns of a proposal with each of its events. */
export function proposalEventData(proposal: ProposalRecord): Record<string, unknown> {
  return {
    proposalId: proposal.id,
    accountId: proposal.accountId,
    state: proposal.state,
    transactionType: proposal.transactionType,
    sequence: proposal.sequence,
    ticketSequence: proposal.ticketSequence,
    hash: proposal.resultHash ?? proposal.combinedHash,
    resultCode: proposal.resultCode,
    ledgerIndex: proposal.resultLedgerIndex,
    deliveredAmount: proposal.deliveredAmount ?? null,
    reason: proposal.finalReason,
  };
}

function requestEventData(request: SignatureRequestRecord): Record<string, unknown> {
  return {
    proposalId: request.proposalId,
    requestId: request.id,
    signer: request.signerAddress,
    state: request.state,
    refusalCode: request.refusalCode,
  };
}

const seconds = (from: Date | null, to: Date) => (from ? (to.getTime() - from.getTime()) / 1000 : null);

/**
 * Applies the state machine's transitions: each is a conditional update (it leaves only the states
 * the table allows) plus its audit event and its outbound webhook event (the outbox), in one unit of
 * work. Returns whether it applied: racing callers act exactly once.
 */
export class StateChanges {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly metrics: Metrics = new NoMetrics(),
  ) {}

  proposal(
    proposalId: string,
    name: ProposalTransitionName,
    actor: Actor,
    options: ChangeOptions<ProposalPatch> = {},
  ): Promise<boolean> {
    return this.uow.run((tx) => this.proposalIn(tx, proposalId, name, actor, options));
  }

  /** The same, inside a caller's unit of work (the batch form with one proposal). */
  async proposalIn(
    tx: TransactionalRepositories,
    proposalId: string,
    name: ProposalTransitionName,
    actor: Actor,
    options: ChangeOptions<ProposalPatch> = {},
  ): Promise<boolean> {
    return (await this.proposalsIn(tx, [proposalId], name, actor, options)).length === 1;
  }

  /** Runs `work` in one unit of work (a batch of changes with the reads that chose them). */
  inUnitOfWork<T>(work: (tx: TransactionalRepositories) => Promise<T>): Promise<T> {
    return this.uow.run(work);
  }

  /**
   * The batch form of `proposalIn`: transition `name` for every proposal of `ids` still in one of its
   * `from` states, by one conditional update, with one audit event and one outbox event each, all in
   * the caller's unit of work. Returns the proposals that moved.
   */
  async proposalsIn(
    tx: TransactionalRepositories,
    ids: readonly string[],
    name: ProposalTransitionName,
    actor: Actor,
    options: ChangeOptions<ProposalPatch> = {},
  ): Promise<ProposalRecord[]> {
    if (ids.length === 0) return [];
    const { from, to } = PROPOSAL_TRANSITIONS[name];
    const now = this.clock.now();
    const closing = !isOpenProposalState(to);
    const moved = await tx.proposals.transitionMany(ids, from, to, {
      ...options.patch,
      ...(to === 'quorum_reached' ? { quorumReachedAt: now } : {}),
      closedAt: closing ? now : null,
    });
    if (moved.length === 0) return [];
    const { audit, events } = this.proposalChange(moved, name, now, options.details);
    await tx.audit.appendMany(actor, audit);
    await tx.outbox.emitMany(events);
    for (const proposal of moved) this.observeProposal(name, proposal, now);
    return moved;
  }

  /** The audit entries and outbound events of transition `name` of these proposals (as they are after it). */
  private proposalChange(
    moved: readonly ProposalRecord[],
    name: ProposalTransitionName,
    now: Date,
    extra: Record<string, unknown> | undefined,
  ): { audit: AuditEntry[]; events: NewWebhookEvent[] } {
    const { from, to } = PROPOSAL_TRANSITIONS[name];
    const details = { from: [...from] as ProposalState[], transition: name, ...extra };
    return {
      audit: moved.map((proposal) => ({
        action: `proposal.${to}`,
        entityType: 'proposal',
        entityId: proposal.id,
        details,
      })),
      events: moved.map((proposal) =>
        webhookEvent(
          `proposal.${to}`,
          proposal.id,
          { ...proposalEventData(proposal), from: details.from, transition: name },
          now,
        ),
      ),
    };
  }

  private observeProposal(name: ProposalTransitionName, proposal: ProposalRecord, now: Date): void {
    if (name === 'submissionClaimed') {
      const elapsed = seconds(proposal.quorumReachedAt, proposal.submittedAt ?? now);
      if (elapsed !== null) this.metrics.quorumToSubmitted(elapsed);
    }
    if (name === 'settledSuccess' || name === 'settledFailure') {
      const elapsed = seconds(proposal.quorumReachedAt, now);
      if (elapsed !== null) this.metrics.quorumToValidated(elapsed, proposal.state);
    }
  }

  /** The request's event, and for a refusal the signature's. */
  private async emitRequest(
    tx: TransactionalRepositories,
    requestId: string,
    name: RequestTransitionName,
  ): Promise<void> {
    const request = await tx.proposals.findRequest(requestId);
    if (!request || request.state === 'queued') return;
    const now = this.clock.now();
    const data = { ...requestEventData(request), transition: name };
    await tx.outbox.emit(webhookEvent(`signature_request.${request.state}`, request.proposalId, data, now));
    if (request.state === 'refused') {
      await tx.outbox.emit(
        webhookEvent(
          'signature.refused',
          request.proposalId,
          { ...requestEventData(request), refusalDetail: request.refusalDetail },
          now,
        ),
      );
      this.metrics.signatureRefused(request.refusalCode ?? 'UNKNOWN');
    }
  }

  request(
    requestId: string,
    name: RequestTransitionName,
    actor: Actor,
    options: ChangeOptions<RequestPatch> = {},
  ): Promise<boolean> {
    return this.uow.run((tx) => this.requestIn(tx, requestId, name, actor, options));
  }

  async requestIn(
    tx: TransactionalRepositories,
    requestId: string,
    name: RequestTransitionName,
    actor: Actor,
    options: ChangeOptions<RequestPatch> = {},
  ): Promise<boolean> {
    const { from, to } = REQUEST_TRANSITIONS[name];
    const applied = await tx.proposals.transitionRequest(requestId, from, to, options.patch ?? {});
    if (!applied) return false;
    // A deferred dispatch stays queued: not a change anyone needs in the trail.
    if (name !== 'dispatchDeferred') {
      await tx.audit.append(actor, {
        action: `signature_request.${to}`,
        entityType: 'signature_request',
        entityId: requestId,
        details: { from: [...from] as RequestState[], transition: name, ...options.details },
      });
      await this.emitRequest(tx, requestId, name);
    }
    return true;
  }

  /**
   * The batch form of `request` for requests named by their payloads: one conditional update, one
   * audit entry and one outbox event per request that moved, in one unit of work.
   */
  requestsByPayload(
    payloadUuids: readonly string[],
    name: RequestTransitionName,
    actor: Actor,
    details: Record<string, unknown> = {},
  ): Promise<SignatureRequestRecord[]> {
    const { from, to } = REQUEST_TRANSITIONS[name];
    return this.uow.run(async (tx) => {
      const moved = await tx.proposals.transitionRequestsByPayload(payloadUuids, from, to);
      if (moved.length === 0) return moved;
      const now = this.clock.now();
      await tx.audit.appendMany(
        actor,
        moved.map((request) => ({
          action: `signature_request.${to}`,
          entityType: 'signature_request',
          entityId: request.id,
          details: { from: [...from] as RequestState[], transition: name, ...details },
        })),
      );
      await tx.outbox.emitMany(
        moved.flatMap((request) => {
          const state = request.state;
          // As `request` does: a deferred dispatch (back to queued) is no news.
          if (state === 'queued') return [];
          const data = { ...requestEventData(request), transition: name };
          return [webhookEvent(`signature_request.${state}`, request.proposalId, data, now)];
        }),
      );
      return moved;
    });
  }

  /**
   * A verified blob: the request becomes `signed` (by `transition`: from Xaman, or uploaded) and its
   * signature counts, atomically; when it completes the quorum, the proposal is claimed
   * `quorum_reached` in the same unit of work and the caller owns the combine (`quorumClaimed`).
   */
  async signatureAccepted(
    request: Pick<SignatureRequestRecord, 'id' | 'proposalId' | 'signerAddress'>,
    patch: { blobHex: string; blobTxid: string | null; resolvedAt: Date },
    signature: NewSignature,
    actor: Actor,
    transition: 'signed' | 'signedByUpload' = 'signed',
    details: Record<string, unknown> = {},
  ): Promise<SignatureAcceptanceOutcome> {
    const { from } = REQUEST_TRANSITIONS[transition];
    const now = this.clock.now();
    const requestData = {
      proposalId: request.proposalId,
      requestId: request.id,
      signer: request.signerAddress,
      state: 'signed',
      refusalCode: null,
      transition: 'signed',
    };
    const outcome = await this.uow.acceptSignature({
      request,
      from,
      patch,
      signature,
      actor,
      now,
      audit: [
        {
          action: 'signature.accepted',
          entityType: 'proposal',
          entityId: request.proposalId,
          details: {
            signer: signature.signerAddress,
            keyType: signature.keyType,
            weight: signature.weight,
            transition,
            ...details,
          },
        },
      ],
      events: [
        webhookEvent('signature_request.signed', request.proposalId, requestData, now),
        webhookEvent(
          'signature.accepted',
          request.proposalId,
          {
            proposalId: request.proposalId,
            requestId: request.id,
            signer: signature.signerAddress,
            signingPubKey: signature.signingPubKey,
            keyType: signature.keyType,
            weight: signature.weight,
          },
          now,
        ),
      ],
      onQuorum: (proposal) => this.proposalChange([proposal], 'quorumClaimed', now, {}),
      // As `request(..., 'signed')` records a blob that came too late to count.
      tooLate: (state) => ({
        refusalDetail: `arrived while ${state}`,
        audit: [
          {
            action: 'signature_request.signed',
            entityType: 'signature_request',
            entityId: request.id,
            details: { from: [...from] as RequestState[], transition: 'signed', ...details, counted: false },
          },
        ],
        events: [webhookEvent('signature_request.signed', request.proposalId, requestData, now)],
      }),
    });
    if (outcome.stored) this.metrics.signatureAccepted();
    if (outcome.stored && outcome.quorumClaimed)
      this.observeProposal('quorumClaimed', outcome.quorumClaimed, now);
    return outcome;
  }

  /** A counted signature whose key was revoked before combine: it stops counting, the request says why. */
  signatureRevoked(
    request: Pick<SignatureRequestRecord, 'id' | 'proposalId' | 'signerAddress'>,
    refusal: { code: string; message: string },
    actor: Actor,
  ): Promise<boolean> {
    return this.uow.run(async (tx) => {
      const applied = await this.requestIn(tx, request.id, 'keyRevoked', actor, {
        patch: { refusalCode: refusal.code, refusalDetail: refusal.message },
        details: { refusalCode: refusal.code },
      });
      if (applied) await tx.proposals.removeSignature(request.proposalId, request.signerAddress);
      return applied;
    });
  }

  /** Field updates that are not transitions (stored blob, rotation), audited when `audit` is given. */
  async patchProposal(
    proposalId: string,
    states: readonly ProposalState[],
    patch: ProposalPatch,
    actor?: Actor,
    audit?: { action: string; details?: Record<string, unknown> },
  ): Promise<boolean> {
    if (!audit || !actor) return this.uow.run((tx) => tx.proposals.patch(proposalId, states, patch));
    return this.uow.patchProposalAudited(proposalId, states, patch, actor, {
      action: audit.action,
      entityType: 'proposal',
      entityId: proposalId,
      details: audit.details,
    });
  }
}
