import { createHmac } from 'node:crypto';

/**
 * The HMAC Xaman puts in `x-xumm-request-signature` (reference §8.3):
 * `HMAC-SHA1(key = apiSecret.replace('-', ''), timestamp + body)` as lowercase hex.
 * `String.replace` with a string pattern removes only the FIRST hyphen, exactly like Xaman's sender.
 */
export function xamanWebhookSignature(apiSecret: string, timestamp: string, rawBody: string): string {
  return createHmac('sha1', apiSecret.replace('-', ''))
    .update(timestamp + rawBody)
    .digest('hex');
}

/** One HTTP attempt to deliver a webhook (the sandbox keeps all of them, in order). */
export interface XamanWebhookDelivery {
  payloadUuid: string;
  /** 1..(1 + retry delays) */
  attempt: number;
  url: string;
  /** When the attempt was made (ms since epoch). */
  at: number;
  headers: Record<string, string>;
  /** The exact body sent (compact JSON). */
  body: string;
  /** HTTP status, or null when the request failed or timed out. */
  status: number | null;
  error?: string;
  /** 200, 201 or 204 (Xaman's success codes). */
  ok: boolean;
  /** Delay before the next attempt, or null when there is none (success or last attempt). */
  retryInMs: number | null;
}

/** The body Xaman POSTs on a resolve (reference §8.4, xumm-sdk `XummWebhookBody`). */
export interface XamanWebhookBody {
  meta: { url: string; application_uuidv4: string; payload_uuidv4: string; opened_by_deeplink: boolean };
  custom_meta: {
    identifier: string | null;
    blob: Record<string, unknown> | null;
    instruction: string | null;
  };
  payloadResponse: {
    payload_uuidv4: string;
    reference_call_uuidv4: string;
    signed: boolean;
    user_token: boolean;
    return_url: { app: string | null; web: string | null };
    txid: string;
  };
  userToken: { user_token: string; token_issued: number; token_expiration: number } | null;
}

export const XAMAN_WEBHOOK_SUCCESS_CODES: readonly number[] = [200, 201, 204];
