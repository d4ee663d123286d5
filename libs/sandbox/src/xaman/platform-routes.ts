/**
 * The platform API `xumm-sdk` calls (`/api/v1/platform/*`): authentication, rate limit and
 * injected faults first, then ping, payload create / get / cancel and user-tokens.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { SoftError } from './errors';
import type { PlatformFaults } from './faults';
import { readBody, send, sendHardError, sendSoftError } from './http';
import type { PayloadLifecycle } from './lifecycle';
import type { Phones } from './phone';
import { readPayloadRequest } from './payload-request';
import type { PayloadStore } from './payload-store';
import type { PayloadViews } from './payload-views';
import { isExpired, isRecord, type Json, type PayloadRec } from './records';
import type { Runtime } from './runtime';
import type { UserDirectory } from './users';
import type { WebhookSender } from './webhook-delivery';
import type { PayloadSockets } from './websocket';

const UUID_ANY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface PlatformSettings {
  apiKey: string;
  apiSecret: string;
  appName: string;
  defaultExpireMinutes: number;
}

/** The parts of the sandbox the platform API reads and changes. */
export interface PlatformParts {
  payloads: PayloadStore;
  views: PayloadViews;
  users: UserDirectory;
  lifecycle: PayloadLifecycle;
  phones: Phones;
  faults: PlatformFaults;
  webhooks: WebhookSender;
  sockets: PayloadSockets;
}

export class PlatformApi {
  constructor(
    private readonly runtime: Runtime,
    private readonly settings: PlatformSettings,
    private readonly parts: PlatformParts,
  ) {}

  /** `sub` is the path after `/api/v1/platform/`. */
  async handle(req: IncomingMessage, res: ServerResponse, sub: string): Promise<void> {
    const log = this.runtime.log.bind(this.runtime);
    const method = (req.method ?? 'GET').toUpperCase();
    const rawBody = method === 'GET' || method === 'HEAD' ? '' : await readBody(req);
    // Auth ([BE2021] middleware/auth/platform.js: every failure is HTTP 403).
    const key = req.headers['x-api-key'];
    const secret = req.headers['x-api-secret'];
    if (
      typeof key !== 'string' ||
      typeof secret !== 'string' ||
      !UUID_ANY.test(key) ||
      !UUID_ANY.test(secret)
    ) {
      sendSoftError(res, 403, 812);
      return;
    }
    if (key.toLowerCase() !== this.settings.apiKey) {
      sendSoftError(res, 403, 811);
      return;
    }
    if (secret.toLowerCase() !== this.settings.apiSecret) {
      sendSoftError(res, 403, 813);
      return;
    }
    // Rate limit: sliding minute per application.
    const rate = this.parts.faults.admit();
    if (!rate.allowed) {
      sendSoftError(res, 429, 429, rate.headers);
      return;
    }
    const headers = rate.headers;
    const [endpoint = '', ...rest] = sub.split('/');
    const fault = this.parts.faults.take(endpoint, method, rest.join('/'));
    if (fault) {
      if (fault.shape === 'hang') {
        this.runtime.log('fault: call left unanswered', { method, endpoint: sub.split('/')[0] });
        return;
      }
      if (fault.shape === 'hard') {
        sendHardError(log, req, res, new Error(fault.message ?? 'Sandbox injected fault'), headers);
      } else {
        const code = fault.code ?? 500;
        sendSoftError(res, fault.httpStatus ?? (code >= 400 && code < 600 ? code : 400), code, headers);
      }
      return;
    }
    try {
      const out = this.route(method, sub, rawBody);
      send(res, 200, out, headers);
    } catch (err) {
      if (err instanceof SoftError) sendSoftError(res, err.httpStatus, err.code, headers);
      else sendHardError(log, req, res, err, headers);
    }
  }

  private route(method: string, sub: string, rawBody: string): Json {
    const { payloads, lifecycle } = this.parts;
    if (sub === 'ping' && (method === 'GET' || method === 'POST')) {
      return {
        pong: true,
        auth: {
          quota: {},
          application: {
            uuidv4: this.settings.apiKey,
            name: this.settings.appName,
            webhookurl: this.parts.webhooks.url ?? '',
            disabled: 0,
          },
          call: { uuidv4: randomUUID() },
        },
      };
    }
    if (sub === 'payload' && method === 'POST') return this.createPayload(rawBody);
    if (sub.startsWith('payload/ci/') && method === 'GET') {
      let id: string;
      try {
        id = decodeURIComponent(sub.slice('payload/ci/'.length));
      } catch {
        throw new SoftError(404, 404);
      }
      const p = payloads.byIdentifier(id);
      if (!p) throw new SoftError(404, 404);
      return this.getPayload(p);
    }
    const m = /^payload\/([^/]+)$/.exec(sub);
    if (m?.[1]) {
      const p = payloads.find(m[1]);
      if (method === 'GET') {
        if (!p) throw new SoftError(404, 404);
        return this.getPayload(p);
      }
      if (method === 'DELETE') {
        if (!p) throw new SoftError(404, 404);
        return lifecycle.cancel(p);
      }
    }
    if (sub === 'user-tokens' && method === 'POST') return this.userTokens(rawBody);
    throw new SoftError(404, 404);
  }

  private createPayload(rawBody: string): Json {
    const { payloads, users, lifecycle, phones } = this.parts;
    const { payload: p, token: tok } = readPayloadRequest(
      rawBody,
      payloads,
      users,
      this.settings.defaultExpireMinutes,
    );
    const pushed = p.pushed;
    payloads.add(p);
    lifecycle.scheduleExpiry(p);
    this.runtime.log('payload created', {
      uuid: p.uuid,
      txType: p.txType,
      pushed,
      identifier: p.customMeta.identifier,
    });
    if (pushed && tok) {
      const user = users.byId(tok.userId);
      if (user) phones.runBehaviour(p, user);
    }
    const base = this.runtime.linkBase();
    const next = `${base}/sign/${p.uuid}`;
    return {
      uuid: p.uuid,
      next: { always: next, ...(pushed ? { no_push_msg_received: `${next}/qr` } : {}) },
      refs: {
        qr_png: `${base}/sign/${p.uuid}_q.png`,
        qr_matrix: `${base}/sign/${p.uuid}_q.json`,
        qr_uri_quality_opts: ['m', 'q', 'h'],
        websocket_status: `${base.replace(/^http/, 'ws')}/sign/${p.uuid}`,
      },
      pushed,
    };
  }

  private getPayload(p: PayloadRec): Json {
    if (!isExpired(p)) p.apiOpenCount += 1;
    const view = this.parts.views.platform(p);
    this.parts.sockets.publish(p, { devapp_fetched: true });
    return view;
  }

  private userTokens(rawBody: string): Json {
    let body: unknown;
    try {
      body = rawBody ? JSON.parse(rawBody) : undefined;
    } catch {
      throw new SoftError(400, 599);
    }
    if (!isRecord(body) || !Array.isArray(body.tokens)) throw new SoftError(400, 599);
    const { users } = this.parts;
    return {
      tokens: body.tokens.map((t: unknown) => {
        const tok = typeof t === 'string' ? users.token(t) : undefined;
        if (!tok) return { user_token: t, active: false };
        return {
          user_token: tok.token,
          active: users.tokenActive(tok),
          issued: tok.issued,
          expires: Math.floor(tok.expiresAt / 1000),
        };
      }),
    };
  }
}
