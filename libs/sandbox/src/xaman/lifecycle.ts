/**
 * What ends a payload: expiry (timer or forced), cancellation by the application, and resolution
 * by a phone, each with the WebSocket messages, token changes and webhook it causes.
 */
import { randomUUID } from 'node:crypto';

import { XamanSandboxError } from './errors';
import type { PayloadStore } from './payload-store';
import { customMetaView, fillReturnUrl, metaView, type PayloadViews } from './payload-views';
import { isExpired, type Json, type PayloadRec, type ResponseRec, type UserRec } from './records';
import type { Runtime } from './runtime';
import type { XamanPayloadRecord } from './types';
import type { UserDirectory } from './users';
import type { WebhookSender } from './webhook-delivery';
import type { PayloadSockets } from './websocket';

export class PayloadLifecycle {
  constructor(
    private readonly runtime: Runtime,
    private readonly payloads: PayloadStore,
    private readonly views: PayloadViews,
    private readonly users: UserDirectory,
    private readonly sockets: PayloadSockets,
    private readonly webhooks: WebhookSender,
    private readonly resolveRaceMs: number,
  ) {}

  /** Publish `{"expired":true}` when expires_at passes (re-armed if expires_at moved). */
  scheduleExpiry(p: PayloadRec): void {
    this.runtime.cancelTimer(p.expiryTimer);
    p.expiryTimer = null;
    const arm = () => {
      const left = p.expiresAt - Date.now();
      p.expiryTimer = this.runtime.later(left, () => {
        p.expiryTimer = null;
        if (p.resolved || p.cancelled) return;
        if (!isExpired(p)) {
          arm();
          return;
        }
        this.runtime.log('payload expired', { uuid: p.uuid });
        this.sockets.publish(p, { expired: true });
      });
    };
    arm();
  }

  /** Move expires_at to now and publish `{"expired":true}`. */
  expire(uuid: string): XamanPayloadRecord {
    const p = this.payloads.get(uuid);
    if (p.resolved || p.resolving)
      throw new XamanSandboxError(409, 'ALREADY_RESOLVED', `Payload ${uuid} is already resolved`);
    if (p.cancelled) throw new XamanSandboxError(409, 'CANCELLED', `Payload ${uuid} was cancelled`);
    if (isExpired(p)) throw new XamanSandboxError(409, 'EXPIRED', `Payload ${uuid} is already expired`);
    p.expiresAt = Date.now();
    this.runtime.cancelTimer(p.expiryTimer);
    p.expiryTimer = null;
    this.sockets.publish(p, { expired: true });
    return this.views.record(p);
  }

  /** The platform's `DELETE payload/:uuid` answer; cancels only an unopened, live payload. */
  cancel(p: PayloadRec): Json {
    const metaBefore = { ...metaView(p), expired: true };
    const custom_meta = customMetaView(p);
    let reason: 'OK' | 'ALREADY_CANCELLED' | 'ALREADY_RESOLVED' | 'ALREADY_OPENED' | 'ALREADY_EXPIRED';
    if (p.cancelled) reason = 'ALREADY_CANCELLED';
    else if (p.resolved) reason = 'ALREADY_RESOLVED';
    else if (isExpired(p)) reason = 'ALREADY_EXPIRED';
    else if (p.appOpened) reason = 'ALREADY_OPENED';
    else reason = 'OK';
    if (reason === 'OK') {
      p.cancelled = true;
      p.expiresAt = Date.now();
      this.runtime.cancelTimer(p.expiryTimer);
      p.expiryTimer = null;
      this.runtime.cancelTimer(p.behaviourTimer);
      p.behaviourTimer = null;
      this.runtime.log('payload cancelled', { uuid: p.uuid });
    }
    return { result: { cancelled: reason === 'OK', reason }, meta: metaBefore, custom_meta };
  }

  /**
   * The app's resolve call: store the response, issue/extend the user token, publish the resolve
   * message, send the webhook. With `resolveRaceMs` > 0 the WebSocket message goes out first and the
   * state is stored `resolveRaceMs` later (the old backend's publish-before-UPDATE race, §5.1).
   */
  resolve(
    p: PayloadRec,
    signed: boolean,
    user: UserRec | null,
    signmethod: string | null,
    signedTx: Json | null,
    response: ResponseRec,
  ): void {
    const reference = randomUUID();
    this.runtime.cancelTimer(p.behaviourTimer);
    p.behaviourTimer = null;
    this.runtime.cancelTimer(p.expiryTimer);
    p.expiryTimer = null;
    const current = user?.token ? this.users.token(user.token) : undefined;
    const tokenTouched = user !== null && (signed || this.users.tokenActive(current));
    const fill = (url: string | null) => fillReturnUrl(url, p, response);
    const returnUrl = { app: fill(p.returnUrl.app), web: fill(p.returnUrl.web) };
    const message: Json = {
      payload_uuidv4: p.uuid,
      reference_call_uuidv4: reference,
      signed,
      user_token: tokenTouched,
      return_url: returnUrl,
      opened_by_deeplink: p.openedByDeeplink ?? false,
      custom_meta: customMetaView(p),
      ...(signed ? { txid: response.txid } : {}),
    };
    const commit = () => {
      p.resolving = false;
      p.resolved = true;
      p.signed = signed;
      p.signmethod = signmethod;
      p.response = response;
      p.signedTx = signedTx;
      p.resolvedByUserId = user?.id ?? null;
      p.referenceCallUuid = reference;
      const token = user ? this.users.issueOrExtendToken(user, p.uuid, signed) : null;
      p.userTokenTouched = token !== null;
      return token;
    };
    if (this.resolveRaceMs > 0) {
      p.resolving = true;
      this.sockets.publish(p, message);
      this.runtime.later(this.resolveRaceMs, () => {
        const t = commit();
        this.webhooks.sendResolve(p, signed, reference, returnUrl, response.txid, t);
      });
      return;
    }
    const token = commit();
    this.sockets.publish(p, message);
    this.webhooks.sendResolve(p, signed, reference, returnUrl, response.txid, token);
  }
}
