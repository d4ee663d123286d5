import { ProposalRepository } from '../ports/proposal.repository';
import { CoordinatorSettings } from '../settings';
import { Clock } from '../shared/clock';
import { DomainLogger } from '../shared/logger';
import { PayloadSignals } from './payload-signals';
import { XamanApiError } from '../ports/xaman.port';

/** A payload whose polls keep failing waits at most this many poll intervals between tries. */
export const MAX_POLL_BACKOFF_INTERVALS = 16;

/**
 * The polling fallback: re-reads open payloads not checked for a while (missed webhooks and sockets).
 * A payload whose poll fails (Xaman answering 429 or 5xx, or not at all) backs off on its own: it
 * waits 2, 4, 8... poll intervals (at most MAX_POLL_BACKOFF_INTERVALS) before its next poll, counted
 * in this process, reset by a poll that works. A 429 also ends the round: the rest of the claimed
 * payloads wait for the next one instead of meeting the same limit.
 */
export class PollPayloads {
  /** Consecutive failed polls per request, in this process. */
  private readonly failures = new Map<string, number>();

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
        this.failures.delete(request.id);
      } catch (error) {
        const failed = (this.failures.get(request.id) ?? 0) + 1;
        if (this.failures.size > 10_000) this.failures.clear();
        this.failures.set(request.id, failed);
        const intervals = Math.min(2 ** failed, MAX_POLL_BACKOFF_INTERVALS);
        // Checked "in the future": the claim takes it again `intervals` poll intervals from now.
        const checkedAt = new Date(now.getTime() + (intervals - 1) * this.settings.pollIntervalMs);
        await this.proposals.touchRequest(request.id, checkedAt).catch(() => undefined);
        this.log.warn('poll of a payload failed; it backs off', {
          requestId: request.id,
          failures: failed,
          nextInMs: intervals * this.settings.pollIntervalMs,
          error: String(error),
        });
        if (error instanceof XamanApiError && error.xamanCode === 429) break;
      }
    }
    return requests.length;
  }
}
