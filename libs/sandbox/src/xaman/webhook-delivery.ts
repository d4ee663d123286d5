/**
 * Resolve webhooks (§8): the signed POST to the application's webhook URL after a payload
 * resolves, retried on Xaman's schedule, every attempt kept for assertions.
 */
import type { PayloadRec, TokenRec } from './records';
import type { Runtime } from './runtime';
import {
  XAMAN_WEBHOOK_SUCCESS_CODES,
  xamanWebhookSignature,
  type XamanWebhookBody,
  type XamanWebhookDelivery,
} from './webhook';

export interface WebhookSettings {
  apiKey: string;
  apiSecret: string;
  retryDelays: readonly number[];
  webhookTimeoutMs: number;
}

export class WebhookSender {
  private readonly deliveries: XamanWebhookDelivery[] = [];
  private readonly aborts = new Set<AbortController>();

  constructor(
    private readonly runtime: Runtime,
    private readonly settings: WebhookSettings,
    private webhookUrl: string | null,
  ) {}

  get url(): string | null {
    return this.webhookUrl;
  }

  setUrl(url: string | null): void {
    this.webhookUrl = url;
  }

  /** Every attempt so far, in order (copies). */
  list(): XamanWebhookDelivery[] {
    return this.deliveries.map((d) => ({ ...d, headers: { ...d.headers } }));
  }

  /** Abort the attempts in flight (on close). */
  abortAll(): void {
    for (const a of this.aborts) a.abort();
  }

  sendResolve(
    p: PayloadRec,
    signed: boolean,
    reference: string,
    returnUrl: { app: string | null; web: string | null },
    txid: string,
    token: TokenRec | null,
  ): void {
    if (!this.webhookUrl) return;
    const body: XamanWebhookBody = {
      meta: {
        url: this.webhookUrl,
        application_uuidv4: this.settings.apiKey,
        payload_uuidv4: p.uuid,
        opened_by_deeplink: p.openedByDeeplink ?? false,
      },
      custom_meta: {
        identifier: p.customMeta.identifier,
        blob: p.customMeta.blob === null ? null : structuredClone(p.customMeta.blob),
        instruction: p.customMeta.instruction,
      },
      payloadResponse: {
        payload_uuidv4: p.uuid,
        reference_call_uuidv4: reference,
        signed,
        user_token: token !== null,
        return_url: returnUrl,
        txid: signed ? txid : '',
      },
      userToken: token
        ? {
            user_token: token.token,
            token_issued: token.issued,
            token_expiration: Math.floor(token.expiresAt / 1000),
          }
        : null,
    };
    this.deliver(p.uuid, this.webhookUrl, body, 1);
  }

  private deliver(payloadUuid: string, url: string, data: XamanWebhookBody, attempt: number): void {
    const body = JSON.stringify(data);
    const timestamp = String(Math.round(Date.now() / 1000));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'xumm-webhook',
      'x-xumm-attempt': String(attempt),
      'x-xumm-payload': payloadUuid,
      'x-xumm-request-timestamp': timestamp,
      'x-xumm-request-signature': xamanWebhookSignature(this.settings.apiSecret, timestamp, body),
    };
    const entry: XamanWebhookDelivery = {
      payloadUuid,
      attempt,
      url,
      at: Date.now(),
      headers,
      body,
      status: null,
      ok: false,
      retryInMs: null,
    };
    const abort = new AbortController();
    this.aborts.add(abort);
    const timeout = this.runtime.later(this.settings.webhookTimeoutMs, () => abort.abort());
    const done = (status: number | null, error?: string) => {
      this.runtime.cancelTimer(timeout);
      this.aborts.delete(abort);
      entry.status = status;
      entry.ok = status !== null && XAMAN_WEBHOOK_SUCCESS_CODES.includes(status);
      if (error !== undefined) entry.error = error;
      const delay = entry.ok ? undefined : this.settings.retryDelays[attempt - 1];
      entry.retryInMs = delay ?? null;
      this.deliveries.push(entry);
      this.runtime.log('webhook attempt', { payloadUuid, attempt, status, error });
      if (delay === undefined || this.runtime.closed) return;
      this.runtime.later(delay, () => this.deliver(payloadUuid, url, data, attempt + 1));
    };
    fetch(url, { method: 'POST', headers, body, signal: abort.signal })
      .then(async (res) => {
        await res.arrayBuffer().catch(() => undefined);
        done(res.status);
      })
      .catch((err: unknown) => done(null, abort.signal.aborted ? 'timeout' : (err as Error).message));
  }
}
