/** Public types of the Xaman platform sandbox. See docs/sandbox-xaman.md. */
import type { XamanWebhookDelivery } from './webhook';

/**
 * Fixed, documented sandbox application credentials (lowercase UUIDs, as `xumm-sdk` requires).
 * They are only ever accepted by the sandbox; production configuration must never fall back to them.
 */
export const SANDBOX_XAMAN_API_KEY = '5a4d5a4d-0000-4000-8000-00000000a001';
export const SANDBOX_XAMAN_API_SECRET = '5a4d5a4d-0000-4000-8000-00000000a5ec';
export const SANDBOX_XAMAN_DEFAULT_PORT = 7001;
/** Xaman's webhook retry schedule: delays before attempts 2, 3, 4 and 5. */
export const XAMAN_WEBHOOK_RETRY_DELAYS_MS: readonly number[] = [10_000, 60_000, 600_000, 600_000];

export type XamanBehaviourAction = 'sign' | 'reject' | 'ignore';

/** What a simulated phone does when a payload is pushed to it. */
export interface XamanBehaviour {
  action: XamanBehaviourAction;
  /** Time between the push and the phone opening + resolving the payload. Default 1000 ms. */
  delayMs?: number;
}

export interface XamanSandboxOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 7001; 0 = a random free port. */
  port?: number;
  /** Application credentials (lowercase UUIDs). Default SANDBOX_XAMAN_API_KEY / SANDBOX_XAMAN_API_SECRET. */
  apiKey?: string;
  apiSecret?: string;
  /**
   * Base URL put in the links the platform hands out (`next.always`, `refs.*`; ws for
   * `refs.websocket_status`) when the sandbox is reached under another name (default: its listen URL).
   */
  publicUrl?: string;
  /** Application name shown in `ping` and `GET payload` (default "Xaman Sandbox App"). */
  appName?: string;
  /** Where resolve webhooks go; null/undefined = none. Can be changed later (setWebhookUrl). */
  webhookUrl?: string | null;
  /** Delays before webhook attempts 2..n. Default [10000, 60000, 600000, 600000] (Xaman's). */
  webhookRetryDelaysMs?: readonly number[];
  /** Per-attempt response timeout. Default 15000 ms (Xaman's). */
  webhookTimeoutMs?: number;
  /** Platform API calls per minute for the application (sliding minute); 0 = unlimited (default). */
  rateLimitPerMinute?: number;
  /** Interval of the WebSocket `{"expires_in_seconds":N}` keepalive. Default 15000 ms. */
  keepaliveIntervalMs?: number;
  /** Behaviour of users without their own behaviour. Default `{action:'ignore'}`. */
  defaultBehaviour?: XamanBehaviour;
  /** `response.environment_nodetype` of resolved payloads (default "SANDBOX"). */
  networkLabel?: string;
  /** `response.environment_nodeuri` (default "ws://127.0.0.1:6006", the ledger sandbox's default). */
  nodeUri?: string;
  /** `response.environment_networkid` when the transaction has no NetworkID (default 0). */
  networkId?: number;
  /** `options.expire` when a payload does not give one, in minutes (default 1440). */
  defaultExpireMinutes?: number;
  /** User token lifetime after the last interaction (default 30 days). */
  userTokenLifetimeMs?: number;
  /**
   * Reproduce the old backend's race (reference §5.1): publish the WebSocket resolve message this many
   * ms BEFORE the resolved state is stored (a GET right after `signed:true` may still show
   * `resolved:false`); the webhook follows the stored state. Default 0 (no race).
   */
  resolveRaceMs?: number;
  /** Optional logger for sandbox events (no logging by default). */
  log?: (message: string, details?: Record<string, unknown>) => void;
}

export interface XamanSandboxAccountInput {
  /** Family seed of the account's master key; generated when absent. */
  seed?: string;
  /** Seed of the account's regular key (e.g. matching a SetRegularKey done on the ledger sandbox). */
  regularKeySeed?: string;
  /** Key type when the seed is generated (default ed25519). */
  algorithm?: 'ed25519' | 'secp256k1';
}

export interface XamanSandboxCreateUserInput {
  /** Accounts the user holds in Xaman; default: one generated account. */
  accounts?: XamanSandboxAccountInput[];
  /** Issue a live user token now, as if the user signed in before (default true). */
  withToken?: boolean;
  /** Per-user behaviour; default: the sandbox default behaviour. */
  behaviour?: XamanBehaviour;
}

export interface XamanSandboxKeyInfo {
  address: string;
  seed: string;
  publicKey: string;
}

export interface XamanSandboxAccountInfo extends XamanSandboxKeyInfo {
  regularKey: XamanSandboxKeyInfo | null;
}

export interface XamanSandboxUserInfo {
  /** Stable id of the simulated user (also accepted wherever a user token is). */
  userId: string;
  /** The user's current token for the application (null if never issued). */
  userToken: string | null;
  tokenActive: boolean;
  /** Unix seconds. */
  tokenIssued: number | null;
  tokenExpires: number | null;
  accounts: XamanSandboxAccountInfo[];
  behaviour: XamanBehaviour;
}

export interface XamanSandboxOpenOptions {
  /** Which user opens it (token ever issued to the user, or userId). Default: the payload's user. */
  userToken?: string;
  /**
   * true: opened in the app (push / event list / deep link, `opened_by_deeplink: true`);
   * false: opened by scanning the QR of the web page (`opened_by_deeplink: false`).
   * Default: true when the payload was pushed, else false.
   */
  deeplink?: boolean;
}

export interface XamanSandboxRejectOptions extends XamanSandboxOpenOptions {
  /** Identify the rejecting wallet by an account seed instead of a user token. */
  seed?: string;
  /** Allow resolving after expiry when the payload was opened before it (docs: "open before, not resolve before"). */
  allowLate?: boolean;
}

export interface XamanSandboxSignOptions extends XamanSandboxRejectOptions {
  /** Which of the user's accounts signs; default: the first one the payload allows. */
  account?: string;
  /** Sign with the account's regular key instead of its master key. */
  useRegularKey?: boolean;
  /** Sign a modified transaction: field overrides applied before signing (`null` deletes a field). */
  tamper?: Record<string, unknown>;
  /** TEST-ONLY wallet misbehaviour: put this address in `Signer.Account` (multisign). */
  signAs?: string;
  /** TEST-ONLY wallet misbehaviour: sign with this seed's key instead of the account's own keys. */
  keySeed?: string;
  /** TEST-ONLY wallet misbehaviour: ignore `options.signers` (the real app refuses). */
  ignoreSigners?: boolean;
  /** `payload.signmethod` / `response.approved_with` (default BIOMETRIC). */
  signmethod?: 'PIN' | 'BIOMETRIC' | 'PASSPHRASE' | 'OTHER';
}

export interface XamanSandboxFault {
  /**
   * 'soft' = `{"error":{"reference","code"}}`, 'hard' = `{"error":true,"message",...}` (HTTP 500),
   * 'hang' = no answer at all and nothing done (the connection stays open until the client gives up or
   * the sandbox closes): a call that times out, or holds its caller in place.
   */
  shape: 'soft' | 'hard' | 'hang';
  /** Soft error code (default 500). */
  code?: number;
  /** HTTP status of a soft error (default: `code` when it is 400–599, else 400). Hard errors are always 500. */
  httpStatus?: number;
  /** Hard error message (default "Sandbox injected fault"). */
  message?: string;
  /** Only calls whose first path segment is this (e.g. "payload", "user-tokens", "ping"). */
  endpoint?: string;
  /** Only calls with this HTTP method. */
  method?: string;
  /** Only calls about this resource: the path after the endpoint (e.g. a payload's uuid). */
  target?: string;
  /** How many matching calls fail (default 1). */
  count?: number;
}

/** A WebSocket message published for a payload (sandbox log, for assertions). */
export interface XamanSandboxWsEvent {
  at: number;
  message: Record<string, unknown>;
}

/** Everything the sandbox knows about a payload (for tests). */
export interface XamanPayloadRecord {
  uuid: string;
  /** Exactly what `GET /api/v1/platform/payload/:uuid` answers now (without side effects). */
  platform: Record<string, unknown>;
  /** The user the payload was addressed to by `user_token` (even if the token was not valid). */
  userId: string | null;
  /** The user who resolved it. */
  resolvedByUserId: string | null;
  /** Number of platform GETs while not expired. */
  apiOpenCount: number;
  /** WebSocket messages published for it (welcome/keepalive/replies excluded). */
  wsEvents: XamanSandboxWsEvent[];
  /** The transaction that was signed (decoded response.hex), when signed. */
  signedTx: Record<string, unknown> | null;
}

export interface XamanSandbox {
  /** http://host:port */
  readonly url: string;
  /** ws://host:port */
  readonly wsUrl: string;
  readonly port: number;
  readonly apiKey: string;
  readonly apiSecret: string;
  close(): Promise<void>;

  createUser(input?: XamanSandboxCreateUserInput): XamanSandboxUserInfo;
  getUser(userTokenOrId: string): XamanSandboxUserInfo;
  listUsers(): XamanSandboxUserInfo[];
  /** Give the user one more account (generated when no seed). */
  addAccount(userTokenOrId: string, input?: XamanSandboxAccountInput): XamanSandboxUserInfo;
  /** Set (seed) or remove (null) the regular key the wallet holds for one of the user's accounts. */
  setRegularKey(userTokenOrId: string, address: string, regularKeySeed: string | null): XamanSandboxUserInfo;
  setBehaviour(userTokenOrId: string, behaviour: XamanBehaviour): XamanSandboxUserInfo;
  setDefaultBehaviour(behaviour: XamanBehaviour): void;
  /** Make the user's current token expire now (as 30 days without interaction would). */
  expireUserToken(userTokenOrId: string): XamanSandboxUserInfo;

  open(uuid: string, options?: XamanSandboxOpenOptions): XamanPayloadRecord;
  sign(uuid: string, options?: XamanSandboxSignOptions): XamanPayloadRecord;
  /** `sign` in two steps: the signature now, the payload's resolution when the result is called. */
  prepareSign(uuid: string, options?: XamanSandboxSignOptions): () => XamanPayloadRecord;
  reject(uuid: string, options?: XamanSandboxRejectOptions): XamanPayloadRecord;
  /** Move expires_at to now and publish `{"expired":true}`. */
  expire(uuid: string): XamanPayloadRecord;
  getPayloadRecord(uuid: string): XamanPayloadRecord;
  listPayloadRecords(): XamanPayloadRecord[];

  setWebhookUrl(url: string | null): void;
  /** Every webhook HTTP attempt so far, in order. */
  webhookDeliveries(): XamanWebhookDelivery[];
  /** Make the next matching platform API call(s) fail with a Xaman error shape. */
  injectFault(fault: XamanSandboxFault): void;
  setRateLimit(perMinute: number): void;
}
