/**
 * Xaman platform sandbox: the subset of the Xaman (ex-XUMM) platform API that `xumm-sdk` uses, the
 * `/sign/:uuid` WebSocket, signed webhooks, simulated wallets with real keys and a control API.
 * Faithful to `../shared/reference/xaman-platform-api.md` (beside this repository); differences are listed in
 * docs/sandbox-xaman.md.
 *
 * This file is the public handle: it builds the parts, routes HTTP to them and delegates the
 * `XamanSandbox` methods. The parts: `users.ts` (users, wallets, tokens, behaviours),
 * `payload-store.ts` and `payload-views.ts` (payloads and how they look from outside),
 * `payload-request.ts` (reading a create request), `lifecycle.ts` (expiry, cancel, resolution),
 * `phone.ts` (open/sign/reject as a phone), `platform-routes.ts` and `control-routes.ts` (the two
 * HTTP APIs), `websocket.ts`, `webhook-delivery.ts`, `faults.ts` (faults and rate limit),
 * `sign-page.ts`, with `runtime.ts` (settings, log, timers) and `http.ts` shared.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { handleControlRequest, type ControlStatus } from './control-routes';
import { PlatformFaults } from './faults';
import { send, sendHardError } from './http';
import { PayloadLifecycle } from './lifecycle';
import { Phones } from './phone';
import { PlatformApi } from './platform-routes';
import { PayloadStore } from './payload-store';
import { PayloadViews } from './payload-views';
import { resolveSettings, Runtime, type XamanSettings } from './runtime';
import { sendSignPage } from './sign-page';
import type {
  XamanBehaviour,
  XamanPayloadRecord,
  XamanSandbox,
  XamanSandboxAccountInput,
  XamanSandboxCreateUserInput,
  XamanSandboxFault,
  XamanSandboxOpenOptions,
  XamanSandboxOptions,
  XamanSandboxRejectOptions,
  XamanSandboxSignOptions,
  XamanSandboxUserInfo,
} from './types';
import { UserDirectory } from './users';
import type { XamanWebhookDelivery } from './webhook';
import { WebhookSender } from './webhook-delivery';
import { PayloadSockets } from './websocket';

export { XamanSandboxError } from './errors';

export class XamanSandboxServer implements XamanSandbox {
  url = '';
  wsUrl = '';
  port = 0;
  readonly apiKey: string;
  readonly apiSecret: string;

  private readonly settings: XamanSettings;
  private readonly runtime: Runtime;
  private readonly users: UserDirectory;
  private readonly payloads = new PayloadStore();
  private readonly views: PayloadViews;
  private readonly sockets: PayloadSockets;
  private readonly webhooks: WebhookSender;
  private readonly faults: PlatformFaults;
  private readonly lifecycle: PayloadLifecycle;
  private readonly phones: Phones;
  private readonly platform: PlatformApi;
  private readonly server: Server;
  private readonly connections = new Set<Socket>();

  constructor(options: XamanSandboxOptions = {}) {
    const settings = resolveSettings(options);
    this.settings = settings;
    this.apiKey = settings.apiKey;
    this.apiSecret = settings.apiSecret;
    this.runtime = new Runtime(settings);
    this.users = new UserDirectory(this.runtime, settings.tokenLifetimeMs, settings.defaultBehaviour);
    this.views = new PayloadViews(settings, this.runtime, this.users);
    this.sockets = new PayloadSockets(this.payloads, settings.keepaliveMs);
    this.webhooks = new WebhookSender(this.runtime, settings, settings.webhookUrl);
    this.faults = new PlatformFaults(settings.rateLimit);
    this.lifecycle = new PayloadLifecycle(
      this.runtime,
      this.payloads,
      this.views,
      this.users,
      this.sockets,
      this.webhooks,
      settings.resolveRaceMs,
    );
    this.phones = new Phones(
      this.runtime,
      this.payloads,
      this.views,
      this.users,
      this.sockets,
      this.lifecycle,
      settings,
    );
    this.platform = new PlatformApi(this.runtime, settings, {
      payloads: this.payloads,
      views: this.views,
      users: this.users,
      lifecycle: this.lifecycle,
      phones: this.phones,
      faults: this.faults,
      webhooks: this.webhooks,
      sockets: this.sockets,
    });

    this.server = createServer((req, res) => {
      this.handleHttp(req, res).catch((err: unknown) =>
        sendHardError(this.runtime.log.bind(this.runtime), req, res, err),
      );
    });
    this.server.on('connection', (s: Socket) => {
      this.connections.add(s);
      s.on('close', () => this.connections.delete(s));
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) =>
      this.sockets.handleUpgrade(req, socket, head),
    );
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.settings.port, this.settings.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const addr = this.server.address() as AddressInfo;
    this.port = addr.port;
    const hostPart = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    this.url = `http://${hostPart}:${addr.port}`;
    this.wsUrl = `ws://${hostPart}:${addr.port}`;
    this.runtime.url = this.url;
    this.runtime.log('listening', { url: this.url });
    return this;
  }

  async close(): Promise<void> {
    if (this.runtime.closed) return;
    this.runtime.shutdown();
    for (const p of this.payloads.all()) {
      if (p.expiryTimer) clearTimeout(p.expiryTimer);
      if (p.behaviourTimer) clearTimeout(p.behaviourTimer);
    }
    this.webhooks.abortAll();
    await this.sockets.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.connections) s.destroy();
    });
  }

  private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path.startsWith('/api/v1/platform/')) {
      await this.platform.handle(req, res, path.slice('/api/v1/platform/'.length));
      return;
    }
    if (path === '/sandbox' || path.startsWith('/sandbox/')) {
      await handleControlRequest(req, res, path, {
        sandbox: this,
        status: () => this.controlStatus(),
      });
      return;
    }
    const sign = /^\/sign\/([0-9a-f-]{36})(\/qr|_q\.png|_q\.json)?$/i.exec(path);
    if (sign?.[1] && req.method === 'GET' && !sign[2]) {
      sendSignPage(res, sign[1], this.payloads.find(sign[1]));
      return;
    }
    send(res, 404, { error: { reference: randomUUID(), code: 404 } });
  }

  private controlStatus(): ControlStatus {
    return {
      webhookUrl: this.webhooks.url,
      rateLimitPerMinute: this.faults.rateLimit,
      defaultBehaviour: this.users.defaultBehaviour,
      payloads: this.payloads.size,
      users: this.users.size,
      faults: this.faults.pending,
    };
  }

  // ---------------------------------------------------------------- users and wallets

  createUser(input: XamanSandboxCreateUserInput = {}): XamanSandboxUserInfo {
    return this.users.createUser(input);
  }

  addAccount(userTokenOrId: string, input: XamanSandboxAccountInput = {}): XamanSandboxUserInfo {
    return this.users.addAccount(userTokenOrId, input);
  }

  setRegularKey(userTokenOrId: string, address: string, regularKeySeed: string | null): XamanSandboxUserInfo {
    return this.users.setRegularKey(userTokenOrId, address, regularKeySeed);
  }

  listUsers(): XamanSandboxUserInfo[] {
    return this.users.listUsers();
  }

  getUser(userTokenOrId: string): XamanSandboxUserInfo {
    return this.users.getUser(userTokenOrId);
  }

  setBehaviour(userTokenOrId: string, behaviour: XamanBehaviour): XamanSandboxUserInfo {
    return this.users.setBehaviour(userTokenOrId, behaviour);
  }

  setDefaultBehaviour(behaviour: XamanBehaviour): void {
    this.users.setDefaultBehaviour(behaviour);
  }

  expireUserToken(userTokenOrId: string): XamanSandboxUserInfo {
    return this.users.expireUserToken(userTokenOrId);
  }

  // ---------------------------------------------------------------- payloads and phones

  getPayloadRecord(uuid: string): XamanPayloadRecord {
    return this.views.record(this.payloads.get(uuid));
  }

  listPayloadRecords(): XamanPayloadRecord[] {
    return this.payloads.all().map((p) => this.views.record(p));
  }

  open(uuid: string, options: XamanSandboxOpenOptions = {}): XamanPayloadRecord {
    return this.phones.open(uuid, options);
  }

  sign(uuid: string, options: XamanSandboxSignOptions = {}): XamanPayloadRecord {
    return this.phones.sign(uuid, options);
  }

  prepareSign(uuid: string, options: XamanSandboxSignOptions = {}): () => XamanPayloadRecord {
    return this.phones.prepareSign(uuid, options);
  }

  reject(uuid: string, options: XamanSandboxRejectOptions = {}): XamanPayloadRecord {
    return this.phones.reject(uuid, options);
  }

  expire(uuid: string): XamanPayloadRecord {
    return this.lifecycle.expire(uuid);
  }

  // ---------------------------------------------------------------- webhooks, faults, rate limit

  setWebhookUrl(url: string | null): void {
    this.webhooks.setUrl(url);
  }

  webhookDeliveries(): XamanWebhookDelivery[] {
    return this.webhooks.list();
  }

  injectFault(fault: XamanSandboxFault): void {
    this.faults.inject(fault);
  }

  setRateLimit(perMinute: number): void {
    this.faults.setRateLimit(perMinute);
  }
}

/** Start the Xaman platform sandbox; resolves once it listens. */
export async function startXamanSandbox(options: XamanSandboxOptions = {}): Promise<XamanSandbox> {
  return new XamanSandboxServer(options).listen();
}
