import { EntityManager } from 'typeorm';
import { WebhookReceipt, WebhookReceiptRepository } from '../domain-contracts';
import { returningRows } from './typeorm-support';

/** The WebhookReceiptRepository port on PostgreSQL: the signature column is unique. */
export class TypeormWebhookReceiptRepository extends WebhookReceiptRepository {
  constructor(private readonly manager: EntityManager) {
    super();
  }

  async record(receipt: WebhookReceipt): Promise<boolean> {
    const rows = await this.manager.query<{ id: string }[]>(
      `INSERT INTO xaman_webhook_receipts (signature, payload_uuid, request_timestamp, attempt)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (signature) DO NOTHING
       RETURNING id`,
      [receipt.signature, receipt.payloadUuid, receipt.requestTimestamp, receipt.attempt],
    );
    return rows.length === 1;
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
