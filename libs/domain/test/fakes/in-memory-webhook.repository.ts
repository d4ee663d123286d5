import { randomUUID } from 'node:crypto';
import {
  ClaimedWebhookDelivery,
  NewWebhookSubscription,
  WebhookDeliveryFilter,
  WebhookDeliveryRecord,
  WebhookOutbox,
  WebhookRepository,
  WebhookSubscriptionPatch,
  WebhookSubscriptionRecord,
  WebhookTransport,
} from '../../src/ports/webhook.repository';
import { Metrics } from '../../src/ports/metrics.port';
import { NewWebhookEvent } from '../../src/webhooks/webhook-events';
import { Table } from './in-memory-store';

interface StoredEvent extends Omit<NewWebhookEvent, 'patterns'> {
  id: string;
  sequence: number;
}

interface StoredDelivery extends WebhookDeliveryRecord {
  leaseUntil: Date | null;
  leaseToken: string | null;
}

/** Subscriptions, the outbox's events and their deliveries, in memory, with the adapter's rules of order. */
export class InMemoryWebhookRepository extends WebhookRepository {
  readonly subscriptions = new Table<WebhookSubscriptionRecord>();
  readonly events = new Table<StoredEvent>();
  readonly deliveries = new Table<StoredDelivery>();
  private nextSequence = 1;

  /** The outbox port, bound to these tables (writes undo with the unit of work). */
  readonly outbox: WebhookOutbox = {
    emitMany: async (events: readonly NewWebhookEvent[]) => {
      for (const event of events) await this.outbox.emit(event);
    },
    emit: async (event: NewWebhookEvent) => {
      const id = randomUUID();
      const sequence = this.nextSequence++;
      this.events.put({
        id,
        sequence,
        type: event.type,
        orderingKey: event.orderingKey,
        data: event.data,
        occurredAt: event.occurredAt,
      });
      for (const subscription of this.subscriptions.filter(
        (s) => s.enabled && s.events.some((p) => event.patterns.includes(p)),
      )) {
        this.deliveries.put({
          id: randomUUID(),
          subscriptionId: subscription.id,
          eventId: id,
          eventType: event.type,
          orderingKey: event.orderingKey,
          sequence,
          status: 'pending',
          attempts: 0,
          nextAttemptAt: event.occurredAt,
          firstFailedAt: null,
          lastAttemptAt: null,
          lastStatusCode: null,
          lastError: null,
          deliveredAt: null,
          createdAt: event.occurredAt,
          leaseUntil: null,
          leaseToken: null,
        });
      }
    },
  };

  /** Every stored event, in emission order. */
  emitted(orderingKey?: string): StoredEvent[] {
    return this.events
      .filter((e) => orderingKey === undefined || e.orderingKey === orderingKey)
      .sort((a, b) => a.sequence - b.sequence);
  }

  async insertSubscription(
    subscription: NewWebhookSubscription,
    now: Date,
  ): Promise<WebhookSubscriptionRecord> {
    return this.subscriptions.put({
      id: randomUUID(),
      ...subscription,
      enabled: true,
      disabledAt: null,
      disabledReason: null,
      createdAt: now,
      updatedAt: now,
    });
  }

  async findSubscription(id: string): Promise<WebhookSubscriptionRecord | null> {
    return this.subscriptions.get(id);
  }

  async listSubscriptions(): Promise<WebhookSubscriptionRecord[]> {
    return this.subscriptions.all().sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  async updateSubscription(
    id: string,
    patch: WebhookSubscriptionPatch,
    now: Date,
  ): Promise<WebhookSubscriptionRecord | null> {
    const found = this.subscriptions.get(id);
    return found ? this.subscriptions.put({ ...found, ...patch, updatedAt: now }) : null;
  }

  async deleteSubscription(id: string): Promise<boolean> {
    if (!this.subscriptions.get(id)) return false;
    for (const d of this.deliveries.filter((d) => d.subscriptionId === id)) this.deliveries.delete(d.id);
    this.subscriptions.delete(id);
    return true;
  }

  async claimDue(now: Date, leaseUntil: Date, limit: number): Promise<ClaimedWebhookDelivery[]> {
    const pending = this.deliveries.filter((d) => d.status === 'pending');
    const due = pending
      .filter(
        (d) =>
          this.subscriptions.get(d.subscriptionId)?.enabled === true &&
          d.nextAttemptAt <= now &&
          (d.leaseUntil === null || d.leaseUntil <= now) &&
          !pending.some(
            (e) =>
              e.subscriptionId === d.subscriptionId &&
              e.orderingKey === d.orderingKey &&
              e.sequence < d.sequence,
          ),
      )
      .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() || a.sequence - b.sequence)
      .slice(0, limit);
    return due.map((d) => {
      const leaseToken = randomUUID();
      const claimed = this.deliveries.put({
        ...d,
        leaseUntil,
        leaseToken,
        attempts: d.attempts + 1,
        lastAttemptAt: now,
      });
      const event = this.events.get(d.eventId)!;
      const subscription = this.subscriptions.get(d.subscriptionId)!;
      return {
        delivery: this.view(claimed),
        leaseToken,
        url: subscription.url,
        secretCiphertext: subscription.secretCiphertext,
        event: { id: event.id, type: event.type, data: event.data, occurredAt: event.occurredAt },
      };
    });
  }

  async markDelivered(id: string, leaseToken: string, statusCode: number, now: Date): Promise<boolean> {
    const d = this.deliveries.get(id);
    if (!d || d.leaseToken !== leaseToken) return false;
    this.deliveries.put({
      ...d,
      status: 'delivered',
      deliveredAt: now,
      lastStatusCode: statusCode,
      lastError: null,
      firstFailedAt: null,
      leaseUntil: null,
      leaseToken: null,
    });
    return true;
  }

  async markFailed(
    id: string,
    leaseToken: string,
    failure: { statusCode: number | null; error: string; nextAttemptAt: Date },
    now: Date,
  ): Promise<boolean> {
    const d = this.deliveries.get(id);
    if (!d || d.leaseToken !== leaseToken) return false;
    this.deliveries.put({
      ...d,
      lastStatusCode: failure.statusCode,
      lastError: failure.error,
      nextAttemptAt: failure.nextAttemptAt,
      firstFailedAt: d.firstFailedAt ?? now,
      leaseUntil: null,
      leaseToken: null,
    });
    return true;
  }

  async subscriptionsFailingSince(before: Date): Promise<WebhookSubscriptionRecord[]> {
    const ids = new Set(
      this.deliveries
        .filter((d) => d.status === 'pending' && d.firstFailedAt !== null && d.firstFailedAt <= before)
        .map((d) => d.subscriptionId),
    );
    return this.subscriptions.filter((s) => s.enabled && ids.has(s.id));
  }

  async disableSubscription(id: string, reason: string, now: Date): Promise<boolean> {
    const found = this.subscriptions.get(id);
    if (!found?.enabled) return false;
    this.subscriptions.put({
      ...found,
      enabled: false,
      disabledAt: now,
      disabledReason: reason,
      updatedAt: now,
    });
    return true;
  }

  async restartPendingDeliveries(subscriptionId: string, now: Date): Promise<number> {
    const pending = this.deliveries.filter(
      (d) => d.subscriptionId === subscriptionId && d.status === 'pending',
    );
    for (const d of pending) this.deliveries.put({ ...d, nextAttemptAt: now, firstFailedAt: null });
    return pending.length;
  }

  async listDeliveries(filter: WebhookDeliveryFilter): Promise<WebhookDeliveryRecord[]> {
    return this.deliveries
      .filter(
        (d) =>
          d.subscriptionId === filter.subscriptionId &&
          (filter.status === undefined || d.status === filter.status) &&
          (filter.beforeSequence === undefined || d.sequence < filter.beforeSequence),
      )
      .sort((a, b) => b.sequence - a.sequence)
      .slice(0, filter.limit)
      .map((d) => this.view(d));
  }

  async findDelivery(id: string): Promise<WebhookDeliveryRecord | null> {
    const d = this.deliveries.get(id);
    return d ? this.view(d) : null;
  }

  async requeueDelivery(id: string, now: Date): Promise<WebhookDeliveryRecord | null> {
    const d = this.deliveries.get(id);
    if (!d) return null;
    return this.view(
      this.deliveries.put({
        ...d,
        status: 'pending',
        nextAttemptAt: now,
        firstFailedAt: null,
        deliveredAt: null,
      }),
    );
  }

  private view(d: StoredDelivery): WebhookDeliveryRecord {
    const { leaseUntil: _leaseUntil, leaseToken: _leaseToken, ...record } = d;
    return record;
  }
}

/** An integrator's endpoint in memory: answers what the test scripts, and records what it received. */
export class FakeWebhookTransport extends WebhookTransport {
  readonly received: { url: string; headers: Record<string, string>; body: string }[] = [];
  /** The status code to answer, or a network error. */
  answer: number | 'network-error' = 200;

  async post(url: string, headers: Record<string, string>, body: string) {
    this.received.push({ url, headers, body });
    if (this.answer === 'network-error') return { error: 'connect ECONNREFUSED' };
    return { statusCode: this.answer };
  }
}

/** Metrics the tests can read. */
export class RecordingMetrics extends Metrics {
  readonly counts = new Map<string, number>();
  readonly timings: { name: string; seconds: number; label?: string }[] = [];

  private inc(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
  count(key: string): number {
    return this.counts.get(key) ?? 0;
  }
  signatureAccepted(): void {
    this.inc('signature.accepted');
  }
  signatureRefused(code: string): void {
    this.inc(`signature.refused:${code}`);
  }
  quorumToSubmitted(seconds: number): void {
    this.timings.push({ name: 'quorumToSubmitted', seconds });
  }
  quorumToValidated(seconds: number, outcome: string): void {
    this.timings.push({ name: 'quorumToValidated', seconds, label: outcome });
  }
  upstreamCall(upstream: string, method: string, _seconds: number, error: string | null): void {
    this.inc(`${upstream}.${method}:${error ?? 'ok'}`);
  }
  webhookOutcome(outcome: string): void {
    this.inc(`webhook:${outcome}`);
  }
  jobRun(job: string, _seconds: number, ok: boolean): void {
    this.inc(`job:${job}:${ok}`);
  }
}
