import { ProposalRepository } from '../ports/proposal.repository';
import { CancelReason, XamanPort } from '../ports/xaman.port';
import { SignatureRequestRecord } from '../records';
import { CoordinatorSettings } from '../settings';
import { Actor, WORKER_ACTOR } from '../shared/actor';
import { Clock } from '../shared/clock';
import { DomainLogger } from '../shared/logger';
import { StateChanges } from '../state/state-changes';
import { isLiveRequestState } from '../state/proposal-state';
import { PayloadWatches } from './payload-watches';

export interface WithdrawalReport {
  signer: string;
  cancelled: boolean;
  reason: CancelReason | 'NOT_SENT' | 'STATE_CHANGED' | 'XAMAN_UNAVAILABLE';
}

/**
 * Withdraws the open payloads of a proposal that left `collecting`. Durable: a live request of a
 * closed proposal IS the pending withdrawal, so when the inline attempt fails (Xaman down, the
 * process killed) the worker finds it again (`runDue`) and retries until Xaman says it is cancelled,
 * expired or resolved. An opened payload cannot be cancelled: it is retried later and meanwhile
 * polled, and whatever it resolves to is recorded without counting.
 */
export class WithdrawPayloads {
  constructor(
    private readonly proposals: ProposalRepository,
    private readonly changes: StateChanges,
    private readonly xaman: XamanPort,
    private readonly watches: PayloadWatches,
    private readonly clock: Clock,
    private readonly settings: CoordinatorSettings,
    private readonly log: DomainLogger,
  ) {}

  async forProposal(proposalId: string, actor: Actor): Promise<WithdrawalReport[]> {
    const live = (await this.proposals.requestsOf(proposalId)).filter((r) => isLiveRequestState(r.state));
    return Promise.all(live.map((request) => this.withdraw(request, actor)));
  }

  /** The same for requests the caller has just read: those live then. */
  async forRequests(requests: readonly SignatureRequestRecord[], actor: Actor): Promise<WithdrawalReport[]> {
    return Promise.all(
      requests.filter((r) => isLiveRequestState(r.state)).map((r) => this.withdraw(r, actor)),
    );
  }

  /** The same for several closed proposals, their live requests read at once. */
  async forProposals(proposalIds: readonly string[], actor: Actor): Promise<WithdrawalReport[]> {
    const live = await this.proposals.liveRequestsOf(proposalIds);
    return Promise.all(live.map((request) => this.withdraw(request, actor)));
  }

  /** Worker: every pending withdrawal that is due. */
  async runDue(limit = 100): Promise<number> {
    const due = await this.proposals.requestsToWithdraw(this.clock.now(), limit);
    for (const request of due) await this.withdraw(request, WORKER_ACTOR);
    return due.length;
  }

  async withdraw(request: SignatureRequestRecord, actor: Actor): Promise<WithdrawalReport> {
    const signer = request.signerAddress;
    if (request.state === 'queued' || !request.xamanPayloadUuid) {
      const done = await this.changes.request(request.id, 'withdrawn', actor, {
        details: { reason: 'NOT_SENT' },
      });
      return { signer, cancelled: done, reason: done ? 'NOT_SENT' : 'STATE_CHANGED' };
    }
    const uuid = request.xamanPayloadUuid;
    try {
      const result = await this.xaman.cancelPayload(uuid);
      if (result.cancelled || result.reason === 'ALREADY_EXPIRED' || result.reason === 'ALREADY_CANCELLED') {
        await this.changes.request(request.id, 'withdrawn', actor, { details: { reason: result.reason } });
        this.watches.unwatch(uuid);
      } else {
        // Opened or resolved: Xaman will not cancel it. Poll it meanwhile; try again later.
        await this.retryLater(request);
      }
      return { signer, cancelled: result.cancelled, reason: result.reason };
    } catch (error) {
      this.log.warn('payload withdrawal failed; the worker retries it', {
        requestId: request.id,
        payloadUuid: uuid,
        error: String(error),
      });
      await this.retryLater(request).catch(() => undefined);
      return { signer, cancelled: false, reason: 'XAMAN_UNAVAILABLE' };
    }
  }

  /** Keeps the request as it is, due again after `withdrawRetryMs` (the pending withdrawal is the request itself). */
  private async retryLater(request: SignatureRequestRecord): Promise<void> {
    const next = new Date(this.clock.now().getTime() + this.settings.withdrawRetryMs);
    await this.proposals.transitionRequest(request.id, [request.state], request.state, {
      nextAttemptAt: next,
    });
  }
}
