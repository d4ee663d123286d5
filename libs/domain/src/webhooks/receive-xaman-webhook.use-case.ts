import { DomainError } from '../errors/domain.error';
import { WebhookReceiptRepository } from '../ports/webhook-receipt.repository';
import { WebhookDelivery, XamanPort } from '../ports/xaman.port';
import { Actor } from '../shared/actor';
import { Clock } from '../shared/clock';
import { DomainLogger } from '../shared/logger';
import { PayloadSignals } from '../proposals/payload-signals';
import { ResolveOutcome } from '../proposals/resolve-payload.use-case';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface XamanWebhook extends WebhookDelivery {
  /** The parsed body: only `meta.payload_uuidv4` is read, as a hint of which payload to re-read. */
  body: unknown;
  attemptHeader: string | undefined;
}

/**
 * Xaman's callback: authenticated by its HMAC (constant-time, over the raw bytes), stale timestamps
 * and replays refused, the receipt recorded, then the payload re-read from the Xaman API through the
 * payload signals. Failures of Xaman, the ledger or the database propagate as UpstreamError, so the
 * answer is a 503 and Xaman delivers again.
 */
export class ReceiveXamanWebhook {
  constructor(
    private readonly xaman: XamanPort,
    private readonly receipts: WebhookReceiptRepository,
    private readonly signals: PayloadSignals,
    private readonly clock: Clock,
    private readonly log: DomainLogger,
  ) {}

  async execute(webhook: XamanWebhook, actor: Actor): Promise<{ received: true; outcome: ResolveOutcome }> {
    const check = this.xaman.verifyWebhook(webhook, this.clock.now());
    if (!check.ok) {
      this.log.warn('webhook refused', { code: check.code });
      throw new DomainError(check.code, check.message);
    }
    const payloadUuid = (webhook.body as { meta?: { payload_uuidv4?: unknown } } | undefined)?.meta
      ?.payload_uuidv4;
    if (typeof payloadUuid !== 'string' || !UUID.test(payloadUuid)) {
      throw new DomainError('VALIDATION_FAILED', 'meta.payload_uuidv4 must be a payload UUID.', {
        fields: [{ field: 'meta.payload_uuidv4' }],
      });
    }
    const attempt = Number(webhook.attemptHeader);
    const fresh = await this.receipts.record({
      signature: webhook.signatureHeader!,
      payloadUuid: payloadUuid.toLowerCase(),
      requestTimestamp: check.timestamp,
      attempt: Number.isInteger(attempt) && attempt >= 0 && attempt <= 1000 ? attempt : null,
    });
    if (!fresh) {
      this.log.warn('webhook refused', { code: 'WEBHOOK_REPLAYED', payloadUuid });
      throw new DomainError('WEBHOOK_REPLAYED', 'This exact webhook was already received.');
    }
    const outcome = await this.signals.signal(payloadUuid.toLowerCase(), 'webhook', actor);
    return { received: true, outcome };
  }
}
