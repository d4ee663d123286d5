import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import {
  ClaimedWebhookDelivery,
  NewWebhookEvent,
  NewWebhookSubscription,
  WebhookDeliveryFilter,
  WebhookDeliveryRecord,
  WebhookEventType,
  WebhookOutbox,
  WebhookRepository,
  WebhookSubscriptionPatch,
  WebhookSubscriptionRecord,
} from '../domain-contracts';
import { WebhookDeliveryEntity, WebhookSubscriptionEntity } from '../entities';
import { hydrate, returningRows } from './typeorm-support';

/**
 * The outbox on PostgreSQL. The emitter takes a transaction-scoped advisory lock on the ordering key
 * before it draws the event's sequence number, so the events of one key are numbered in commit order
 * (a later event of a proposal can never become visible before an earlier one). An event is stored
 * only when some enabled subscription wants it, with one pending delivery for each.
 */
export class TypeormWebhookOutbox extends WebhookOutbox {
  constructor(private readonly manager: EntityManager) {
    super();
  }

  async emit(event: NewWebhookEvent): Promise<void> {
    await this.manager.query(
      `WITH wanted AS (
         SELECT id FROM webhook_subscriptions WHERE enabled AND events && $5::text[]
       ), locked AS (
         SELECT pg_advisory_xact_lock(hashtextextended($2, 7)) FROM (SELECT 1 WHERE EXISTS (SELECT 1 FROM wanted)) w
       ), event AS (
         INSERT INTO webhook_events (type, ordering_key, data, occurred_at)
         SELECT $1, $2, $3::jsonb, $4 FROM locked
         RETURNING id, sequence
       )
       INSERT INTO webhook_deliveries (subscription_id, event_id, event_type, ordering_key, sequence, next_attempt_at)
       SELECT wanted.id, event.id, $1, $2, event.sequence, $4 FROM wanted, event`,
      [event.type, event.orderingKey, JSON.stringify(event.data), event.occurredAt, event.patterns],
    );
  }

  /**
   * The filters of the enabled subscriptions are read once; only the events one of them wants are
   * emitted (each as `emit` does, in order). A batch nobody subscribes to costs that one read.
   */
  async emitMany(events: readonly NewWebhookEvent[]): Promise<void> {
    if (events.length <= 1) {
      if (events[0]) await this.emit(events[0]);
      return;
    }
    const rows = await this.manager.query<{ events: string[] }[]>(
      `SELECT events FROM webhook_subscriptions WHERE enabled`,
    );
    const wanted = new Set(rows.flatMap((r) => r.events));
    for (const event of events) {
      if (event.patterns.some((pattern) => wanted.has(pattern))) await this.emit(event);
    }
  }
}

function delivery(manager: EntityManager, row: Record<string, unknown>): WebhookDeliveryRecord {
  const {
    leaseUntil: _leaseUntil,
    leaseToken: _leaseToken,
    ...record
  } = hydrate(manager, WebhookDeliveryEntity, row);
  return record;
}

/** Subscriptions and deliveries: leases and the per-key order are conditions of the claim. */
export class TypeormWebhookRepository extends WebhookRepository {
  constructor(private readonly manager: EntityManager) {
    super();
  }

  private get subscriptions() {
    return this.manager.getRepository(WebhookSubscriptionEntity);
  }

  async insertSubscription(
    subscription: NewWebhookSubscription,
    now: Date,
  ): Promise<WebhookSubscriptionRecord> {
    return this.subscriptions.save(
      this.subscriptions.create({ ...subscription, enabled: true, createdAt: now, updatedAt: now }),
    );
  }

  findSubscription(id: string): Promise<WebhookSubscriptionRecord | null> {
    return this.subscriptions.findOneBy({ id });
  }

  listSubscriptions(): Promise<WebhookSubscriptionRecord[]> {
    return this.subscriptions.find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async updateSubscription(
    id: string,
    patch: WebhookSubscriptionPatch,
    now: Date,
  ): Promise<WebhookSubscriptionRecord | null> {
    const values = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    const result = await this.subscriptions.update({ id }, { ...values, updatedAt: now });
    return result.affected === 1 ? this.findSubscription(id) : null;
  }

  async deleteSubscription(id: string): Promise<boolean> {
    const result = await this.subscriptions.delete({ id });
    return result.affected === 1;
  }

  async claimDue(now: Date, leaseUntil: Date, limit: number): Promise<ClaimedWebhookDelivery[]> {
    const token = randomUUID();
    const claimed = await returningRows(
      this.manager,
      `UPDATE webhook_deliveries d
          SET lease_until = $2, lease_token = $3, attempts = d.attempts + 1, last_attempt_at = $1
         FROM (
           SELECT c.id FROM webhook_deliveries c
           JOIN webhook_subscriptions s ON s.id = c.subscription_id AND s.enabled
           WHERE c.status = 'pending' AND c.next_attempt_at <= $1
             AND (c.lease_until IS NULL OR c.lease_until <= $1)
             AND NOT EXISTS (
               SELECT 1 FROM webhook_deliveries e
               WHERE e.subscription_id = c.subscription_id AND e.ordering_key = c.ordering_key
                 AND e.status = 'pending' AND e.sequence < c.sequence)
           ORDER BY c.next_attempt_at, c.sequence
           LIMIT $4
           FOR UPDATE OF c SKIP LOCKED
         ) due
        WHERE d.id = due.id
        RETURNING d.*`,
      [now, leaseUntil, token, limit],
    );
    if (claimed.length === 0) return [];
    const ids = claimed.map((row) => row.id as string);
    const details = await this.manager.query<
      {
        id: string;
        url: string;
        secret_ciphertext: string;
        event_id: string;
        type: WebhookEventType;
        data: Record<string, unknown>;
        occurred_at: Date;
      }[]
    >(
      `SELECT d.id, s.url, s.secret_ciphertext, e.id AS event_id, e.type, e.data, e.occurred_at
         FROM webhook_deliveries d
         JOIN webhook_subscriptions s ON s.id = d.subscription_id
         JOIN webhook_events e ON e.id = d.event_id
        WHERE d.id = ANY($1::uuid[])`,
      [ids],
    );
    const byId = new Map(details.map((row) => [row.id, row]));
    return claimed
      .map((row) => delivery(this.manager, row))
      .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() || a.sequence - b.sequence)
      .flatMap((record) => {
        const detail = byId.get(record.id);
        if (!detail) return [];
        return [
          {
            delivery: record,
            leaseToken: token,
            url: detail.url,
            secretCiphertext: detail.secret_ciphertext,
            event: {
              id: detail.event_id,
              type: detail.type,
              data: detail.data,
              occurredAt: new Date(detail.occurred_at),
            },
          },
        ];
      });
  }

  async markDelivered(id: string, leaseToken: string, statusCode: number, now: Date): Promise<boolean> {
    const rows = await returningRows(
      this.manager,
      `UPDATE webhook_deliveries
          SET status = 'delivered', delivered_at = $3, last_status_code = $4, last_error = NULL,
              first_failed_at = NULL, lease_until = NULL, lease_token = NULL
        WHERE id = $1 AND lease_token = $2
        RETURNING id`,
      [id, leaseToken, now, statusCode],
    );
    return rows.length === 1;
  }

  async markFailed(
    id: string,
    leaseToken: string,
    failure: { statusCode: number | null; error: string; nextAttemptAt: Date },
    now: Date,
  ): Promise<boolean> {
    const rows = await returningRows(
      this.manager,
      `UPDATE webhook_deliveries
          SET last_status_code = $3, last_error = $4, next_attempt_at = $5,
              first_failed_at = COALESCE(first_failed_at, $6), lease_until = NULL, lease_token = NULL
        WHERE id = $1 AND lease_token = $2
        RETURNING id`,
      [id, leaseToken, failure.statusCode, failure.error.slice(0, 500), failure.nextAttemptAt, now],
    );
    return rows.length === 1;
  }

  async subscriptionsFailingSince(before: Date): Promise<WebhookSubscriptionRecord[]> {
    const rows = await this.manager.query<Record<string, unknown>[]>(
      `SELECT s.* FROM webhook_subscriptions s
        WHERE s.enabled AND EXISTS (
          SELECT 1 FROM webhook_deliveries d
          WHERE d.subscription_id = s.id AND d.status = 'pending' AND d.first_failed_at <= $1)`,
      [before],
    );
    return rows.map((row) => hydrate(this.manager, WebhookSubscriptionEntity, row));
  }

  async disableSubscription(id: string, reason: string, now: Date): Promise<boolean> {
    const result = await this.subscriptions.update(
      { id, enabled: true },
      { enabled: false, disabledAt: now, disabledReason: reason, updatedAt: now },
    );
    return result.affected === 1;
  }

  async restartPendingDeliveries(subscriptionId: string, now: Date): Promise<number> {
    const rows = await returningRows(
      this.manager,
      `UPDATE webhook_deliveries SET next_attempt_at = $2, first_failed_at = NULL
        WHERE subscription_id = $1 AND status = 'pending'
        RETURNING id`,
      [subscriptionId, now],
    );
    return rows.length;
  }

  async listDeliveries(filter: WebhookDeliveryFilter): Promise<WebhookDeliveryRecord[]> {
    const query = this.manager
      .getRepository(WebhookDeliveryEntity)
      .createQueryBuilder('d')
      .where('d.subscription_id = :subscriptionId', { subscriptionId: filter.subscriptionId })
      .orderBy('d.sequence', 'DESC')
      .limit(filter.limit);
    if (filter.status) query.andWhere('d.status = :status', { status: filter.status });
    if (filter.beforeSequence !== undefined) {
      query.andWhere('d.sequence < :before', { before: filter.beforeSequence });
    }
    const rows = await query.getMany();
    return rows.map(({ leaseUntil: _leaseUntil, leaseToken: _leaseToken, ...record }) => record);
  }

  async findDelivery(id: string): Promise<WebhookDeliveryRecord | null> {
    const row = await this.manager.getRepository(WebhookDeliveryEntity).findOneBy({ id });
    if (!row) return null;
    const { leaseUntil: _leaseUntil, leaseToken: _leaseToken, ...record } = row;
    return record;
  }

  async requeueDelivery(id: string, now: Date): Promise<WebhookDeliveryRecord | null> {
    const rows = await returningRows(
      this.manager,
      `UPDATE webhook_deliveries
          SET status = 'pending', next_attempt_at = $2, first_failed_at = NULL, delivered_at = NULL
        WHERE id = $1
        RETURNING *`,
      [id, now],
    );
    const row = rows[0];
    return row ? delivery(this.manager, row) : null;
  }
}
