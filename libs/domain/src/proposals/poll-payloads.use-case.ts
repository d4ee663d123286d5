import { ProposalRepository } from '../ports/proposal.repository';
import { CoordinatorSettings } from '../settings';
import { Clock } from '../shared/clock';
import { DomainLogger } from '../shared/logger';
import { PayloadSignals } from './payload-signals';

/** The polling fallback: re-reads open payloads not checked for a while (missed webhooks and sockets). */
export class PollPayloads {
  constructor(
    private readonly proposals: ProposalRepository,
    private readonly signals: PayloadSignals,
    private readonly clock: Clock,
    private readonly settings: CoordinatorSettings,
    private readonly log: DomainLogger,
  ) {}

  async execute(limit = 50): Promise<number> {
    const now = this.clock.now();
    const before = new Date(now.getTime() - this.settings.pollIntervalMs);
    // Claimed: another worker replica polls other payloads, not these again.
    const requests = await this.proposals.claimRequestsNotSeenSince(before, now, limit);
    for (const request of requests) {
      if (!request.xamanPayloadUuid) continue;
      try {
        await this.signals.signal(request.xamanPayloadUuid, 'poll');
      } catch (error) {
        this.log.warn('poll of a payload failed', { requestId: request.id, error: String(error) });
      }
    }
    return requests.length;
  }
}
