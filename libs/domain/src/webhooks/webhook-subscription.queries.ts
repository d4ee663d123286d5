import { DomainError } from '../errors/domain.error';
import {
  WebhookDeliveryFilter,
  WebhookDeliveryRecord,
  WebhookRepository,
  WebhookSubscriptionRecord,
} from '../ports/webhook.repository';
import { isUuid } from './webhook-subscription.rules';

/** Reads of subscriptions and their delivery log (never their secrets: the API leaves them out). */
export class WebhookSubscriptionQueries {
  constructor(private readonly webhooks: WebhookRepository) {}

  list(): Promise<WebhookSubscriptionRecord[]> {
    return this.webhooks.listSubscriptions();
  }

  async get(id: string): Promise<WebhookSubscriptionRecord> {
    const found = isUuid(id) ? await this.webhooks.findSubscription(id) : null;
    if (!found) {
      throw new DomainError('WEBHOOK_SUBSCRIPTION_NOT_FOUND', `No webhook subscription ${id}.`, {
        subscriptionId: id,
      });
    }
    return found;
  }

  /** One page of a subscription's deliveries, newest first, and whether more follow. */
  async deliveries(
    filter: WebhookDeliveryFilter,
  ): Promise<{ items: WebhookDeliveryRecord[]; more: boolean }> {
    await this.get(filter.subscriptionId);
    const rows = await this.webhooks.listDeliveries({ ...filter, limit: filter.limit + 1 });
    return { items: rows.slice(0, filter.limit), more: rows.length > filter.limit };
  }
}
