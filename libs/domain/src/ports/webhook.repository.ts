import { NewWebhookEvent, WebhookEventType } from '../webhooks/webhook-events';

export interface WebhookSubscriptionRecord {
  id: string;
  url: string;
  /** Filters: `*`, `proposal.*`, `proposal.succeeded` ... */
  events: string[];
  description: string | null;
  /** The `whsec_` secret, encrypted at rest (TokenCipher); never returned after creation. */
  secretCiphertext: string;
  enabled: boolean;
  disabledAt: Date | null;
  disabledReason: string | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type NewWebhookSubscription = Pick<
  WebhookSubscriptionRecord,
  'url' | 'events' | 'description' | 'secretCiphertext' | 'createdBy'
>;

export type WebhookSubscriptionPatch = Partial<
  Pick<
    WebhookSubscriptionRecord,
    'url' | 'events' | 'description' | 'enabled' | 'disabledAt' | 'disabledReason'
  >
>;

export type WebhookDeliveryStatus = 'pending' | 'delivered';

export interface WebhookDeliveryRecord {
  id: string;
  subscriptionId: string;
  eventId: string;
  eventType: WebhookEventType;
  orderingKey: string;
  /** The event's place in the outbox (ascending per ordering key = emission order). */
  sequence: number;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  /** When the current run of failures began (null once delivered, or never failed). */
  firstFailedAt: Date | null;
  lastAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

/** A delivery taken for one attempt, with what it takes to send it. */
export interface ClaimedWebhookDelivery {
  delivery: WebhookDeliveryRecord;
  leaseToken: string;
  url: string;
  secretCiphertext: string;
  event: { id: string; type: WebhookEventType; data: Record<string, unknown>; occurredAt: Date };
}

/**
 * The transactional outbox: an event is stored, with one pending delivery per enabled subscription
 * whose filters list one of `event.patterns`, in the unit of work of the change it reports.
 * Events with the same ordering key are numbered in commit order.
 */
export abstract class WebhookOutbox {
  abstract emit(event: NewWebhookEvent): Promise<void>;
  /** Several events, in order (a batch of changes); an adapter may store them in fewer statements. */
  abstract emitMany(events: readonly NewWebhookEvent[]): Promise<void>;
}

export interface WebhookDeliveryFilter {
  subscriptionId: string;
  status?: WebhookDeliveryStatus;
  /** Keyset pagination, newest first. */
  beforeSequence?: number;
  limit: number;
}

/** Subscriptions and their deliveries (one aggregate). */
export abstract class WebhookRepository {
  abstract insertSubscription(
    subscription: NewWebhookSubscription,
    now: Date,
  ): Promise<WebhookSubscriptionRecord>;
  abstract findSubscription(id: string): Promise<WebhookSubscriptionRecord | null>;
  abstract listSubscriptions(): Promise<WebhookSubscriptionRecord[]>;
  abstract updateSubscription(
    id: string,
    patch: WebhookSubscriptionPatch,
    now: Date,
  ): Promise<WebhookSubscriptionRecord | null>;
  /** Deletes it and its deliveries; false if there was none. */
  abstract deleteSubscription(id: string): Promise<boolean>;

  /**
   * Leases up to `limit` due pending deliveries of enabled subscriptions until `leaseUntil`, skipping
   * rows another process holds. A delivery is due only when no earlier pending delivery of the same
   * subscription and ordering key remains: later events of a proposal wait for the earlier ones.
   */
  abstract claimDue(now: Date, leaseUntil: Date, limit: number): Promise<ClaimedWebhookDelivery[]>;
  /** Records a success, if the lease is still the caller's. */
  abstract markDelivered(id: string, leaseToken: string, statusCode: number, now: Date): Promise<boolean>;
  /** Records a failure and when to try again, if the lease is still the caller's. */
  abstract markFailed(
    id: string,
    leaseToken: string,
    failure: { statusCode: number | null; error: string; nextAttemptAt: Date },
    now: Date,
  ): Promise<boolean>;
  /** Enabled subscriptions with a pending delivery failing since `before` or earlier. */
  abstract subscriptionsFailingSince(before: Date): Promise<WebhookSubscriptionRecord[]>;
  /** Disables it if it is still enabled; false otherwise. */
  abstract disableSubscription(id: string, reason: string, now: Date): Promise<boolean>;

  /** A re-enabled subscription's pending deliveries: due now, with a fresh failure window. */
  abstract restartPendingDeliveries(subscriptionId: string, now: Date): Promise<number>;

  abstract listDeliveries(filter: WebhookDeliveryFilter): Promise<WebhookDeliveryRecord[]>;
  abstract findDelivery(id: string): Promise<WebhookDeliveryRecord | null>;
  /** Makes a delivery pending again, due at `now` (a resend); null if there is none. */
  abstract requeueDelivery(id: string, now: Date): Promise<WebhookDeliveryRecord | null>;
}

/** How a webhook leaves the process (an HTTP POST). Never throws: a network failure is an answer. */
export abstract class WebhookTransport {
  abstract post(
    url: string,
    headers: Record<string, string>,
    body: string,
  ): Promise<{ statusCode: number } | { error: string }>;
}
