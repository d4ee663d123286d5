export interface WebhookReceipt {
  /** The HMAC header: unique per delivery (a retry is signed again). */
  signature: string;
  payloadUuid: string;
  requestTimestamp: number;
  attempt: number | null;
}

/** Receipts of Xaman webhooks, kept for replay protection while a timestamp is inside the skew window. */
export abstract class WebhookReceiptRepository {
  /** False when this exact delivery was already received (a replay). */
  abstract record(receipt: WebhookReceipt): Promise<boolean>;
  /** Deletes receipts received before `before`; returns how many. */
  abstract pruneReceivedBefore(before: Date): Promise<number>;
}
