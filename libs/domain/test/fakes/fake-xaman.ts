import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
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
} from '../../src/ports/xaman.port';

type Listener = (event: 'opened' | 'resolved' | 'expired') => void;

/** Xaman answers as errors: not found, duplicate identifier, rate limited / down. */
export const xamanErrors = {
  notFound: () => new XamanApiError('Payload not found', 404, false),
  duplicate: () => new XamanApiError('Duplicate custom identifier', 409, false),
  rateLimited: () => new XamanApiError('Too many requests', 429, true),
  refused: () => new XamanApiError('Invalid payload', 400, false),
};

/** Xaman's webhook HMAC: SHA-1 over `timestamp + body`, keyed with the secret without its first hyphen. */
export function xamanWebhookSignature(apiSecret: string, timestamp: string, body: Buffer): string {
  return createHmac('sha1', apiSecret.replace('-', ''))
    .update(Buffer.concat([Buffer.from(timestamp, 'utf8'), body]))
    .digest('hex');
}

/** A payload as Xaman stores it when created: nobody opened it yet. */
function openPayload(
  uuid: string,
  identifier: string,
  fields: Pick<PayloadView, 'multisign' | 'signers' | 'account'>,
): PayloadView {
  return {
    uuid,
    identifier,
    resolved: false,
    signed: false,
    cancelled: false,
    expired: false,
    opened: false,
    hex: null,
    txid: null,
    multisignAccount: null,
    resolvedAt: null,
    issuedUserToken: null,
    ...fields,
  };
}

/**
 * The Xaman platform in memory. Payloads are created and recorded; tests move them (open, sign with
 * a real blob, reject, expire, cancel, forget) and script failures per call. Sockets capture their
 * listeners so a test can fire 'opened' / 'resolved'. Webhooks are checked with the real HMAC.
 */
export class FakeXaman extends XamanPort {
  readonly apiSecret = 'a1b2c3d4-e5f6-4711-8899-aabbccddeeff';
  webhookMaxSkewSeconds = 300;
  /** Overrides the HMAC check with a fixed answer. */
  scriptedWebhookCheck: WebhookCheck | null = null;

  readonly payloads = new Map<string, PayloadView>();
  readonly created: (CreatePayloadRequest & { uuid: string })[] = [];
  /** Errors for the next createPayload calls (then they succeed). */
  readonly createErrors: Error[] = [];
  /** Runs while a payload is being created (after Xaman stored it, before the answer arrives). */
  duringCreate: (() => Promise<void>) | null = null;
  readonly getPayloadCalls: string[] = [];
  /** Errors for the next getPayload calls. */
  readonly getErrors: Error[] = [];
  /** While set, getPayload answers only once it resolves (lets a test keep a resolution in flight). */
  getGate: Promise<void> | null = null;
  readonly cancelCalls: string[] = [];
  /** Results (or errors) for the next cancelPayload calls, then Xaman's own rules apply. */
  readonly cancelResults: ({ cancelled: boolean; reason: CancelReason } | Error)[] = [];
  readonly watchers = new Map<string, { listener: Listener; closed: boolean }>();

  async createPayload(request: CreatePayloadRequest): Promise<CreatedPayloadView> {
    const error = this.createErrors.shift();
    if (error) throw error;
    if ([...this.payloads.values()].some((p) => p.identifier === request.identifier)) {
      throw xamanErrors.duplicate();
    }
    const uuid = randomUUID();
    this.created.push({ ...request, uuid });
    this.payloads.set(
      uuid,
      openPayload(uuid, request.identifier, {
        multisign: true,
        signers: [request.signer],
        account: typeof request.txjson.Account === 'string' ? request.txjson.Account : null,
      }),
    );
    if (this.duringCreate) await this.duringCreate();
    const signLink = this.signLinkFor(uuid);
    return { uuid, pushed: Boolean(request.userToken), signLink, qrPng: `${signLink}_q.png` };
  }

  /** Owner payloads created (account set-ups). */
  readonly ownerPayloads: (CreateOwnerPayloadRequest & { uuid: string })[] = [];

  async createOwnerPayload(request: CreateOwnerPayloadRequest): Promise<CreatedPayloadView> {
    const error = this.createErrors.shift();
    if (error) throw error;
    const uuid = randomUUID();
    this.ownerPayloads.push({ ...request, uuid });
    this.payloads.set(
      uuid,
      openPayload(uuid, request.identifier, {
        multisign: false,
        signers: [request.signer],
        account: request.signer,
      }),
    );
    const signLink = this.signLinkFor(uuid);
    return { uuid, pushed: false, signLink, qrPng: `${signLink}_q.png` };
  }

  /** SignIn payloads created (enrolments). */
  readonly signIns: (CreateSignInRequest & { uuid: string })[] = [];
  /** Tokens Xaman knows; a token no test scripted counts as active with no known expiry. */
  readonly userTokens = new Map<string, { active: boolean; expiresAt: Date | null }>();
  readonly verifyCalls: string[][] = [];
  /** Errors for the next verifyUserTokens calls. */
  readonly verifyErrors: Error[] = [];

  async createSignIn(request: CreateSignInRequest): Promise<CreatedPayloadView> {
    const error = this.createErrors.shift();
    if (error) throw error;
    const uuid = randomUUID();
    this.signIns.push({ ...request, uuid });
    this.payloads.set(
      uuid,
      openPayload(uuid, request.identifier, { multisign: false, signers: null, account: null }),
    );
    const signLink = this.signLinkFor(uuid);
    return { uuid, pushed: Boolean(request.userToken), signLink, qrPng: `${signLink}_q.png` };
  }

  async verifyUserTokens(tokens: string[]): Promise<UserTokenValidity[]> {
    this.verifyCalls.push([...tokens]);
    const error = this.verifyErrors.shift();
    if (error) throw error;
    return tokens.map((userToken) => ({
      userToken,
      ...(this.userTokens.get(userToken) ?? { active: true, expiresAt: null }),
    }));
  }

  deepLinkFor(uuid: string): string {
    return `xumm://xumm.app/sign/${uuid}`;
  }

  /** The signer signed a SignIn: Xaman holds the single-signed blob and the token it issued. */
  signIn(uuid: string, hex: string, account: string, issuedUserToken: string): void {
    this.update(uuid, {
      opened: true,
      resolved: true,
      signed: true,
      hex,
      txid: `TXID-${uuid}`,
      account,
      issuedUserToken,
      resolvedAt: new Date().toISOString(),
    });
  }

  async getPayload(uuid: string): Promise<PayloadView> {
    this.getPayloadCalls.push(uuid);
    // The answer is the payload as it was when asked; a gate only delays its arrival.
    const error = this.getErrors.shift();
    const payload = this.payloads.get(uuid);
    const answer = payload ? structuredClone(payload) : null;
    if (this.getGate) await this.getGate;
    if (error) throw error;
    if (!answer) throw xamanErrors.notFound();
    return answer;
  }

  async getPayloadByIdentifier(identifier: string): Promise<PayloadView | null> {
    const payload = [...this.payloads.values()].find((p) => p.identifier === identifier);
    return payload ? structuredClone(payload) : null;
  }

  signLinkFor(uuid: string): string {
    return `https://xaman.app/sign/${uuid}`;
  }

  async cancelPayload(uuid: string): Promise<{ cancelled: boolean; reason: CancelReason }> {
    this.cancelCalls.push(uuid);
    const scripted = this.cancelResults.shift();
    if (scripted instanceof Error) throw scripted;
    if (scripted) return scripted;
    const payload = this.payloads.get(uuid);
    if (!payload) throw xamanErrors.notFound();
    if (payload.cancelled) return { cancelled: false, reason: 'ALREADY_CANCELLED' };
    if (payload.resolved) return { cancelled: false, reason: 'ALREADY_RESOLVED' };
    if (payload.expired) return { cancelled: false, reason: 'ALREADY_EXPIRED' };
    if (payload.opened) return { cancelled: false, reason: 'ALREADY_OPENED' };
    this.update(uuid, { cancelled: true });
    return { cancelled: true, reason: 'OK' };
  }

  watchPayload(uuid: string, onChange: Listener): { close(): void } {
    const watch = { listener: onChange, closed: false };
    this.watchers.set(uuid, watch);
    return { close: () => (watch.closed = true) };
  }

  verifyWebhook(delivery: WebhookDelivery, now: Date): WebhookCheck {
    if (this.scriptedWebhookCheck) return this.scriptedWebhookCheck;
    const { timestampHeader, signatureHeader, rawBody } = delivery;
    if (!timestampHeader || !/^\d{1,12}$/.test(timestampHeader) || !signatureHeader || !rawBody) {
      return { ok: false, code: 'WEBHOOK_SIGNATURE_INVALID', message: 'Missing webhook signature headers.' };
    }
    const expected = Buffer.from(xamanWebhookSignature(this.apiSecret, timestampHeader, rawBody), 'hex');
    const given = Buffer.from(signatureHeader, 'hex');
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      return {
        ok: false,
        code: 'WEBHOOK_SIGNATURE_INVALID',
        message: 'The webhook signature does not match.',
      };
    }
    const timestamp = Number(timestampHeader);
    if (Math.abs(now.getTime() / 1000 - timestamp) > this.webhookMaxSkewSeconds) {
      return { ok: false, code: 'WEBHOOK_TIMESTAMP_STALE', message: 'The webhook timestamp is stale.' };
    }
    return { ok: true, timestamp };
  }

  // ---- what signers and the platform do

  /** The payload created for this signer (the latest one). */
  payloadFor(signer: string): PayloadView {
    const created = this.created.filter((c) => c.signer === signer).at(-1);
    const payload = created && this.payloads.get(created.uuid);
    if (!payload) throw new Error(`No payload was created for ${signer}`);
    return structuredClone(payload);
  }

  open(uuid: string): void {
    this.update(uuid, { opened: true });
  }

  /** The signer signed: Xaman holds the blob (and reports the signer as `multisign_account`). */
  sign(uuid: string, hex: string, multisignAccount?: string | null): void {
    const payload = this.payloads.get(uuid);
    this.update(uuid, {
      opened: true,
      resolved: true,
      signed: true,
      hex,
      txid: `TXID-${uuid}`,
      multisignAccount: multisignAccount === undefined ? (payload?.signers?.[0] ?? null) : multisignAccount,
      resolvedAt: new Date().toISOString(),
    });
  }

  reject(uuid: string): void {
    this.update(uuid, { opened: true, resolved: true, signed: false });
  }

  expire(uuid: string): void {
    this.update(uuid, { expired: true });
  }

  cancelAtXaman(uuid: string): void {
    this.update(uuid, { cancelled: true });
  }

  /** Xaman no longer knows the payload (404). */
  forget(uuid: string): void {
    this.payloads.delete(uuid);
  }

  fire(uuid: string, event: 'opened' | 'resolved' | 'expired'): void {
    const watch = this.watchers.get(uuid);
    if (!watch || watch.closed) throw new Error(`Nobody watches payload ${uuid}`);
    watch.listener(event);
  }

  /** A webhook delivery as Xaman sends it, signed with the application's secret. */
  webhook(
    payloadUuid: string,
    at: Date,
    options: { secret?: string; body?: unknown } = {},
  ): WebhookDelivery & { body: unknown; attemptHeader: string | undefined } {
    const body = options.body ?? { meta: { payload_uuidv4: payloadUuid } };
    const rawBody = Buffer.from(JSON.stringify(body));
    const timestampHeader = String(Math.floor(at.getTime() / 1000));
    return {
      body,
      rawBody,
      timestampHeader,
      signatureHeader: xamanWebhookSignature(options.secret ?? this.apiSecret, timestampHeader, rawBody),
      attemptHeader: '1',
    };
  }

  private update(uuid: string, fields: Partial<PayloadView>): void {
    const payload = this.payloads.get(uuid);
    if (!payload) throw new Error(`No payload ${uuid}`);
    this.payloads.set(uuid, { ...payload, ...fields });
  }
}
