import type { ResolveEnrolment } from '../accounts/resolve-enrolment.use-case';
import { Actor, XAMAN_ACTOR } from '../shared/actor';
import { DomainLogger } from '../shared/logger';
import { QuorumPriority } from '../shared/quorum-priority';
import { PayloadEvent, PayloadWatches } from './payload-watches';
import { PayloadSource, ResolveOutcome, ResolvePayload } from './resolve-payload.use-case';

const UNSETTLED: readonly ResolveOutcome[] = ['pending', 'opened'];

/**
 * Coalesces the three signals that announce a payload's resolution (webhook, WebSocket, poll): one
 * resolution in flight per payload in this process. A signal that arrives during a flight joins it,
 * and if that flight found the payload still unresolved, it runs once more (the news may be newer
 * than what was fetched). A socket's "opened" is recorded without fetching the payload.
 *
 * At most `concurrency` resolutions run at once in the process (the others wait their turn, in
 * arrival order): Xaman gets a bounded number of requests, and the resolution whose signature
 * completes a quorum, which combines and submits inside its turn, shares the event loop and the
 * database pool with a few others instead of hundreds. While such a combine runs (`priority`), no
 * waiting resolution starts.
 */
export class PayloadSignals {
  private readonly inFlight = new Map<string, { run: Promise<ResolveOutcome>; again: boolean }>();
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly resolve: ResolvePayload,
    watches: PayloadWatches,
    private readonly log: DomainLogger,
    /** Enrolment (SignIn) payloads: a payload no sign request knows may be one. */
    private readonly enrolments: ResolveEnrolment | null = null,
    private readonly priority: QuorumPriority = new QuorumPriority(),
    private readonly concurrency = 16,
  ) {
    watches.onEvent((payloadUuid, event) => this.fromSocket(payloadUuid, event));
    priority.onIdle(() => this.admit());
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
          outcome = await this.inTurn(async () => {
            const found = await this.resolve.execute(payloadUuid, source, actor);
            return found === 'unknown' && this.enrolments
              ? this.enrolments.execute(payloadUuid, source, actor)
              : found;
          });
        } while (entry.again && UNSETTLED.includes(outcome));
        return outcome;
      } finally {
        this.inFlight.delete(payloadUuid);
      }
    })();
    this.inFlight.set(payloadUuid, entry);
    return entry.run;
  }

  /** Resolutions being worked on, and waiting for their turn (for tests and metrics). */
  get load(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length };
  }

  private async inTurn<T>(work: () => Promise<T>): Promise<T> {
    if (this.active < this.concurrency && !this.priority.busy && this.waiting.length === 0) this.active++;
    else await new Promise<void>((takeTurn) => this.waiting.push(takeTurn)); // admitted: counted
    try {
      return await work();
    } finally {
      this.active--;
      this.admit();
    }
  }

  /** Hands free turns to the longest waiting, unless a combine runs. */
  private admit(): void {
    while (this.active < this.concurrency && !this.priority.busy && this.waiting.length > 0) {
      this.active++;
      this.waiting.shift()!();
    }
  }

  private fromSocket(payloadUuid: string, event: PayloadEvent): void {
    const work =
      event === 'opened' ? this.resolve.markOpened(payloadUuid) : this.signal(payloadUuid, 'websocket');
    void work.catch((error: unknown) =>
      this.log.warn('websocket-triggered processing failed', { payloadUuid, error: String(error) }),
    );
  }
}
