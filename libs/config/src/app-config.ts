export const NETWORK_NAMES = ['mainnet', 'testnet', 'devnet', 'sandbox'] as const;
export type NetworkName = (typeof NETWORK_NAMES)[number];

/** A network name: the four above or a custom one (`XRPL_NETWORKS`). */
export const NETWORK_NAME_PATTERN = /^[a-z][a-z0-9-]{1,30}$/;

/** One served network and its own ledger connection. */
export interface NetworkConfig {
  name: string;
  url: string;
  /** The NetworkID the deployment expects (null: not configured, the default network). */
  networkId: number | null;
  /** Xaman `force_network` for its payloads; null: none (the sandbox network). */
  forceNetwork: string | null;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
/** `json`: one JSON object a line (production); `pretty`: human-readable lines (`npm start`). */
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Everything the processes need, validated once at boot. Nothing else reads the environment. */
export interface AppConfig {
  http: {
    host: string;
    port: number;
    /** Requests per minute per API key (per IP without one), on every throttled route. */
    rateLimitPerMinute: number;
    /** `POST /v1/proposals` per minute per API key: each one pushes a request to every signer's phone. */
    proposalRateLimitPerMinute: number;
  };
  database: { url: string; poolSize: number };
  log: { level: LogLevel; format: LogFormat };
  xrpl: {
    /** The network this deployment serves; accounts must name it. */
    network: NetworkName;
    url: string;
    /**
     * Every served network, the default one (XRPL_NETWORK, XRPL_URL) first, then XRPL_NETWORKS.
     * Each has its own ledger connection; an account names its network.
     */
    networks: NetworkConfig[];
    /** The fastest ledger close rate expected (seconds): sizes LastLedgerSequence for a deadline. */
    minSecondsPerLedger: number;
    /** How long one XRPL request may take before the server counts as unavailable. */
    requestTimeoutMs: number;
    /** Fee = base x load x cushion x (1 + signatures), never above maxFeeDrops. */
    feeCushion: number;
    maxFeeDrops: number;
  };
  xaman: {
    apiKey: string;
    apiSecret: string;
    /** Base URL of the Xaman platform (https://xumm.app, or a sandbox). */
    endpoint: string;
    /** Webhooks whose timestamp is further than this from now are refused. */
    webhookMaxSkewSeconds: number;
    /** Minutes a sign request stays open in Xaman when the proposal does not say. */
    defaultExpireMinutes: number;
    /** One Xaman platform call; longer is a retryable failure. */
    requestTimeoutMs: number;
    /** The polling fallback re-reads an open payload at most this often. */
    pollIntervalMs: number;
    /** Minutes a signer enrolment (SignIn payload) stays open. */
    enrolmentExpireMinutes: number;
    /** A user_token with less than this many days left is flagged on its account (and audited once). */
    tokenExpiryWarningDays: number;
  };
  security: {
    /** AES-256-GCM key for user_tokens at rest (32 bytes). */
    tokenEncryptionKey: Buffer;
  };
  worker: {
    /** How often the worker looks for work (expiry, reconciliation, submission). */
    tickMs: number;
    /** How often every account's SignerList and signer keys are re-read (drift detection). */
    signerListCheckMs: number;
    /** How often every account's validated transactions are scanned for ones sent outside the service. */
    txScanMs: number;
    /** How often webhook receipts older than a day are deleted. */
    pruneIntervalMs: number;
    /** How often every stored user_token is verified at Xaman (expiry, revocation). */
    userTokenCheckMs: number;
  };
  /** Outbound webhooks to integrators (Standard Webhooks, from the PostgreSQL outbox). */
  webhooks: {
    /** How often the worker sends due deliveries. */
    deliveryIntervalMs: number;
    /** One HTTP attempt; longer is a failure. */
    timeoutMs: number;
    /** Back-off after the n-th failure: base x 2^(n-1), at most max. */
    retryBaseMs: number;
    retryMaxMs: number;
    /** A subscription whose oldest undelivered event has failed this long is disabled. */
    disableAfterHours: number;
  };
  metrics: {
    /** Bearer token /metrics requires; null: /metrics is open (protect it at the network). */
    token: string | null;
    /** The worker serves its /metrics on this port (0: off). */
    workerPort: number;
  };
  console: {
    /** Minutes a console session lasts from sign-in. */
    sessionTtlMinutes: number;
  };
  controls: {
    /** A signer who has not opened a sign request this long after it was sent gets a new push... */
    reminderAfterMs: number;
    /** ...at most this many times per proposal (0: never). */
    maxReminders: number;
  };
  /** True when this process runs against the offline sandboxes. Announced loudly. */
  sandbox: boolean;
}
