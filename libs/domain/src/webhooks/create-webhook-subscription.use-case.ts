import { AuditRepository } from '../ports/audit.repository';
import { WebhookRepository, WebhookSubscriptionRecord } from '../ports/webhook.repository';
import { Actor } from '../shared/actor';
import { Clock } from '../shared/clock';
import { TokenCipher } from '../shared/token-cipher';
import { newWebhookSecret } from './standard-webhooks';
import { checkEventFilters, checkWebhookUrl } from './webhook-subscription.rules';

export interface CreateWebhookSubscriptionCommand {
  url: string;
  events: string[];
  description?: string | null;
}

/** An admin subscribes an endpoint. Its `whsec_` secret is in this answer only; it is stored encrypted. */
export class CreateWebhookSubscription {
  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly audit: AuditRepository,
    private readonly cipher: TokenCipher,
    private readonly clock: Clock,
  ) {}

  async execute(
    command: CreateWebhookSubscriptionCommand,
    actor: Actor,
  ): Promise<{ subscription: WebhookSubscriptionRecord; secret: string }> {
    const url = checkWebhookUrl(command.url);
    const events = checkEventFilters(command.events);
    const secret = newWebhookSecret();
    const subscription = await this.webhooks.insertSubscription(
      {
        url,
        events,
        description: command.description ?? null,
        secretCiphertext: this.cipher.encrypt(secret),
        createdBy: actor.id,
      },
      this.clock.now(),
    );
    await this.audit.append(actor, {
      action: 'webhook_subscription.created',
      entityType: 'webhook_subscription',
      entityId: subscription.id,
      details: { url, events },
    });
    return { subscription, secret };
  }
}
