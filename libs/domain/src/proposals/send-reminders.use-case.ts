import { randomUUID } from 'node:crypto';
import { isUpstreamError } from '../errors/domain.error';
import { ProposalRepository } from '../ports/proposal.repository';
import { UnitOfWork } from '../ports/unit-of-work';
import { XamanPort } from '../ports/xaman.port';
import { payloadIdentifier } from '../proposal-rules';
import { SignatureRequestRecord } from '../records';
import { CoordinatorSettings } from '../settings';
import { WORKER_ACTOR } from '../shared/actor';
import { Clock } from '../shared/clock';
import { DomainLogger } from '../shared/logger';
import { StateChanges } from '../state/state-changes';
import { DispatchSignRequest } from './dispatch-sign-request.use-case';
import { PayloadWatches } from './payload-watches';

/**
 * A signer who has not opened their payload after `reminderAfterMs` gets one new push: the unopened
 * payload is cancelled at Xaman, and a new attempt (same prepared transaction, a new custom
 * identifier) is sent, at most `maxReminders` times per signer and proposal. An opened payload is
 * left alone (the signer is looking at it), and so is one Xaman would not cancel.
 */
export class SendReminders {
  constructor(
    private readonly proposals: ProposalRepository,
    private readonly uow: UnitOfWork,
    private readonly changes: StateChanges,
    private readonly xaman: XamanPort,
    private readonly watches: PayloadWatches,
    private readonly dispatch: DispatchSignRequest,
    private readonly clock: Clock,
    private readonly settings: CoordinatorSettings,
    private readonly log: DomainLogger,
  ) {}

  /** Worker: every reminder that is due; returns how many were sent. */
  async runDue(limit = 50): Promise<number> {
    if (this.settings.maxReminders <= 0) return 0;
    const before = new Date(this.clock.now().getTime() - this.settings.reminderAfterMs);
    const due = await this.proposals.dueForReminder(before, this.settings.maxReminders + 1, limit);
    let sent = 0;
    for (const request of due) if (await this.remind(request)) sent++;
    return sent;
  }

  private async remind(request: SignatureRequestRecord): Promise<boolean> {
    const uuid = request.xamanPayloadUuid;
    if (!uuid) return false;
    try {
      // Only the caller whose cancel Xaman accepts goes on: a second worker gets ALREADY_CANCELLED.
      const cancel = await this.xaman.cancelPayload(uuid);
      if (!cancel.cancelled) return false;
    } catch (error) {
      if (!isUpstreamError(error)) throw error;
      this.log.warn('reminder postponed: Xaman did not answer the cancel', { requestId: request.id });
      return false;
    }
    this.watches.unwatch(uuid);
    const id = randomUUID();
    const now = this.clock.now();
    const added = await this.uow.run(async (tx) => {
      const moved = await this.changes.requestIn(tx, request.id, 'reminded', WORKER_ACTOR, {
        patch: { resolvedAt: now },
        details: { payloadUuid: uuid, nextAttempt: request.attempt + 1 },
      });
      if (!moved) return false;
      return tx.proposals.addRequestAttempt(
        request,
        { id, customIdentifier: payloadIdentifier(id) },
        new Date(now.getTime() + this.settings.dispatchLeaseMs),
      );
    });
    if (!added) return false;
    this.log.info('signer reminded: a new payload is pushed', {
      proposalId: request.proposalId,
      signer: request.signerAddress,
      attempt: request.attempt + 1,
    });
    await this.dispatch.execute(id, WORKER_ACTOR, true);
    return true;
  }
}
