import { DomainError } from '../errors/domain.error';
import { AuditRepository } from '../ports/audit.repository';
import {
  WebhookRepository,
  WebhookSubscriptionPatch,
  WebhookSubscriptionRecord,
} from '../ports/webhook.repository';
import { Actor } from '../shared/actor';
import { Clock } from '../shared/clock';
import { checkEventFilters, checkWebhookUrl, isUuid } from './webhook-subscription.rules';

export interface UpdateWebhookSubscriptionCommand {
  url?: string;
  events?: string[];
  description?: string | null;
  /** `true` re-enables a disabled subscription: its pending deliveries go out again. */
  enabled?: boolean;
}

/** Changes a subscription's URL, filters, description, or enables/disables it. */
export class UpdateWebhookSubscription {
  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
  ) {}

  async execute(
    id: string,
    command: UpdateWebhookSubscriptionCommand,
    actor: Actor,
  ): Promise<WebhookSubscriptionRecord> {
    const patch: WebhookSubscriptionPatch = {};
    if (command.url !== undefined) patch.url = checkWebhookUrl(command.url);
    if (command.events !== undefined) patch.events = checkEventFilters(command.events);
    if (command.description !== undefined) patch.description = command.description;
    if (command.enabled !== undefined) {
      patch.enabled = command.enabled;
      patch.disabledAt = command.enabled ? null : this.clock.now();
      patch.disabledReason = command.enabled ? null : 'disabled by an operator';
    }
    const updated = isUuid(id) ? await this.webhooks.updateSubscription(id, patch, this.clock.now()) : null;
    if (!updated) {
      throw new DomainError('WEBHOOK_SUBSCRIPTION_NOT_FOUND', `No webhook subscription ${id}.`, {
        subscriptionId: id,
      });
    }
    // Re-enabled: what waited goes out now, and the disable clock starts again.
    if (command.enabled === true) await this.webhooks.restartPendingDeliveries(id, this.clock.now());
    await this.audit.append(actor, {
      action: 'webhook_subscription.updated',
      entityType: 'webhook_subscription',
      entityId: id,
      details: { ...patch },
    });
    return updated;
  }
}
