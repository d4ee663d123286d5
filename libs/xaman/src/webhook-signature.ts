import { createHmac, timingSafeEqual } from 'node:crypto';

export type XamanWebhookCheck =
  | { ok: true; timestamp: number }
  | { ok: false; code: 'WEBHOOK_SIGNATURE_INVALID' | 'WEBHOOK_TIMESTAMP_STALE'; message: string };

/**
 * Xaman's webhook signature: HMAC-SHA1 over `timestamp + rawBody`, keyed with the application's
 * API secret with its FIRST hyphen removed (String.replace with a string pattern), lowercase hex.
 */
export function xamanWebhookHmac(apiSecret: string, timestamp: string, rawBody: Buffer | string): string {
  return createHmac('sha1', apiSecret.replace('-', ''))
    .update(
      Buffer.concat([
        Buffer.from(timestamp, 'utf8'),
        Buffer.isBuffer(rawBody) ? rawBody : Buffer.from(rawBody),
      ]),
    )
    .digest('hex');
}

/** Checks a webhook's signature over the raw bytes (constant-time) and its timestamp's age. */
export function verifyXamanWebhook(input: {
  apiSecret: string;
  timestampHeader: string | undefined;
  signatureHeader: string | undefined;
  rawBody: Buffer | undefined;
  nowSeconds: number;
  maxSkewSeconds: number;
}): XamanWebhookCheck {
  const { timestampHeader, signatureHeader, rawBody } = input;
  if (!timestampHeader || !/^\d{1,12}$/.test(timestampHeader) || !signatureHeader || !rawBody) {
    return {
      ok: false,
      code: 'WEBHOOK_SIGNATURE_INVALID',
      message: 'Missing or malformed webhook signature headers.',
    };
  }
  if (!/^[0-9a-f]{40}$/.test(signatureHeader)) {
    return { ok: false, code: 'WEBHOOK_SIGNATURE_INVALID', message: 'Malformed webhook signature.' };
  }
  const expected = Buffer.from(xamanWebhookHmac(input.apiSecret, timestampHeader, rawBody), 'hex');
  const given = Buffer.from(signatureHeader, 'hex');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, code: 'WEBHOOK_SIGNATURE_INVALID', message: 'The webhook signature does not match.' };
  }
  const timestamp = Number(timestampHeader);
  if (Math.abs(input.nowSeconds - timestamp) > input.maxSkewSeconds) {
    return {
      ok: false,
      code: 'WEBHOOK_TIMESTAMP_STALE',
      message: `The webhook timestamp is more than ${input.maxSkewSeconds} s away from now.`,
    };
  }
  return { ok: true, timestamp };
}
