/**
 * Xaman platform sandbox: the subset of the Xaman (ex-XUMM) platform API that `xumm-sdk` uses, the
 * `/sign/:uuid` WebSocket, signed webhooks, simulated wallets with real keys and a control API.
 * Faithful to `../shared/reference/xaman-platform-api.md` (beside this repository); differences are listed in
 * docs/sandbox-xaman.md.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { decode, encode, TRANSACTION_TYPES } from 'ripple-binary-codec';
import { WebSocketServer, type WebSocket } from 'ws';
import { isValidClassicAddress, Wallet, xrpToDrops } from 'xrpl';
import { signPayloadTransaction } from './signing';
import {
  SANDBOX_XAMAN_API_KEY,
  SANDBOX_XAMAN_API_SECRET,
  SANDBOX_XAMAN_DEFAULT_PORT,
  XAMAN_WEBHOOK_RETRY_DELAYS_MS,
  type XamanBehaviour,
  type XamanPayloadRecord,
  type XamanSandbox,
  type XamanSandboxAccountInfo,
  type XamanSandboxAccountInput,
  type XamanSandboxCreateUserInput,
  type XamanSandboxFault,
  type XamanSandboxOpenOptions,
  type XamanSandboxOptions,
  type XamanSandboxRejectOptions,
  type XamanSandboxSignOptions,
  type XamanSandboxUserInfo,
  type XamanSandboxWsEvent,
} from './types';
import {
  XAMAN_WEBHOOK_SUCCESS_CODES,
  xamanWebhookSignature,
  type XamanWebhookBody,
  type XamanWebhookDelivery,
} from './webhook';

/** A refusal of the control API / in-process helpers: HTTP status + stable code. */
export class XamanSandboxError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'XamanSandboxError';
  }
}

type Json = Record<string, unknown>;

const UUID_ANY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** [BE2021] auth middleware and user_token check: UUIDv4, case-insensitive. */
const UUID_V4 = /^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/i;
const TXBLOB = /^[A-F0-9]{10,}$/;
const PSEUDO_TX_TYPES = ['SignIn', 'PaymentChannelAuthorize'];
const KNOWN_TX_TYPES = new Set<string>([...TRANSACTION_TYPES, ...PSEUDO_TX_TYPES]);
const MAX_TIMER_MS = 2_147_483_647;
const DAY_MS = 86_400_000;
const RIGHT_BACK = JSON.stringify({ message: 'Right back at you!' });

interface KeyRec {
  wallet: Wallet;
  seed: string;
}
interface AccountRec {
  address: string;
  master: KeyRec;
  regular: KeyRec | null;
}
interface UserRec {
  id: string;
  accounts: AccountRec[];
  behaviour: XamanBehaviour | null;
  token: string | null;
}
interface TokenRec {
  token: string;
  userId: string;
  /** unix seconds */
  issued: number;
  /** ms since epoch */
  expiresAt: number;
  /** The payload this token was last associated with (issued_user_token join, [BE2021]). */
  lastPayloadUuid: string | null;
}
interface ResponseRec {
  hex: string;
  txid: string;
  resolved_at: string;
  environment_nodeuri: string;
  environment_nodetype: string;
  environment_networkid: number;
  multisign_account: string;
  account: string;
  signer: string;
  signer_pubkey?: string;
  approved_with?: string;
  user: string;
}
interface PayloadRec {
  uuid: string;
  createdAt: number;
  expiresAt: number;
  txType: string;
  requestJson: Json;
  multisign: boolean;
  submit: boolean;
  pathfinding: boolean;
  pathfindingFallback: boolean;
  forceNetwork: string | null;
  signers: string[] | null;
  returnUrl: { app: string | null; web: string | null };
  customMeta: { identifier: string | null; blob: Record<string, unknown> | null; instruction: string | null };
  pushed: boolean;
  userId: string | null;
  cancelled: boolean;
  appOpened: boolean;
  openedAt: number | null;
  openedByDeeplink: boolean | null;
  origintype: string | null;
  signmethod: string | null;
  resolved: boolean;
  /** resolveRaceMs window: the resolve message is out, the state not yet stored. */
  resolving: boolean;
  signed: boolean;
  response: ResponseRec | null;
  signedTx: Json | null;
  resolvedByUserId: string | null;
  referenceCallUuid: string | null;
  userTokenTouched: boolean;
  apiOpenCount: number;
  wsEvents: XamanSandboxWsEvent[];
  expiryTimer: NodeJS.Timeout | null;
  behaviourTimer: NodeJS.Timeout | null;
}
interface FaultRec extends XamanSandboxFault {
  remaining: number;
}

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isoNoMs(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function parseBool(v: unknown, dflt: boolean): boolean {
  if (v === true || v === 1 || v === '1' || v === 'true') return true;
  if (v === false || v === 0 || v === '0' || v === 'false') return false;
  return dflt;
}

function hexToUtf8(v: unknown): unknown {
  if (typeof v !== 'string' || !/^([0-9A-Fa-f]{2})*$/.test(v)) return v;
  return Buffer.from(v, 'hex').toString('utf8');
}

function walletFromSeed(seed: string, field: string): KeyRec {
  try {
    return { wallet: Wallet.fromSeed(seed), seed };
  } catch {
    throw new XamanSandboxError(400, 'INVALID_SEED', `${field} is not a valid XRPL seed`);
  }
}

function generateKey(algorithm: 'ed25519' | 'secp256k1' | undefined): KeyRec {
  const wallet = Wallet.generate(
    algorithm === 'secp256k1' ? ('ecdsa-secp256k1' as never) : ('ed25519' as never),
  );
  return { wallet, seed: wallet.seed ?? '' };
}

/** A Xaman "soft" API error: `{"error":{"reference","code"}}` with an HTTP status. */
class SoftError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: number,
  ) {
    super(`Xaman API error ${code}`);
  }
}

export class XamanSandboxServer implements XamanSandbox {
  url = '';
  wsUrl = '';
  port = 0;
  readonly apiKey: string;
  readonly apiSecret: string;

  private readonly host: string;
  private readonly requestedPort: number;
  private readonly appName: string;
  private webhookUrl: string | null;
  private readonly retryDelays: readonly number[];
  private readonly webhookTimeoutMs: number;
  private rateLimit: number;
  private readonly keepaliveMs: number;
  private defaultBehaviour: XamanBehaviour;
  private readonly networkLabel: string;
  private readonly nodeUri: string;
  private readonly networkId: number;
  private readonly defaultExpireMinutes: number;
  private readonly tokenLifetimeMs: number;
  private readonly resolveRaceMs: number;
  private readonly publicUrl: string | null;
  private readonly logFn: (message: string, details?: Record<string, unknown>) => void;

  private readonly server: Server;
  private readonly wss: WebSocketServer;
  private readonly sockets = new Set<Socket>();
  private readonly users = new Map<string, UserRec>();
  private readonly tokens = new Map<string, TokenRec>();
  private readonly payloads = new Map<string, PayloadRec>();
  private readonly identifiers = new Map<string, string>();
  private readonly subscribers = new Map<string, Set<WebSocket>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly aborts = new Set<AbortController>();
  private readonly deliveries: XamanWebhookDelivery[] = [];
  private readonly callLog: number[] = [];
  private readonly faults: FaultRec[] = [];
  private closed = false;

  constructor(options: XamanSandboxOptions = {}) {
    this.host = options.host ?? '127.0.0.1';
    this.requestedPort = options.port ?? SANDBOX_XAMAN_DEFAULT_PORT;
    this.apiKey = options.apiKey ?? SANDBOX_XAMAN_API_KEY;
    this.apiSecret = options.apiSecret ?? SANDBOX_XAMAN_API_SECRET;
    for (const [name, v] of [
      ['apiKey', this.apiKey],
      ['apiSecret', this.apiSecret],
    ] as const) {
      if (!/^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/.test(v)) {
        throw new Error(`Xaman sandbox: ${name} must be a lowercase UUID (xumm-sdk refuses anything else)`);
      }
    }
    this.appName = options.appName ?? 'Xaman Sandbox App';
    this.webhookUrl = options.webhookUrl ?? null;
    this.retryDelays = options.webhookRetryDelaysMs ?? XAMAN_WEBHOOK_RETRY_DELAYS_MS;
    this.webhookTimeoutMs = options.webhookTimeoutMs ?? 15_000;
    this.rateLimit = options.rateLimitPerMinute ?? 0;
    this.keepaliveMs = options.keepaliveIntervalMs ?? 15_000;
    this.defaultBehaviour = options.defaultBehaviour ?? { action: 'ignore' };
    this.networkLabel = options.networkLabel ?? 'SANDBOX';
    this.nodeUri = options.nodeUri ?? 'ws://127.0.0.1:6006';
    this.networkId = options.networkId ?? 0;
    this.defaultExpireMinutes = options.defaultExpireMinutes ?? 1440;
    this.tokenLifetimeMs = options.userTokenLifetimeMs ?? 30 * DAY_MS;
    this.resolveRaceMs = options.resolveRaceMs ?? 0;
    this.publicUrl = options.publicUrl ? options.publicUrl.replace(/\/+$/, '') : null;
    this.logFn = options.log ?? (() => undefined);

    this.server = createServer((req, res) => {
      this.handleHttp(req, res).catch((err: unknown) => this.hardError(req, res, err));
    });
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.wss = new WebSocketServer({ noServer: true });
    this.server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      const m = /^\/sign\/([^/?#]+)\/?(?:\?.*)?$/.exec(req.url ?? '');
      if (!m?.[1]) {
        socket.destroy();
        return;
      }
      let uuid: string;
      try {
        uuid = decodeURIComponent(m[1]);
      } catch {
        socket.destroy();
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onWsConnection(ws, uuid));
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.requestedPort, this.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const addr = this.server.address() as AddressInfo;
    this.port = addr.port;
    const hostPart = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    this.url = `http://${hostPart}:${addr.port}`;
    this.wsUrl = `ws://${hostPart}:${addr.port}`;
    this.log('listening', { url: this.url });
    return this;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const p of this.payloads.values()) {
      if (p.expiryTimer) clearTimeout(p.expiryTimer);
      if (p.behaviourTimer) clearTimeout(p.behaviourTimer);
    }
    for (const a of this.aborts) a.abort();
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
  }

  /** Base of the links handed out (next.*, refs.*): publicUrl when set, else the listen URL. */
  private linkBase(): string {
    return this.publicUrl ?? this.url;
  }

  // ---------------------------------------------------------------- helpers: timers, log

  private log(message: string, details?: Record<string, unknown>): void {
    try {
      this.logFn(`[xaman-sandbox] ${message}`, details);
    } catch {
      /* a logger must never break the sandbox */
    }
  }

  private later(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(
      () => {
        this.timers.delete(t);
        if (!this.closed) fn();
      },
      Math.max(0, Math.min(ms, MAX_TIMER_MS)),
    );
    t.unref();
    this.timers.add(t);
    return t;
  }

  private cancelTimer(t: NodeJS.Timeout | null): void {
    if (t) {
      clearTimeout(t);
      this.timers.delete(t);
    }
  }

  // ---------------------------------------------------------------- users and tokens

  private nowSec(): number {
    return Math.floor(Date.now() / 1000);
  }

  private tokenActive(t: TokenRec | undefined): boolean {
    return !!t && Date.now() < t.expiresAt;
  }

  private findUser(userTokenOrId: string): UserRec {
    const byId = this.users.get(userTokenOrId);
    if (byId) return byId;
    const tok = this.tokens.get(userTokenOrId);
    const user = tok ? this.users.get(tok.userId) : undefined;
    if (!user)
      throw new XamanSandboxError(404, 'USER_NOT_FOUND', `No sandbox user with token or id ${userTokenOrId}`);
    return user;
  }

  private buildAccount(input: XamanSandboxAccountInput): AccountRec {
    const master = input.seed ? walletFromSeed(input.seed, 'seed') : generateKey(input.algorithm);
    const regular = input.regularKeySeed ? walletFromSeed(input.regularKeySeed, 'regularKeySeed') : null;
    return { address: master.wallet.classicAddress, master, regular };
  }

  private userOwning(address: string): UserRec | undefined {
    for (const u of this.users.values()) if (u.accounts.some((a) => a.address === address)) return u;
    return undefined;
  }

  private issueOrExtendToken(user: UserRec, payloadUuid: string | null, mint: boolean): TokenRec | null {
    const now = Date.now();
    const current = user.token ? this.tokens.get(user.token) : undefined;
    if (current && this.tokenActive(current)) {
      current.expiresAt = now + this.tokenLifetimeMs;
      if (payloadUuid) current.lastPayloadUuid = payloadUuid;
      return current;
    }
    if (!mint) return null;
    const rec: TokenRec = {
      token: randomUUID(),
      userId: user.id,
      issued: Math.floor(now / 1000),
      expiresAt: now + this.tokenLifetimeMs,
      lastPayloadUuid: payloadUuid,
    };
    this.tokens.set(rec.token, rec);
    user.token = rec.token;
    return rec;
  }

  private userInfo(user: UserRec): XamanSandboxUserInfo {
    const tok = user.token ? this.tokens.get(user.token) : undefined;
    const key = (k: KeyRec) => ({
      address: k.wallet.classicAddress,
      seed: k.seed,
      publicKey: k.wallet.publicKey,
    });
    return {
      userId: user.id,
      userToken: user.token,
      tokenActive: this.tokenActive(tok),
      tokenIssued: tok ? tok.issued : null,
      tokenExpires: tok ? Math.floor(tok.expiresAt / 1000) : null,
      accounts: user.accounts.map((a): XamanSandboxAccountInfo => ({
        ...key(a.master),
        regularKey: a.regular ? key(a.regular) : null,
      })),
      behaviour: { ...(user.behaviour ?? this.defaultBehaviour) },
    };
  }

  createUser(input: XamanSandboxCreateUserInput = {}): XamanSandboxUserInfo {
    const inputs = input.accounts && input.accounts.length > 0 ? input.accounts : [{}];
    const accounts = inputs.map((a) => this.buildAccount(a));
    for (const a of accounts) {
      if (this.userOwning(a.address)) {
        throw new XamanSandboxError(
          409,
          'ACCOUNT_TAKEN',
          `Account ${a.address} already belongs to a sandbox user`,
        );
      }
    }
    if (input.behaviour) this.checkBehaviour(input.behaviour);
    const user: UserRec = { id: randomUUID(), accounts, behaviour: input.behaviour ?? null, token: null };
    this.users.set(user.id, user);
    if (input.withToken !== false) this.issueOrExtendToken(user, null, true);
    this.log('user created', { userId: user.id, accounts: accounts.map((a) => a.address) });
    return this.userInfo(user);
  }

  addAccount(userTokenOrId: string, input: XamanSandboxAccountInput = {}): XamanSandboxUserInfo {
    const user = this.findUser(userTokenOrId);
    const account = this.buildAccount(input);
    if (this.userOwning(account.address)) {
      throw new XamanSandboxError(
        409,
        'ACCOUNT_TAKEN',
        `Account ${account.address} already belongs to a sandbox user`,
      );
    }
    user.accounts.push(account);
    return this.userInfo(user);
  }

  setRegularKey(userTokenOrId: string, address: string, regularKeySeed: string | null): XamanSandboxUserInfo {
    const user = this.findUser(userTokenOrId);
    const account = user.accounts.find((a) => a.address === address);
    if (!account)
      throw new XamanSandboxError(404, 'ACCOUNT_NOT_OWNED', `The user holds no account ${address}`);
    account.regular = regularKeySeed === null ? null : walletFromSeed(regularKeySeed, 'regularKeySeed');
    return this.userInfo(user);
  }

  listUsers(): XamanSandboxUserInfo[] {
    return [...this.users.values()].map((u) => this.userInfo(u));
  }

  getUser(userTokenOrId: string): XamanSandboxUserInfo {
    return this.userInfo(this.findUser(userTokenOrId));
  }

  private checkBehaviour(b: XamanBehaviour): void {
    if (!isRecord(b) || !['sign', 'reject', 'ignore'].includes(b.action)) {
      throw new XamanSandboxError(
        400,
        'INVALID_BODY',
        'behaviour.action must be "sign", "reject" or "ignore"',
      );
    }
    if (b.delayMs !== undefined && (typeof b.delayMs !== 'number' || !(b.delayMs >= 0))) {
      throw new XamanSandboxError(400, 'INVALID_BODY', 'behaviour.delayMs must be a number >= 0');
    }
  }

  setBehaviour(userTokenOrId: string, behaviour: XamanBehaviour): XamanSandboxUserInfo {
    const user = this.findUser(userTokenOrId);
    this.checkBehaviour(behaviour);
    user.behaviour = {
      action: behaviour.action,
      ...(behaviour.delayMs !== undefined ? { delayMs: behaviour.delayMs } : {}),
    };
    return this.userInfo(user);
  }

  setDefaultBehaviour(behaviour: XamanBehaviour): void {
    this.checkBehaviour(behaviour);
    this.defaultBehaviour = { ...behaviour };
  }

  expireUserToken(userTokenOrId: string): XamanSandboxUserInfo {
    const user = this.findUser(userTokenOrId);
    const tok = user.token ? this.tokens.get(user.token) : undefined;
    if (!tok) throw new XamanSandboxError(409, 'NO_TOKEN', 'The user has no token');
    tok.expiresAt = Math.min(tok.expiresAt, Date.now() - 1);
    return this.userInfo(user);
  }

  // ---------------------------------------------------------------- payload views

  private isExpired(p: PayloadRec, now = Date.now()): boolean {
    return now >= p.expiresAt;
  }

  private fillReturnUrl(url: string | null, p: PayloadRec, response = p.response): string | null {
    if (url === null) return null;
    return url
      .replace(/\{id\}/g, p.uuid)
      .replace(/\{cid\}/g, encodeURIComponent(p.customMeta.identifier ?? ''))
      .replace(/\{txid\}/g, response?.txid ?? '')
      .replace(/\{txblob\}/g, response?.hex ?? '');
  }

  private metaView(p: PayloadRec): Json {
    const destination = typeof p.requestJson.Destination === 'string' ? p.requestJson.Destination : '';
    return {
      exists: true,
      uuid: p.uuid,
      multisign: p.multisign,
      submit: p.submit,
      pathfinding: p.pathfinding,
      pathfinding_fallback: p.pathfindingFallback,
      ...(p.forceNetwork !== null ? { force_network: p.forceNetwork } : {}),
      destination,
      resolved_destination: destination,
      resolved: p.resolved,
      signed: p.signed,
      cancelled: p.cancelled,
      expired: this.isExpired(p),
      pushed: p.pushed,
      app_opened: p.appOpened,
      opened_by_deeplink: p.openedByDeeplink,
      immutable: false,
      forceAccount: false,
      return_url_app: this.fillReturnUrl(p.returnUrl.app, p),
      return_url_web: this.fillReturnUrl(p.returnUrl.web, p),
      is_xapp: false,
      signers: p.signers ? [...p.signers] : null,
    };
  }

  private customMetaView(p: PayloadRec): Json {
    return {
      identifier: p.customMeta.identifier,
      blob: p.customMeta.blob === null ? null : structuredClone(p.customMeta.blob),
      instruction: p.customMeta.instruction,
    };
  }

  private issuedUserToken(p: PayloadRec): string | null {
    for (const t of this.tokens.values()) if (t.lastPayloadUuid === p.uuid) return t.token;
    return null;
  }

  private platformView(p: PayloadRec): Json {
    const now = Date.now();
    const memos = p.requestJson.Memos;
    const computed = Array.isArray(memos)
      ? {
          Memos: memos.map((m: unknown) => {
            const memo = isRecord(m) && isRecord(m.Memo) ? m.Memo : {};
            const out: Json = {};
            for (const [k, v] of Object.entries(memo)) out[k] = hexToUtf8(v);
            return { Memo: out };
          }),
        }
      : undefined;
    const dt = p.requestJson.DestinationTag;
    const r = p.response;
    return {
      meta: this.metaView(p),
      application: {
        name: this.appName,
        description: 'Xaman platform sandbox application (SANDBOX, not the real Xaman platform)',
        disabled: 0,
        uuidv4: this.apiKey,
        icon_url: `${this.linkBase()}/sandbox/icon.png`,
        issued_user_token: this.issuedUserToken(p),
      },
      payload: {
        tx_type: p.txType,
        tx_destination: typeof p.requestJson.Destination === 'string' ? p.requestJson.Destination : '',
        tx_destination_tag: typeof dt === 'number' ? dt : null,
        request_json: structuredClone(p.requestJson),
        origintype: p.origintype,
        signmethod: p.signmethod,
        created_at: isoNoMs(p.createdAt),
        expires_at: isoNoMs(p.expiresAt),
        expires_in_seconds: Math.floor((p.expiresAt - now) / 1000),
        ...(computed ? { computed } : {}),
      },
      response: r
        ? {
            hex: r.hex,
            txid: r.txid,
            resolved_at: r.resolved_at,
            dispatched_to: '',
            dispatched_result: '',
            dispatched_nodetype: '',
            dispatched_to_node: false,
            environment_nodeuri: r.environment_nodeuri,
            environment_nodetype: r.environment_nodetype,
            environment_networkid: r.environment_networkid,
            multisign_account: r.multisign_account,
            account: r.account,
            signer: r.signer,
            ...(r.signer_pubkey !== undefined ? { signer_pubkey: r.signer_pubkey } : {}),
            ...(r.approved_with !== undefined ? { approved_with: r.approved_with } : {}),
            user: r.user,
          }
        : {
            hex: null,
            txid: null,
            resolved_at: null,
            dispatched_to: null,
            dispatched_result: null,
            dispatched_nodetype: null,
            dispatched_to_node: null,
            environment_nodeuri: null,
            environment_nodetype: null,
            environment_networkid: null,
            multisign_account: null,
            account: null,
            signer: null,
            user: null,
          },
      custom_meta: this.customMetaView(p),
    };
  }

  private record(p: PayloadRec): XamanPayloadRecord {
    return {
      uuid: p.uuid,
      platform: this.platformView(p),
      userId: p.userId,
      resolvedByUserId: p.resolvedByUserId,
      apiOpenCount: p.apiOpenCount,
      wsEvents: p.wsEvents.map((e) => ({ at: e.at, message: { ...e.message } })),
      signedTx: p.signedTx ? structuredClone(p.signedTx) : null,
    };
  }

  private getPayload(uuid: string): PayloadRec {
    const p = this.payloads.get(uuid);
    if (!p) throw new XamanSandboxError(404, 'PAYLOAD_NOT_FOUND', `No payload ${uuid}`);
    return p;
  }

  getPayloadRecord(uuid: string): XamanPayloadRecord {
    return this.record(this.getPayload(uuid));
  }

  listPayloadRecords(): XamanPayloadRecord[] {
    return [...this.payloads.values()].map((p) => this.record(p));
  }

  // ---------------------------------------------------------------- WebSocket

  private publish(p: PayloadRec, message: Json): void {
    p.wsEvents.push({ at: Date.now(), message });
    const text = JSON.stringify(message);
    for (const ws of this.subscribers.get(p.uuid) ?? []) {
      if (ws.readyState === ws.OPEN) ws.send(text);
    }
  }

  private onWsConnection(ws: WebSocket, uuid: string): void {
    ws.on('message', () => {
      if (ws.readyState === ws.OPEN) ws.send(RIGHT_BACK);
    });
    ws.on('error', () => undefined);
    const p = this.payloads.get(uuid);
    if (!p) {
      ws.send(JSON.stringify({ message: `Payload ${uuid} not found (Xaman sandbox)` }));
      ws.close(1000);
      return;
    }
    let set = this.subscribers.get(uuid);
    if (!set) {
      set = new Set();
      this.subscribers.set(uuid, set);
    }
    set.add(ws);
    ws.send(JSON.stringify({ message: `Welcome ${uuid}` }));
    if (p.resolved) {
      ws.send(JSON.stringify({ expired: true }));
    } else {
      const expiredAtConnect = this.isExpired(p);
      if (expiredAtConnect) ws.send(JSON.stringify({ expired: true }));
      const tick = () => {
        if (ws.readyState !== ws.OPEN || p.resolved) return;
        ws.send(JSON.stringify({ expires_in_seconds: Math.floor((p.expiresAt - Date.now()) / 1000) }));
      };
      if (!expiredAtConnect) tick();
      const iv = setInterval(tick, Math.max(1, this.keepaliveMs));
      iv.unref();
      ws.on('close', () => clearInterval(iv));
    }
    ws.on('close', () => {
      set.delete(ws);
      if (set.size === 0) this.subscribers.delete(uuid);
    });
  }

  private scheduleExpiry(p: PayloadRec): void {
    this.cancelTimer(p.expiryTimer);
    p.expiryTimer = null;
    const arm = () => {
      const left = p.expiresAt - Date.now();
      p.expiryTimer = this.later(left, () => {
        p.expiryTimer = null;
        if (p.resolved || p.cancelled) return;
        if (!this.isExpired(p)) {
          arm();
          return;
        }
        this.log('payload expired', { uuid: p.uuid });
        this.publish(p, { expired: true });
      });
    };
    arm();
  }

  // ---------------------------------------------------------------- phone actions

  /** Refusals the Xaman app applies before letting a user act on a payload. */
  private assertActionable(p: PayloadRec, allowLate: boolean): void {
    if (p.resolved || p.resolving)
      throw new XamanSandboxError(409, 'ALREADY_RESOLVED', `Payload ${p.uuid} is already resolved`);
    if (p.cancelled) throw new XamanSandboxError(409, 'CANCELLED', `Payload ${p.uuid} was cancelled`);
    if (this.isExpired(p)) {
      const openedInTime = p.openedAt !== null && p.openedAt < p.expiresAt;
      if (!(allowLate && openedInTime)) {
        throw new XamanSandboxError(409, 'EXPIRED', `Payload ${p.uuid} is expired`);
      }
    }
  }

  private resolveUser(
    p: PayloadRec,
    opts: { userToken?: string; seed?: string },
    required: boolean,
  ): UserRec | null {
    if (opts.userToken !== undefined) return this.findUser(opts.userToken);
    if (opts.seed !== undefined) {
      const key = walletFromSeed(opts.seed, 'seed');
      const owner = this.userOwning(key.wallet.classicAddress);
      if (owner) return owner;
      // A wallet the sandbox did not know scans the QR: it becomes a (token-less) sandbox user.
      const user: UserRec = {
        id: randomUUID(),
        accounts: [{ address: key.wallet.classicAddress, master: key, regular: null }],
        behaviour: null,
        token: null,
      };
      this.users.set(user.id, user);
      return user;
    }
    if (p.userId) {
      const u = this.users.get(p.userId);
      if (u) return u;
    }
    if (p.signers) {
      const owners = new Set<UserRec>();
      for (const s of p.signers) {
        const u = this.userOwning(s);
        if (u) owners.add(u);
      }
      if (owners.size === 1) return [...owners][0] ?? null;
    }
    if (!required) return null;
    throw new XamanSandboxError(
      400,
      'NO_USER',
      'The payload was not pushed to a sandbox user: give userToken (or seed) to say which wallet acts',
    );
  }

  private doOpen(p: PayloadRec, deeplink: boolean | undefined): void {
    const viaApp = deeplink ?? p.pushed;
    if (!p.appOpened) {
      p.appOpened = true;
      p.openedAt = Date.now();
      p.openedByDeeplink = viaApp;
      p.origintype = p.pushed && viaApp ? 'PUSH_NOTIFICATION' : viaApp ? 'DEEP_LINK' : 'QR';
    }
    this.publish(p, { opened: true });
  }

  open(uuid: string, options: XamanSandboxOpenOptions = {}): XamanPayloadRecord {
    const p = this.getPayload(uuid);
    this.assertActionable(p, false);
    if (options.userToken !== undefined) this.findUser(options.userToken);
    this.doOpen(p, options.deeplink);
    this.log('payload opened', { uuid });
    return this.record(p);
  }

  sign(uuid: string, options: XamanSandboxSignOptions = {}): XamanPayloadRecord {
    const p = this.getPayload(uuid);
    this.assertActionable(p, options.allowLate === true);
    const user = this.resolveUser(p, options, true);
    if (!user) throw new XamanSandboxError(400, 'NO_USER', 'No user');
    // Which account ("source" in Xaman) signs.
    const allowed = (a: AccountRec) =>
      !p.signers || p.signers.includes(a.address) || options.ignoreSigners === true;
    let account: AccountRec | undefined;
    if (options.account !== undefined) {
      account = user.accounts.find((a) => a.address === options.account);
      if (!account) {
        throw new XamanSandboxError(400, 'ACCOUNT_NOT_OWNED', `The user holds no account ${options.account}`);
      }
      if (!allowed(account)) {
        throw new XamanSandboxError(
          403,
          'SIGNER_NOT_ALLOWED',
          `${account.address} is not in the payload's options.signers (${(p.signers ?? []).join(', ')})`,
        );
      }
    } else {
      // Xaman's preselection (§6.1): only options.signers when set; otherwise the tx Account itself
      // when the user holds it (a multisig account signing for itself!), else the first account.
      const txAccount = p.requestJson.Account;
      account =
        (p.signers ? undefined : user.accounts.find((a) => a.address === txAccount)) ??
        user.accounts.find(allowed);
      if (!account) {
        throw new XamanSandboxError(
          403,
          'SIGNER_NOT_ALLOWED',
          `The user holds none of the payload's options.signers (${(p.signers ?? []).join(', ')})`,
        );
      }
    }
    let key: Wallet;
    if (options.keySeed !== undefined) key = walletFromSeed(options.keySeed, 'keySeed').wallet;
    else if (options.useRegularKey === true) {
      if (!account.regular) {
        throw new XamanSandboxError(
          400,
          'NO_REGULAR_KEY',
          `Account ${account.address} has no regular key in the sandbox`,
        );
      }
      key = account.regular.wallet;
    } else key = account.master.wallet;
    if (options.signAs !== undefined && !isValidClassicAddress(options.signAs)) {
      throw new XamanSandboxError(400, 'INVALID_BODY', 'signAs must be a classic address');
    }
    if (options.tamper !== undefined && !isRecord(options.tamper)) {
      throw new XamanSandboxError(400, 'INVALID_BODY', 'tamper must be an object of field overrides');
    }
    let blob;
    try {
      blob = signPayloadTransaction({
        requestJson: p.requestJson,
        multisign: p.multisign,
        sourceAddress: account.address,
        key,
        ...(options.signAs !== undefined ? { signAs: options.signAs } : {}),
        tamper: options.tamper,
      });
    } catch (err) {
      throw new XamanSandboxError(400, 'SIGN_FAILED', `Could not sign: ${(err as Error).message}`);
    }
    // From here on the payload changes.
    if (!p.appOpened) this.doOpen(p, options.deeplink);
    const signmethod = options.signmethod ?? 'BIOMETRIC';
    const networkId = typeof blob.tx.NetworkID === 'number' ? blob.tx.NetworkID : this.networkId;
    this.resolvePayload(p, true, user, signmethod, decode(blob.hex), {
      hex: blob.hex,
      txid: blob.txid,
      resolved_at: new Date().toISOString(),
      environment_nodeuri: this.nodeUri,
      environment_nodetype: this.networkLabel,
      environment_networkid: networkId,
      multisign_account: p.multisign ? (options.signAs ?? account.address) : '',
      account: blob.account,
      signer: account.address,
      signer_pubkey: blob.signingPubKey,
      approved_with: signmethod,
      user: user.id,
    });
    this.log('payload signed', { uuid, account: account.address, txid: blob.txid });
    return this.record(p);
  }

  reject(uuid: string, options: XamanSandboxRejectOptions = {}): XamanPayloadRecord {
    const p = this.getPayload(uuid);
    this.assertActionable(p, options.allowLate === true);
    const user = this.resolveUser(p, options, false);
    if (!p.appOpened) this.doOpen(p, options.deeplink);
    this.resolvePayload(p, false, user, null, null, {
      hex: '',
      txid: '',
      resolved_at: new Date().toISOString(),
      environment_nodeuri: this.nodeUri,
      environment_nodetype: this.networkLabel,
      environment_networkid: this.networkId,
      multisign_account: '',
      account: '',
      signer: '',
      user: user?.id ?? '',
    });
    this.log('payload rejected', { uuid });
    return this.record(p);
  }

  /**
   * The app's resolve call: store the response, issue/extend the user token, publish the resolve
   * message, send the webhook. With `resolveRaceMs` > 0 the WebSocket message goes out first and the
   * state is stored `resolveRaceMs` later (the old backend's publish-before-UPDATE race, §5.1).
   */
  private resolvePayload(
    p: PayloadRec,
    signed: boolean,
    user: UserRec | null,
    signmethod: string | null,
    signedTx: Json | null,
    response: ResponseRec,
  ): void {
    const reference = randomUUID();
    this.cancelTimer(p.behaviourTimer);
    p.behaviourTimer = null;
    this.cancelTimer(p.expiryTimer);
    p.expiryTimer = null;
    const current = user?.token ? this.tokens.get(user.token) : undefined;
    const tokenTouched = user !== null && (signed || this.tokenActive(current));
    const fill = (url: string | null) => this.fillReturnUrl(url, p, response);
    const returnUrl = { app: fill(p.returnUrl.app), web: fill(p.returnUrl.web) };
    const message: Json = {
      payload_uuidv4: p.uuid,
      reference_call_uuidv4: reference,
      signed,
      user_token: tokenTouched,
      return_url: returnUrl,
      opened_by_deeplink: p.openedByDeeplink ?? false,
      custom_meta: this.customMetaView(p),
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
      const token = user ? this.issueOrExtendToken(user, p.uuid, signed) : null;
      p.userTokenTouched = token !== null;
      return token;
    };
    if (this.resolveRaceMs > 0) {
      p.resolving = true;
      this.publish(p, message);
      this.later(this.resolveRaceMs, () => {
        const t = commit();
        this.sendResolveWebhook(p, signed, reference, returnUrl, response.txid, t);
      });
      return;
    }
    const token = commit();
    this.publish(p, message);
    this.sendResolveWebhook(p, signed, reference, returnUrl, response.txid, token);
  }

  private sendResolveWebhook(
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
        application_uuidv4: this.apiKey,
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
    this.deliverWebhook(p.uuid, this.webhookUrl, body, 1);
  }

  expire(uuid: string): XamanPayloadRecord {
    const p = this.getPayload(uuid);
    if (p.resolved || p.resolving)
      throw new XamanSandboxError(409, 'ALREADY_RESOLVED', `Payload ${uuid} is already resolved`);
    if (p.cancelled) throw new XamanSandboxError(409, 'CANCELLED', `Payload ${uuid} was cancelled`);
    if (this.isExpired(p)) throw new XamanSandboxError(409, 'EXPIRED', `Payload ${uuid} is already expired`);
    p.expiresAt = Date.now();
    this.cancelTimer(p.expiryTimer);
    p.expiryTimer = null;
    this.publish(p, { expired: true });
    return this.record(p);
  }

  private runBehaviour(p: PayloadRec, user: UserRec): void {
    const b = user.behaviour ?? this.defaultBehaviour;
    if (b.action === 'ignore') return;
    p.behaviourTimer = this.later(b.delayMs ?? 1000, () => {
      p.behaviourTimer = null;
      try {
        this.assertActionable(p, false);
        const userToken = user.id;
        this.doOpen(p, true);
        if (b.action === 'sign') this.sign(p.uuid, { userToken });
        else this.reject(p.uuid, { userToken });
      } catch (err) {
        this.log('behaviour could not act', {
          uuid: p.uuid,
          action: b.action,
          error: (err as Error).message,
        });
      }
    });
  }

  // ---------------------------------------------------------------- webhooks

  setWebhookUrl(url: string | null): void {
    this.webhookUrl = url;
  }

  webhookDeliveries(): XamanWebhookDelivery[] {
    return this.deliveries.map((d) => ({ ...d, headers: { ...d.headers } }));
  }

  private deliverWebhook(payloadUuid: string, url: string, data: XamanWebhookBody, attempt: number): void {
    const body = JSON.stringify(data);
    const timestamp = String(Math.round(Date.now() / 1000));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'xumm-webhook',
      'x-xumm-attempt': String(attempt),
      'x-xumm-payload': payloadUuid,
      'x-xumm-request-timestamp': timestamp,
      'x-xumm-request-signature': xamanWebhookSignature(this.apiSecret, timestamp, body),
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
    const timeout = this.later(this.webhookTimeoutMs, () => abort.abort());
    const done = (status: number | null, error?: string) => {
      this.cancelTimer(timeout);
      this.aborts.delete(abort);
      entry.status = status;
      entry.ok = status !== null && XAMAN_WEBHOOK_SUCCESS_CODES.includes(status);
      if (error !== undefined) entry.error = error;
      const delay = entry.ok ? undefined : this.retryDelays[attempt - 1];
      entry.retryInMs = delay ?? null;
      this.deliveries.push(entry);
      this.log('webhook attempt', { payloadUuid, attempt, status, error });
      if (delay === undefined || this.closed) return;
      this.later(delay, () => this.deliverWebhook(payloadUuid, url, data, attempt + 1));
    };
    fetch(url, { method: 'POST', headers, body, signal: abort.signal })
      .then(async (res) => {
        await res.arrayBuffer().catch(() => undefined);
        done(res.status);
      })
      .catch((err: unknown) => done(null, abort.signal.aborted ? 'timeout' : (err as Error).message));
  }

  // ---------------------------------------------------------------- faults and rate limit

  injectFault(fault: XamanSandboxFault): void {
    if (fault.shape !== 'soft' && fault.shape !== 'hard') {
      throw new XamanSandboxError(400, 'INVALID_BODY', 'fault.shape must be "soft" or "hard"');
    }
    this.faults.push({ ...fault, remaining: fault.count ?? 1 });
  }

  setRateLimit(perMinute: number): void {
    this.rateLimit = Math.max(0, Math.floor(perMinute));
    this.callLog.length = 0;
  }

  // ---------------------------------------------------------------- HTTP

  private send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(text)),
      'x-sandbox': 'xaman',
      ...headers,
    });
    res.end(text);
  }

  private softError(
    res: ServerResponse,
    httpStatus: number,
    code: number,
    headers?: Record<string, string>,
  ): void {
    this.send(res, httpStatus, { error: { reference: randomUUID(), code } }, headers);
  }

  private hardError(
    req: IncomingMessage,
    res: ServerResponse,
    err: unknown,
    headers?: Record<string, string>,
  ): void {
    this.log('hard error', { error: (err as Error)?.message });
    if (res.headersSent) {
      res.end();
      return;
    }
    this.send(
      res,
      500,
      {
        error: true,
        message: err instanceof Error ? err.message : String(err),
        reference: randomUUID(),
        code: 500,
        req: (req.url ?? '').split('?')[0],
        method: req.method ?? 'GET',
      },
      headers,
    );
  }

  private async readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      const b = chunk as Buffer;
      size += b.length;
      if (size > 2_000_000) throw new Error('Request body too large');
      chunks.push(b);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path.startsWith('/api/v1/platform/')) {
      await this.handlePlatform(req, res, path.slice('/api/v1/platform/'.length));
      return;
    }
    if (path === '/sandbox' || path.startsWith('/sandbox/')) {
      await this.handleControl(req, res, path);
      return;
    }
    const sign = /^\/sign\/([0-9a-f-]{36})(\/qr|_q\.png|_q\.json)?$/i.exec(path);
    if (sign?.[1] && req.method === 'GET' && !sign[2]) {
      this.signPage(res, sign[1]);
      return;
    }
    this.send(res, 404, { error: { reference: randomUUID(), code: 404 } });
  }

  private signPage(res: ServerResponse, uuid: string): void {
    const p = this.payloads.get(uuid);
    const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
    const state = p
      ? p.resolved
        ? p.signed
          ? 'signed'
          : 'rejected'
        : p.cancelled
          ? 'cancelled'
          : this.isExpired(p)
            ? 'expired'
            : 'open'
      : 'not found';
    const html =
      `<!doctype html><html><head><meta charset="utf-8"><title>Xaman SANDBOX sign request</title></head><body>` +
      `<h1>Xaman SANDBOX</h1><p>This is a simulated Xaman sign request, not the real Xaman platform.</p>` +
      `<p>Payload <code>${esc(uuid)}</code>: <b>${state}</b></p>` +
      (p
        ? `<pre>${esc(JSON.stringify(p.requestJson, null, 2))}</pre>` +
          `<p>Act as a simulated phone (control API <code>POST /sandbox/payloads/${esc(uuid)}/{open,sign,reject}</code>).` +
          ` User token (needed only when the payload was not pushed to a sandbox user):` +
          ` <input id="t" size="40"></p>` +
          `<p><button onclick="act('sign')">Sign</button> <button onclick="act('reject')">Reject</button></p>` +
          `<pre id="out"></pre>` +
          `<script>async function act(a){const t=document.getElementById('t').value.trim();` +
          `const r=await fetch('/sandbox/payloads/${esc(uuid)}/'+a,{method:'POST',headers:{'content-type':'application/json'},` +
          `body:JSON.stringify(t?{userToken:t,deeplink:false}:{deeplink:false})});` +
          `document.getElementById('out').textContent=r.status+' '+JSON.stringify((await r.json()).error||'done');}</script>`
        : '') +
      `</body></html>`;
    res.writeHead(p ? 200 : 404, { 'content-type': 'text/html; charset=utf-8', 'x-sandbox': 'xaman' });
    res.end(html);
  }

  // ------------------------------------------------ platform API

  private async handlePlatform(req: IncomingMessage, res: ServerResponse, sub: string): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const rawBody = method === 'GET' || method === 'HEAD' ? '' : await this.readBody(req);
    // Auth ([BE2021] middleware/auth/platform.js: every failure is HTTP 403).
    const key = req.headers['x-api-key'];
    const secret = req.headers['x-api-secret'];
    if (
      typeof key !== 'string' ||
      typeof secret !== 'string' ||
      !UUID_ANY.test(key) ||
      !UUID_ANY.test(secret)
    ) {
      this.softError(res, 403, 812);
      return;
    }
    if (key.toLowerCase() !== this.apiKey) {
      this.softError(res, 403, 811);
      return;
    }
    if (secret.toLowerCase() !== this.apiSecret) {
      this.softError(res, 403, 813);
      return;
    }
    // Rate limit: sliding minute per application.
    const now = Date.now();
    while (this.callLog.length > 0 && (this.callLog[0] ?? 0) <= now - 60_000) this.callLog.shift();
    const limit = this.rateLimit > 0 ? this.rateLimit : 999_999;
    if (this.rateLimit > 0 && this.callLog.length >= this.rateLimit) {
      const oldest = this.callLog[0] ?? now;
      this.softError(res, 429, 429, {
        'x-ratelimit-limit': String(limit),
        'x-ratelimit-remaining': '0',
        'retry-after': String(Math.max(1, Math.ceil((oldest + 60_000 - now) / 1000))),
      });
      return;
    }
    this.callLog.push(now);
    const headers = {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(0, limit - this.callLog.length)),
    };
    const first = sub.split('/')[0] ?? '';
    const fault = this.faults.find(
      (f) =>
        f.remaining > 0 &&
        (f.endpoint === undefined || f.endpoint === first) &&
        (f.method === undefined || f.method.toUpperCase() === method),
    );
    if (fault) {
      fault.remaining -= 1;
      if (fault.remaining <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
      if (fault.shape === 'hard') {
        this.hardError(req, res, new Error(fault.message ?? 'Sandbox injected fault'), headers);
      } else {
        const code = fault.code ?? 500;
        this.softError(res, fault.httpStatus ?? (code >= 400 && code < 600 ? code : 400), code, headers);
      }
      return;
    }
    try {
      const out = this.routePlatform(method, sub, rawBody);
      this.send(res, 200, out, headers);
    } catch (err) {
      if (err instanceof SoftError) this.softError(res, err.httpStatus, err.code, headers);
      else this.hardError(req, res, err, headers);
    }
  }

  private routePlatform(method: string, sub: string, rawBody: string): Json {
    if (sub === 'ping' && (method === 'GET' || method === 'POST')) {
      return {
        pong: true,
        auth: {
          quota: {},
          application: {
            uuidv4: this.apiKey,
            name: this.appName,
            webhookurl: this.webhookUrl ?? '',
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
      const uuid = this.identifiers.get(id);
      const p = uuid ? this.payloads.get(uuid) : undefined;
      if (!p) throw new SoftError(404, 404);
      return this.platformGet(p);
    }
    const m = /^payload\/([^/]+)$/.exec(sub);
    if (m?.[1]) {
      const p = this.payloads.get(m[1]);
      if (method === 'GET') {
        if (!p) throw new SoftError(404, 404);
        return this.platformGet(p);
      }
      if (method === 'DELETE') {
        if (!p) throw new SoftError(404, 404);
        return this.cancelPayload(p);
      }
    }
    if (sub === 'user-tokens' && method === 'POST') return this.userTokens(rawBody);
    throw new SoftError(404, 404);
  }

  private platformGet(p: PayloadRec): Json {
    if (!this.isExpired(p)) p.apiOpenCount += 1;
    const view = this.platformView(p);
    this.publish(p, { devapp_fetched: true });
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
    return {
      tokens: body.tokens.map((t: unknown) => {
        const tok = typeof t === 'string' ? this.tokens.get(t) : undefined;
        if (!tok) return { user_token: t, active: false };
        return {
          user_token: tok.token,
          active: this.tokenActive(tok),
          issued: tok.issued,
          expires: Math.floor(tok.expiresAt / 1000),
        };
      }),
    };
  }

  private cancelPayload(p: PayloadRec): Json {
    const metaBefore = { ...this.metaView(p), expired: true };
    const custom_meta = this.customMetaView(p);
    let reason: 'OK' | 'ALREADY_CANCELLED' | 'ALREADY_RESOLVED' | 'ALREADY_OPENED' | 'ALREADY_EXPIRED';
    if (p.cancelled) reason = 'ALREADY_CANCELLED';
    else if (p.resolved) reason = 'ALREADY_RESOLVED';
    else if (this.isExpired(p)) reason = 'ALREADY_EXPIRED';
    else if (p.appOpened) reason = 'ALREADY_OPENED';
    else reason = 'OK';
    if (reason === 'OK') {
      p.cancelled = true;
      p.expiresAt = Date.now();
      this.cancelTimer(p.expiryTimer);
      p.expiryTimer = null;
      this.cancelTimer(p.behaviourTimer);
      p.behaviourTimer = null;
      this.log('payload cancelled', { uuid: p.uuid });
    }
    return { result: { cancelled: reason === 'OK', reason }, meta: metaBefore, custom_meta };
  }

  private createPayload(rawBody: string): Json {
    let body: unknown;
    try {
      body = rawBody.trim() ? JSON.parse(rawBody) : undefined;
    } catch {
      throw new SoftError(400, 599);
    }
    if (!isRecord(body) || Object.keys(body).length === 0) throw new SoftError(400, 599);
    const hasJson = body.txjson !== undefined && body.txjson !== null;
    const hasBlob = body.txblob !== undefined && body.txblob !== null;
    if (hasJson && hasBlob) throw new SoftError(400, 604);
    let tx: Json;
    if (hasJson) {
      if (!isRecord(body.txjson)) throw new SoftError(400, 600);
      tx = structuredClone(body.txjson);
    } else {
      if (typeof body.txblob !== 'string' || !TXBLOB.test(body.txblob)) throw new SoftError(400, 600);
      try {
        tx = decode(body.txblob);
      } catch {
        throw new SoftError(400, 601);
      }
    }
    const txType = tx.TransactionType;
    if (typeof txType !== 'string' || !KNOWN_TX_TYPES.has(txType)) throw new SoftError(400, 602);
    // Normalisation as [BE2021] payload-post.js does it.
    if (typeof tx.Fee === 'number') tx.Fee = String(tx.Fee);
    if (isRecord(tx.Amount) && tx.Amount.currency === 'XRP' && !tx.Amount.issuer) {
      try {
        tx.Amount = xrpToDrops(String(tx.Amount.value));
      } catch {
        throw new SoftError(400, 603);
      }
    }
    if (txType === 'AccountDelete' && tx.Fee === undefined) tx.Fee = '5000000';
    if (!PSEUDO_TX_TYPES.includes(txType)) {
      try {
        encode(tx);
      } catch {
        throw new SoftError(400, 603);
      }
    }
    // custom_meta limits.
    const cm = isRecord(body.custom_meta) ? body.custom_meta : {};
    const identifier =
      typeof cm.identifier === 'string' || typeof cm.identifier === 'number' ? String(cm.identifier) : null;
    const instruction = typeof cm.instruction === 'string' ? cm.instruction : null;
    const blob = isRecord(cm.blob) || Array.isArray(cm.blob) ? (cm.blob as Record<string, unknown>) : null;
    if (identifier !== null && identifier.length > 40) throw new SoftError(400, 413);
    if (instruction !== null && instruction.replace(/\s+/g, ' ').trim().length > 280)
      throw new SoftError(400, 413);
    if (blob !== null && JSON.stringify(blob).length > 1500) throw new SoftError(400, 413);
    if (identifier !== null && this.identifiers.has(identifier)) throw new SoftError(400, 409);
    // Options.
    const o = isRecord(body.options) ? body.options : {};
    const isSignIn = txType === 'SignIn';
    const expireMin =
      typeof o.expire === 'number' || typeof o.expire === 'string' ? parseInt(String(o.expire), 10) : NaN;
    const minutes = Number.isFinite(expireMin) && expireMin > 0 ? expireMin : this.defaultExpireMinutes;
    const signers = Array.isArray(o.signers)
      ? o.signers.filter((s): s is string => typeof s === 'string' && s.length > 0)
      : typeof o.signers === 'string' && o.signers
        ? [o.signers]
        : [];
    const ru = isRecord(o.return_url) ? o.return_url : {};
    // user_token / push.
    const ut = typeof body.user_token === 'string' && UUID_V4.test(body.user_token) ? body.user_token : null;
    const tok = ut ? this.tokens.get(ut) : undefined;
    const pushed = this.tokenActive(tok);
    const now = Date.now();
    const p: PayloadRec = {
      uuid: randomUUID(),
      createdAt: now,
      expiresAt: now + minutes * 60_000,
      txType,
      requestJson: tx,
      multisign: isSignIn ? false : parseBool(o.multisign, false),
      submit: isSignIn ? false : parseBool(o.submit, true),
      pathfinding: parseBool(o.pathfinding, false),
      pathfindingFallback: parseBool(o.pathfinding_fallback, false),
      forceNetwork: typeof o.force_network === 'string' ? o.force_network : null,
      signers: signers.length > 0 ? signers : null,
      returnUrl: {
        app: typeof ru.app === 'string' ? ru.app : null,
        web: typeof ru.web === 'string' ? ru.web : null,
      },
      customMeta: { identifier, blob, instruction },
      pushed,
      userId: tok?.userId ?? null,
      cancelled: false,
      appOpened: false,
      openedAt: null,
      openedByDeeplink: null,
      origintype: null,
      signmethod: null,
      resolved: false,
      resolving: false,
      signed: false,
      response: null,
      signedTx: null,
      resolvedByUserId: null,
      referenceCallUuid: null,
      userTokenTouched: false,
      apiOpenCount: 0,
      wsEvents: [],
      expiryTimer: null,
      behaviourTimer: null,
    };
    this.payloads.set(p.uuid, p);
    if (identifier !== null) this.identifiers.set(identifier, p.uuid);
    this.scheduleExpiry(p);
    this.log('payload created', { uuid: p.uuid, txType, pushed, identifier });
    if (pushed && tok) {
      const user = this.users.get(tok.userId);
      if (user) this.runBehaviour(p, user);
    }
    const next = `${this.linkBase()}/sign/${p.uuid}`;
    return {
      uuid: p.uuid,
      next: { always: next, ...(pushed ? { no_push_msg_received: `${next}/qr` } : {}) },
      refs: {
        qr_png: `${this.linkBase()}/sign/${p.uuid}_q.png`,
        qr_matrix: `${this.linkBase()}/sign/${p.uuid}_q.json`,
        qr_uri_quality_opts: ['m', 'q', 'h'],
        websocket_status: `${this.linkBase().replace(/^http/, 'ws')}/sign/${p.uuid}`,
      },
      pushed,
    };
  }

  // ------------------------------------------------ control API

  private async handleControl(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    let body: Json = {};
    if (method !== 'GET' && method !== 'HEAD') {
      const raw = await this.readBody(req);
      if (raw.trim()) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw);
        } catch {
          this.send(res, 400, { error: { code: 'INVALID_JSON', message: 'Body is not JSON' } });
          return;
        }
        if (!isRecord(parsed)) {
          this.send(res, 400, { error: { code: 'INVALID_BODY', message: 'Body must be a JSON object' } });
          return;
        }
        body = parsed;
      }
    }
    try {
      const [status, out] = this.routeControl(method, path, body);
      this.send(res, status, out);
    } catch (err) {
      if (err instanceof XamanSandboxError) {
        this.send(res, err.status, { error: { code: err.code, message: err.message } });
      } else {
        this.send(res, 500, { error: { code: 'INTERNAL', message: (err as Error).message } });
      }
    }
  }

  private routeControl(method: string, path: string, body: Json): [number, unknown] {
    let seg: string[];
    try {
      seg = path.split('/').slice(2).map(decodeURIComponent);
    } catch {
      throw new XamanSandboxError(400, 'INVALID_PATH', 'Malformed percent-encoding in the path');
    }
    const str = (k: string): string | undefined => {
      const v = body[k];
      if (v === undefined || v === null) return undefined;
      if (typeof v !== 'string') throw new XamanSandboxError(400, 'INVALID_BODY', `${k} must be a string`);
      return v;
    };
    const bool = (k: string): boolean | undefined => {
      const v = body[k];
      if (v === undefined || v === null) return undefined;
      if (typeof v !== 'boolean') throw new XamanSandboxError(400, 'INVALID_BODY', `${k} must be a boolean`);
      return v;
    };
    const opt = <T>(k: string, v: T | undefined): Record<string, T> => (v === undefined ? {} : { [k]: v });
    const [a, b, c] = seg;
    if (seg.length === 0 && method === 'GET') {
      return [
        200,
        {
          sandbox: 'xaman',
          url: this.url,
          apiKey: this.apiKey,
          webhookUrl: this.webhookUrl,
          rateLimitPerMinute: this.rateLimit,
          defaultBehaviour: this.defaultBehaviour,
          payloads: this.payloads.size,
          users: this.users.size,
        },
      ];
    }
    if (a === 'users') {
      if (seg.length === 1 && method === 'POST') {
        const accounts = body.accounts;
        if (accounts !== undefined && !Array.isArray(accounts)) {
          throw new XamanSandboxError(
            400,
            'INVALID_BODY',
            'accounts must be an array of {seed?, regularKeySeed?}',
          );
        }
        const inputs: XamanSandboxAccountInput[] = (accounts ?? []).map((x: unknown) => {
          if (!isRecord(x))
            throw new XamanSandboxError(400, 'INVALID_BODY', 'each account must be an object');
          const out: XamanSandboxAccountInput = {};
          for (const k of ['seed', 'regularKeySeed'] as const) {
            const v = x[k];
            if (v !== undefined && v !== null) {
              if (typeof v !== 'string')
                throw new XamanSandboxError(400, 'INVALID_BODY', `${k} must be a string`);
              out[k] = v;
            }
          }
          if (x.algorithm === 'secp256k1' || x.algorithm === 'ed25519') out.algorithm = x.algorithm;
          return out;
        });
        const behaviour = isRecord(body.behaviour)
          ? (body.behaviour as unknown as XamanBehaviour)
          : undefined;
        const withToken = bool('withToken');
        return [
          201,
          this.createUser({
            accounts: inputs,
            ...opt('withToken', withToken),
            ...opt('behaviour', behaviour),
          }),
        ];
      }
      if (seg.length === 1 && method === 'GET') return [200, this.listUsers()];
      if (b !== undefined && seg.length === 2 && method === 'GET') return [200, this.getUser(b)];
      if (
        b !== undefined &&
        c === 'behaviour' &&
        seg.length === 3 &&
        (method === 'PUT' || method === 'POST')
      ) {
        return [200, this.setBehaviour(b, body as unknown as XamanBehaviour)];
      }
      if (b !== undefined && c === 'accounts' && seg.length === 3 && method === 'POST') {
        const input: XamanSandboxAccountInput = {};
        const seed = str('seed');
        const regularKeySeed = str('regularKeySeed');
        if (seed !== undefined) input.seed = seed;
        if (regularKeySeed !== undefined) input.regularKeySeed = regularKeySeed;
        if (body.algorithm === 'secp256k1' || body.algorithm === 'ed25519') input.algorithm = body.algorithm;
        return [201, this.addAccount(b, input)];
      }
      if (
        b !== undefined &&
        c === 'accounts' &&
        seg.length === 5 &&
        seg[4] === 'regular-key' &&
        method === 'PUT'
      ) {
        const seed = body.seed;
        if (seed !== null && typeof seed !== 'string') {
          throw new XamanSandboxError(400, 'INVALID_BODY', 'seed must be a seed string or null');
        }
        return [200, this.setRegularKey(b, seg[3] ?? '', seed)];
      }
      if (b !== undefined && c === 'expire-token' && seg.length === 3 && method === 'POST') {
        return [200, this.expireUserToken(b)];
      }
    }
    if (a === 'payloads') {
      if (seg.length === 1 && method === 'GET') return [200, this.listPayloadRecords()];
      if (b !== undefined && seg.length === 2 && method === 'GET') return [200, this.getPayloadRecord(b)];
      if (b !== undefined && seg.length === 3 && method === 'POST') {
        const common = {
          ...opt('userToken', str('userToken')),
          ...opt('deeplink', bool('deeplink')),
        };
        if (c === 'open') return [200, this.open(b, common)];
        if (c === 'expire') return [200, this.expire(b)];
        const late = { ...common, ...opt('seed', str('seed')), ...opt('allowLate', bool('allowLate')) };
        if (c === 'reject') return [200, this.reject(b, late)];
        if (c === 'sign') {
          const tamper = body.tamper;
          if (tamper !== undefined && tamper !== null && !isRecord(tamper)) {
            throw new XamanSandboxError(400, 'INVALID_BODY', 'tamper must be an object of field overrides');
          }
          const signmethod = str('signmethod');
          if (signmethod !== undefined && !['PIN', 'BIOMETRIC', 'PASSPHRASE', 'OTHER'].includes(signmethod)) {
            throw new XamanSandboxError(
              400,
              'INVALID_BODY',
              'signmethod must be PIN, BIOMETRIC, PASSPHRASE or OTHER',
            );
          }
          const options: XamanSandboxSignOptions = {
            ...late,
            ...opt('account', str('account')),
            ...opt('useRegularKey', bool('useRegularKey')),
            ...opt('signAs', str('signAs')),
            ...opt('keySeed', str('keySeed')),
            ...opt('ignoreSigners', bool('ignoreSigners')),
            ...(isRecord(tamper) ? { tamper } : {}),
            ...(signmethod !== undefined
              ? { signmethod: signmethod as XamanSandboxSignOptions['signmethod'] }
              : {}),
          };
          return [200, this.sign(b, options)];
        }
      }
    }
    if (a === 'webhooks' && seg.length === 1 && method === 'GET') return [200, this.webhookDeliveries()];
    if (a === 'webhook' && seg.length === 1 && method === 'PUT') {
      const url = body.url;
      if (url !== null && (typeof url !== 'string' || !/^https?:\/\//.test(url))) {
        throw new XamanSandboxError(400, 'INVALID_BODY', 'url must be an http(s) URL or null');
      }
      this.setWebhookUrl(url);
      return [200, { webhookUrl: this.webhookUrl }];
    }
    if (a === 'faults' && seg.length === 1 && method === 'POST') {
      this.injectFault(body as unknown as XamanSandboxFault);
      return [201, { faults: this.faults.length }];
    }
    if (a === 'rate-limit' && seg.length === 1 && method === 'PUT') {
      const n = body.perMinute;
      if (typeof n !== 'number' || n < 0)
        throw new XamanSandboxError(400, 'INVALID_BODY', 'perMinute must be >= 0');
      this.setRateLimit(n);
      return [200, { rateLimitPerMinute: this.rateLimit }];
    }
    if (a === 'behaviour' && seg.length === 1 && method === 'PUT') {
      this.setDefaultBehaviour(body as unknown as XamanBehaviour);
      return [200, { defaultBehaviour: this.defaultBehaviour }];
    }
    throw new XamanSandboxError(404, 'NOT_FOUND', `No control route ${method} ${path}`);
  }
}

/** Start the Xaman platform sandbox; resolves once it listens. */
export async function startXamanSandbox(options: XamanSandboxOptions = {}): Promise<XamanSandbox> {
  return new XamanSandboxServer(options).listen();
}
