import { Metrics } from '../ports/metrics.port';
import { ClaimedWebhookDelivery, WebhookRepository, WebhookTransport } from '../ports/webhook.repository';
import { Clock } from '../shared/clock';
import { DomainLogger } from '../shared/logger';
import { TokenCipher } from '../shared/token-cipher';
import { webhookHeaders } from './standard-webhooks';

export interface WebhookDeliverySettings {
  /** How long one attempt holds its delivery (longer than the HTTP timeout). */
  leaseMs: number;
  /** Back-off after the n-th failed attempt: base x 2^(n-1), at most max. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** A subscription whose oldest undelivered event has been failing this long is disabled. */
  disableAfterMs: number;
  /** Deliveries claimed at a time (one per subscription and ordering key at most). */
  batchSize: number;
}

export const WEBHOOK_DELIVERY_DEFAULTS: WebhookDeliverySettings = {
  leaseMs: 60_000,
  retryBaseMs: 5_000,
  retryMaxMs: 3_600_000,
  disableAfterMs: 72 * 3_600_000,
  batchSize: 50,
};

/** The body integrators receive: Standard Webhooks' `{ type, timestamp, data }`. */
export function webhookBody(event: ClaimedWebhookDelivery['event']): string {
  return JSON.stringify({ type: event.type, timestamp: event.occurredAt.toISOString(), data: event.data });
}

export function webhookRetryDelayMs(attempts: number, settings: WebhookDeliverySettings): number {
  return Math.min(settings.retryMaxMs, settings.retryBaseMs * 2 ** Math.max(0, Math.min(attempts - 1, 30)));
}

/**
 * The worker's outbound webhook delivery: at least once, in order per subscription and ordering key
 * (a proposal, an account), with exponential back-off; a subscription failing for too long is
 * disabled. Safe with several workers: deliveries are leased (`claimDue`).
 */
export class DeliverWebhooks {
  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly transport: WebhookTransport,
    private readonly cipher: TokenCipher,
    private readonly metrics: Metrics,
    private readonly clock: Clock,
    private readonly settings: WebhookDeliverySettings,
    private readonly log: DomainLogger,
  ) {}

  /** Disables subscriptions failing too long, then sends what is due, head by head, for a few rounds. */
  async runDue(maxRounds = 20): Promise<{ delivered: number; failed: number; disabled: number }> {
    const disabled = await this.disableFailing();
    let delivered = 0;
    let failed = 0;
    for (let round = 0; round < maxRounds; round++) {
      const now = this.clock.now();
      const claimed = await this.webhooks.claimDue(
        now,
        new Date(now.getTime() + this.settings.leaseMs),
        this.settings.batchSize,
      );
      if (claimed.length === 0) break;
      const outcomes = await Promise.all(claimed.map((delivery) => this.deliver(delivery)));
      delivered += outcomes.filter(Boolean).length;
      failed += outcomes.filter((ok) => !ok).length;
      // A failure is retried after its back-off: once only failures remain, this tick is done.
      if (outcomes.every((ok) => !ok)) break;
    }
    return { delivered, failed, disabled };
  }

  private async deliver(claimed: ClaimedWebhookDelivery): Promise<boolean> {
    const { delivery, event } = claimed;
    const body = webhookBody(event);
    const sentAt = this.clock.now();
    const headers = webhookHeaders(
      this.cipher.decrypt(claimed.secretCiphertext),
      event.id,
      Math.floor(sentAt.getTime() / 1000),
      body,
    );
    const answer = await this.transport.post(claimed.url, headers, body);
    const now = this.clock.now();
    if ('statusCode' in answer && answer.statusCode >= 200 && answer.statusCode < 300) {
      await this.webhooks.markDelivered(delivery.id, claimed.leaseToken, answer.statusCode, now);
      this.metrics.webhookOutcome('delivered');
      return true;
    }
    const statusCode = 'statusCode' in answer ? answer.statusCode : null;
    const error = 'error' in answer ? answer.error : `HTTP ${answer.statusCode}`;
    const nextAttemptAt = new Date(now.getTime() + webhookRetryDelayMs(delivery.attempts, this.settings));
    await this.webhooks.markFailed(
      delivery.id,
      claimed.leaseToken,
      { statusCode, error, nextAttemptAt },
      now,
    );
    this.metrics.webhookOutcome('failed');
    this.log.warn('webhook delivery failed', {
      deliveryId: delivery.id,
      subscriptionId: delivery.subscriptionId,
      eventType: event.type,
      attempts: delivery.attempts,
      statusCode,
      nextAttemptAt: nextAttemptAt.toISOString(),
    });
    return false;
  }

  private async disableFailing(): Promise<number> {
    const now = this.clock.now();
    const failing = await this.webhooks.subscriptionsFailingSince(
      new Date(now.getTime() - this.settings.disableAfterMs),
    );
    let disabled = 0;
    for (const subscription of failing) {
      const hours = Math.round(this.settings.disableAfterMs / 360_000) / 10;
      if (
        await this.webhooks.disableSubscription(
          subscription.id,
          `deliveries failed for more than ${hours} h`,
          now,
        )
      ) {
        disabled++;
        this.metrics.webhookOutcome('subscription_disabled');
        this.log.warn('webhook subscription disabled: its deliveries kept failing', {
          subscriptionId: subscription.id,
          hours,
        });
      }
    }
    return disabled;
  }
}
