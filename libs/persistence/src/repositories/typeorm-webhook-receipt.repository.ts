import { EntityManager } from 'typeorm';
import { GroupCommit, WebhookReceipt, WebhookReceiptRepository } from '../domain-contracts';
import { returningRows } from './typeorm-support';

/**
 * The WebhookReceiptRepository port on PostgreSQL: the signature column is unique. Receipts that
 * arrive while earlier ones are being written go in one multi-row INSERT (a webhook burst costs a
 * few statements, not one per delivery); a receipt repeated within a batch waits for the next one,
 * so exactly one of two identical deliveries is new.
 */
export class TypeormWebhookReceiptRepository extends WebhookReceiptRepository {
  private readonly receipts = new GroupCommit<WebhookReceipt, boolean>((batch) => this.insert(batch), {
    maxBatch: 100,
    concurrency: 2,
    key: (receipt) => receipt.signature,
  });

  constructor(private readonly manager: EntityManager) {
    super();
  }

  record(receipt: WebhookReceipt): Promise<boolean> {
    return this.receipts.submit(receipt);
  }

  private async insert(batch: WebhookReceipt[]): Promise<boolean[]> {
    const rows = await this.manager.query<{ signature: string }[]>(
      `INSERT INTO xaman_webhook_receipts (signature, payload_uuid, request_timestamp, attempt)
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::bigint[], $4::int[])
       ON CONFLICT (signature) DO NOTHING
       RETURNING signature`,
      [
        batch.map((r) => r.signature),
        batch.map((r) => r.payloadUuid),
        batch.map((r) => r.requestTimestamp),
        batch.map((r) => r.attempt),
      ],
    );
    const inserted = new Set(rows.map((row) => row.signature));
    return batch.map((receipt) => inserted.has(receipt.signature));
  }

  async pruneReceivedBefore(before: Date): Promise<number> {
    const rows = await returningRows(
      this.manager,
      `DELETE FROM xaman_webhook_receipts WHERE received_at < $1 RETURNING id`,
      [before],
    );
    return rows.length;
  }
}
