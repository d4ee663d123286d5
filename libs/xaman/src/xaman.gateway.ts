import { XummSdk } from 'xumm-sdk';
import WebSocket from 'ws';
import {
  CancelReason,
  CreatedPayloadView,
  CreatePayloadRequest,
  CreateSignInRequest,
  CreateOwnerPayloadRequest,
  UserTokenValidity,
  PayloadView,
  WebhookCheck,
  WebhookDelivery,
  XamanApiError,
  XamanPort,
} from '@app/domain';
import { verifyXamanWebhook } from './webhook-signature';

interface SoftError {
  error?: { code?: number; reference?: string } | boolean;
  code?: number;
  message?: string;
}

/** Xaman error codes worth retrying: rate limited, server-side failures. */
const RETRYABLE_CODES = new Set([429, 500, 502, 503, 504]);

function asXamanError(error: unknown, action: string): XamanApiError {
  if (error instanceof XamanApiError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const coded = /Error code (\d+)/.exec(message);
  if (coded) {
    const code = Number(coded[1]);
    return new XamanApiError(`Xaman ${action} failed with code ${code}`, code, RETRYABLE_CODES.has(code));
  }
  // Network failures, timeouts, non-JSON answers: the platform may be down; try again later.
  return new XamanApiError(`Xaman ${action} failed: ${message}`, null, true);
}

interface RawPayload {
  meta: {
    uuid: string;
    multisign: boolean;
    resolved: boolean;
    signed: boolean;
    cancelled: boolean;
    expired: boolean;
    app_opened: boolean;
    signers?: string[] | null;
  };
  application?: { issued_user_token?: string | null };
  response: {
    hex: string | null;
    txid: string | null;
    multisign_account?: string | null;
    account: string | null;
    resolved_at: string | null;
  };
  custom_meta?: { identifier?: string | null };
}

function view(raw: RawPayload): PayloadView {
  const empty = (value: string | null | undefined) => (value === undefined || value === '' ? null : value);
  return {
    uuid: raw.meta.uuid,
    identifier: raw.custom_meta?.identifier ?? null,
    multisign: raw.meta.multisign,
    resolved: raw.meta.resolved,
    signed: raw.meta.signed,
    cancelled: raw.meta.cancelled,
    expired: raw.meta.expired,
    opened: raw.meta.app_opened,
    signers: raw.meta.signers ?? null,
    hex: empty(raw.response.hex),
    txid: empty(raw.response.txid),
    multisignAccount: empty(raw.response.multisign_account),
    account: empty(raw.response.account),
    resolvedAt: empty(raw.response.resolved_at),
    issuedUserToken: raw.application?.issued_user_token ?? null,
  };
}

export interface PayloadWatch {
  close(): void;
}

/**
 * xumm-sdk's fetch has no timeout: a hanging platform would hang the caller. A call that takes too
 * long fails as retryable (a late success is harmless: retries reuse the payload's identifier).
 */
async function withTimeout<T>(call: Promise<T>, ms: number, action: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new XamanApiError(`Xaman ${action} took longer than ${ms} ms`, null, true)),
      ms,
    );
  });
  try {
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The Xaman gateway: every platform call goes through the real `xumm-sdk` (pointed at
 * XAMAN_ENDPOINT), so the sandbox and the real platform are driven identically.
 */
export class XamanGateway implements XamanPort {
  private readonly sdk: XummSdk;
  private readonly endpoint: string;

  private readonly timeoutMs: number;
  private readonly apiSecret: string;
  private readonly webhookMaxSkewSeconds: number;

  constructor(options: {
    apiKey: string;
    apiSecret: string;
    endpoint: string;
    timeoutMs?: number;
    webhookMaxSkewSeconds?: number;
  }) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.apiSecret = options.apiSecret;
    this.webhookMaxSkewSeconds = options.webhookMaxSkewSeconds ?? 300;
    this.sdk = new XummSdk(options.apiKey, options.apiSecret);
    this.endpoint = options.endpoint.replace(/\/+$/, '');
    if (!this.sdk.setEndpoint(this.endpoint)) throw new Error(`Invalid Xaman endpoint ${options.endpoint}`);
  }

  async ping(): Promise<{ application: string }> {
    try {
      const details = await withTimeout(this.sdk.ping(), this.timeoutMs, 'ping');
      return { application: details.application.name };
    } catch (error) {
      throw asXamanError(error, 'ping');
    }
  }

  /**
   * Creates one multisign sign request for one signer: `multisign: true, submit: false`, that
   * signer only, pushed through its user_token when there is one.
   */
  createPayload(request: CreatePayloadRequest): Promise<CreatedPayloadView> {
    return this.create(
      request.txjson,
      { multisign: true, signers: [request.signer] },
      request,
      'payload create',
    );
  }

  /**
   * A SignIn payload (Xaman forces `submit: false`, never multisign): the signer signs the SignIn
   * pseudo-transaction with its account's key, and Xaman issues a user_token for it.
   */
  createSignIn(request: CreateSignInRequest): Promise<CreatedPayloadView> {
    return this.create({ TransactionType: 'SignIn' }, {}, request, 'sign-in create');
  }

  /**
   * A single-signed payload for an account's owner: `submit: false` (the service verifies the blob and
   * submits it), not multisign, and only the owner may sign it (`options.signers`).
   */
  createOwnerPayload(request: CreateOwnerPayloadRequest): Promise<CreatedPayloadView> {
    return this.create(
      request.txjson,
      { multisign: false, signers: [request.signer] },
      request,
      'owner payload create',
    );
  }

  private async create(
    txjson: Record<string, unknown>,
    options: Record<string, unknown>,
    request: CreateSignInRequest,
    action: string,
  ): Promise<CreatedPayloadView> {
    let created;
    try {
      created = await withTimeout(
        this.sdk.payload.create(
          {
            txjson: txjson as never,
            ...(request.userToken ? { user_token: request.userToken } : {}),
            options: {
              submit: false,
              ...options,
              expire: request.expireMinutes,
              ...(request.forceNetwork ? { force_network: request.forceNetwork } : {}),
            },
            custom_meta: {
              identifier: request.identifier,
              ...(request.instruction ? { instruction: request.instruction } : {}),
              ...(request.blob ? { blob: request.blob } : {}),
            },
          },
          true,
        ),
        this.timeoutMs,
        action,
      );
    } catch (error) {
      throw asXamanError(error, action);
    }
    if (!created) throw new XamanApiError(`Xaman ${action} returned nothing`, null, true);
    return {
      uuid: created.uuid,
      pushed: created.pushed,
      signLink: created.next.always,
      qrPng: created.refs?.qr_png ?? null,
    };
  }

  /** `POST user-tokens`: whether each token is active, and Xaman's real expiry (unix seconds). */
  async verifyUserTokens(tokens: string[]): Promise<UserTokenValidity[]> {
    if (tokens.length === 0) return [];
    let answers;
    try {
      answers = await withTimeout(this.sdk.verifyUserTokens(tokens), this.timeoutMs, 'user-tokens');
    } catch (error) {
      throw asXamanError(error, 'user-tokens');
    }
    return answers.map((a) => ({
      userToken: a.user_token,
      active: a.active,
      expiresAt: typeof a.expires === 'number' ? new Date(a.expires * 1000) : null,
    }));
  }

  /** Opens the payload in the Xaman app (the app's registered link scheme). */
  deepLinkFor(uuid: string): string {
    return `xumm://xumm.app/sign/${uuid}`;
  }

  async getPayload(uuid: string): Promise<PayloadView> {
    try {
      const raw = await withTimeout(this.sdk.payload.get(uuid, true), this.timeoutMs, 'payload get');
      if (!raw) throw new XamanApiError(`Xaman payload ${uuid} not found`, 404, false);
      return view(raw);
    } catch (error) {
      throw asXamanError(error, 'payload get');
    }
  }

  /** Looks a payload up by its custom identifier (no SDK method: the SDK's generic call). */
  async getPayloadByIdentifier(identifier: string): Promise<PayloadView | null> {
    const meta = (this.sdk as unknown as { Meta: { call(path: string, method: string): Promise<unknown> } })
      .Meta;
    let raw: unknown;
    try {
      raw = await withTimeout(
        meta.call(`payload/ci/${encodeURIComponent(identifier)}`, 'GET'),
        this.timeoutMs,
        'payload ci lookup',
      );
    } catch (error) {
      throw asXamanError(error, 'payload ci lookup');
    }
    const soft = raw as SoftError;
    if (typeof soft.error === 'object' && soft.error?.code === 404) return null;
    if (soft.error !== undefined || soft.message !== undefined) {
      const code = typeof soft.error === 'object' ? (soft.error.code ?? null) : (soft.code ?? null);
      throw new XamanApiError(
        `Xaman payload ci lookup failed with code ${code}`,
        code,
        RETRYABLE_CODES.has(code ?? 500),
      );
    }
    return view(raw as RawPayload);
  }

  verifyWebhook(delivery: WebhookDelivery, now: Date): WebhookCheck {
    return verifyXamanWebhook({
      apiSecret: this.apiSecret,
      ...delivery,
      nowSeconds: Math.floor(now.getTime() / 1000),
      maxSkewSeconds: this.webhookMaxSkewSeconds,
    });
  }

  signLinkFor(uuid: string): string {
    return `${this.endpoint}/sign/${uuid}`;
  }

  async cancelPayload(uuid: string): Promise<{ cancelled: boolean; reason: CancelReason }> {
    try {
      const result = await withTimeout(this.sdk.payload.cancel(uuid, true), this.timeoutMs, 'payload cancel');
      if (!result) throw new XamanApiError(`Xaman payload ${uuid} not found`, 404, false);
      return { cancelled: result.result.cancelled, reason: result.result.reason };
    } catch (error) {
      throw asXamanError(error, 'payload cancel');
    }
  }

  /**
   * Watches the payload's status WebSocket and calls `onChange` when it is opened, resolved or
   * expired. Only a trigger: the caller re-reads the payload through the API.
   */
  watchPayload(uuid: string, onChange: (event: 'opened' | 'resolved' | 'expired') => void): PayloadWatch {
    let closed = false;
    let socket: WebSocket | null = null;
    let keepalive: NodeJS.Timeout | undefined;
    let attempts = 0;
    const connect = () => {
      if (closed) return;
      socket = new WebSocket(`${this.endpoint.replace(/^http/, 'ws')}/sign/${uuid}`);
      socket.on('open', () => {
        keepalive = setInterval(() => socket?.send(JSON.stringify({ ping: true })), 10_000);
        keepalive.unref();
      });
      socket.on('message', (data: WebSocket.RawData) => {
        let message: Record<string, unknown>;
        try {
          message = JSON.parse(Buffer.from(data as Buffer).toString('utf8')) as Record<string, unknown>;
        } catch {
          return;
        }
        if ('signed' in message) {
          closed = true; // a resolution is final: nothing more to watch
          onChange('resolved');
          socket?.close();
        } else if (message.opened === true) onChange('opened');
        else if (message.expired === true) onChange('expired');
      });
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(keepalive);
        if (!closed && attempts++ < 30) setTimeout(connect, 2_000).unref();
      });
    };
    connect();
    return {
      close: () => {
        closed = true;
        clearInterval(keepalive);
        socket?.close();
      },
    };
  }
}
