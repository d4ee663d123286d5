import { WebhookReceiptRepository } from '../ports/webhook-receipt.repository';
import { Clock } from '../shared/clock';

/** Receipts only guard against replays while a timestamp is inside the skew window: older ones go. */
export class PruneWebhookReceipts {
  constructor(
    private readonly receipts: WebhookReceiptRepository,
    private readonly clock: Clock,
  ) {}

  execute(olderThanMs = 24 * 3600 * 1000): Promise<number> {
    return this.receipts.pruneReceivedBefore(new Date(this.clock.now().getTime() - olderThanMs));
  }
}
