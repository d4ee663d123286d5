import { WebhookReceipt, WebhookReceiptRepository } from '../../src/ports/webhook-receipt.repository';
import { Clock } from '../../src/shared/clock';
import { Table } from './in-memory-store';

export class InMemoryWebhookReceiptRepository extends WebhookReceiptRepository {
  readonly receipts = new Table<WebhookReceipt & { id: string; receivedAt: Date }>();

  constructor(private readonly clock: Clock) {
    super();
  }

  async record(receipt: WebhookReceipt): Promise<boolean> {
    if (this.receipts.get(receipt.signature)) return false;
    this.receipts.put({ ...receipt, id: receipt.signature, receivedAt: this.clock.now() });
    return true;
  }

  async pruneReceivedBefore(before: Date): Promise<number> {
    const old = this.receipts.filter((r) => r.receivedAt < before);
    for (const receipt of old) this.receipts.delete(receipt.id);
    return old.length;
  }
}
