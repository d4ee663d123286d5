import { DomainError } from '../errors/domain.error';
import { AuditRepository } from '../ports/audit.repository';
import { WebhookRepository } from '../ports/webhook.repository';
import { Actor } from '../shared/actor';
import { isUuid } from './webhook-subscription.rules';

/** Removes a subscription and its delivery log; nothing more is sent to it. */
export class DeleteWebhookSubscription {
  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly audit: AuditRepository,
  ) {}

  async execute(id: string, actor: Actor): Promise<void> {
    if (!isUuid(id) || !(await this.webhooks.deleteSubscription(id))) {
      throw new DomainError('WEBHOOK_SUBSCRIPTION_NOT_FOUND', `No webhook subscription ${id}.`, {
        subscriptionId: id,
      });
    }
    await this.audit.append(actor, {
      action: 'webhook_subscription.deleted',
      entityType: 'webhook_subscription',
      entityId: id,
    });
  }
}
