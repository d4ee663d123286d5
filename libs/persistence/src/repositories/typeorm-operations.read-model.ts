import { EntityManager } from 'typeorm';
import { OperationsReadModel, OperationsSnapshot } from '../domain-contracts';

const date = (value: unknown): Date | null => (value ? new Date(value as string) : null);

/** What /metrics reads at scrape time: a few indexed counts and minimums. */
export class TypeormOperationsReadModel extends OperationsReadModel {
  constructor(private readonly manager: EntityManager) {
    super();
  }

  async snapshot(now: Date): Promise<OperationsSnapshot> {
    const [states, queue, expiry, deliveries] = await Promise.all([
      this.manager.query<{ state: string; n: number }[]>(
        `SELECT state, count(*)::int AS n FROM proposals GROUP BY state`,
      ),
      this.manager.query<{ n: number; oldest: unknown }[]>(
        `SELECT count(*)::int AS n, min(next_attempt_at) FILTER (WHERE next_attempt_at <= $1) AS oldest
           FROM signature_requests WHERE state = 'queued'`,
        [now],
      ),
      this.manager.query<{ oldest: unknown }[]>(
        `SELECT min(deadline) AS oldest FROM proposals
          WHERE state = 'collecting' AND deadline <= $1`,
        [now],
      ),
      this.manager.query<{ n: number; oldest: unknown }[]>(
        `SELECT count(*)::int AS n, min(d.next_attempt_at) FILTER (WHERE d.next_attempt_at <= $1) AS oldest
           FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id AND s.enabled
          WHERE d.status = 'pending'`,
        [now],
      ),
    ]);
    return {
      proposalsByState: Object.fromEntries(states.map((row) => [row.state, row.n])),
      signRequestsQueued: queue[0]?.n ?? 0,
      oldestDue: {
        dispatchSignRequests: date(queue[0]?.oldest),
        expireProposals: date(expiry[0]?.oldest),
        deliverWebhooks: date(deliveries[0]?.oldest),
      },
      webhookDeliveriesPending: deliveries[0]?.n ?? 0,
    };
  }
}
