import { DomainError } from '../errors/domain.error';
import { AuditRepository } from '../ports/audit.repository';
import { WebhookDeliveryRecord, WebhookRepository } from '../ports/webhook.repository';
import { Actor } from '../shared/actor';
import { Clock } from '../shared/clock';
import { isUuid } from './webhook-subscription.rules';

/**
 * Sends a delivery again (same `webhook-id`, so receivers can tell): it becomes pending and due now.
 * The worker sends it in its place in the ordering; a disabled subscription's once it is re-enabled.
 */
export class ResendWebhookDelivery {
  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
  ) {}

  async execute(deliveryId: string, actor: Actor): Promise<WebhookDeliveryRecord> {
    const requeued = isUuid(deliveryId)
      ? await this.webhooks.requeueDelivery(deliveryId, this.clock.now())
      : null;
    if (!requeued) {
      throw new DomainError('WEBHOOK_DELIVERY_NOT_FOUND', `No webhook delivery ${deliveryId}.`, {
        deliveryId,
      });
    }
    await this.audit.append(actor, {
      action: 'webhook_delivery.resent',
      entityType: 'webhook_subscription',
      entityId: requeued.subscriptionId,
      details: { deliveryId, eventId: requeued.eventId, eventType: requeued.eventType },
    });
    return requeued;
  }
}
