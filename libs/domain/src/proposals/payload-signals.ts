import type { ResolveEnrolment } from '../accounts/resolve-enrolment.use-case';
import { Actor, XAMAN_ACTOR } from '../shared/actor';
import { DomainLogger } from '../shared/logger';
import { PayloadEvent, PayloadWatches } from './payload-watches';
import { PayloadSource, ResolveOutcome, ResolvePayload } from './resolve-payload.use-case';

const UNSETTLED: readonly ResolveOutcome[] = ['pending', 'opened'];

/**
 * Coalesces the three signals that announce a payload's resolution (webhook, WebSocket, poll): one
 * resolution in flight per payload in this process. A signal that arrives during a flight joins it,
 * and if that flight found the payload still unresolved, it runs once more (the news may be newer
 * than what was fetched). A socket's "opened" is recorded without fetching the payload.
 */
export class PayloadSignals {
  private readonly inFlight = new Map<string, { run: Promise<ResolveOutcome>; again: boolean }>();

  constructor(
    private readonly resolve: ResolvePayload,
    watches: PayloadWatches,
    private readonly log: DomainLogger,
    /** Enrolment (SignIn) payloads: a payload no sign request knows may be one. */
    private readonly enrolments: ResolveEnrolment | null = null,
  ) {
    watches.onEvent((payloadUuid, event) => this.fromSocket(payloadUuid, event));
  }

  signal(payloadUuid: string, source: PayloadSource, actor: Actor = XAMAN_ACTOR): Promise<ResolveOutcome> {
    const flight = this.inFlight.get(payloadUuid);
    if (flight) {
      flight.again = true;
      return flight.run;
    }
    const entry = { run: Promise.resolve<ResolveOutcome>('pending'), again: false };
    entry.run = (async () => {
      try {
        let outcome: ResolveOutcome;
        do {
          entry.again = false;
          outcome = await this.resolve.execute(payloadUuid, source, actor);
          if (outcome === 'unknown' && this.enrolments)
            outcome = await this.enrolments.execute(payloadUuid, source, actor);
        } while (entry.again && UNSETTLED.includes(outcome));
        return outcome;
      } finally {
        this.inFlight.delete(payloadUuid);
      }
    })();
    this.inFlight.set(payloadUuid, entry);
    return entry.run;
  }

  private fromSocket(payloadUuid: string, event: PayloadEvent): void {
    const work =
      event === 'opened' ? this.resolve.markOpened(payloadUuid) : this.signal(payloadUuid, 'websocket');
    void work.catch((error: unknown) =>
      this.log.warn('websocket-triggered processing failed', { payloadUuid, error: String(error) }),
    );
  }
}
