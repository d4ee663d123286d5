export const NETWORK_NAMES = ['mainnet', 'testnet', 'devnet', 'sandbox'] as const;
export type NetworkName = (typeof NETWORK_NAMES)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
/** `json`: one JSON object a line (production); `pretty`: human-readable lines (`npm start`). */
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Everything the processes need, validated once at boot. Nothing else reads the environment. */
export interface AppConfig {
  http: { host: string; port: number };
  database: { url: string; poolSize: number };
  log: { level: LogLevel; format: LogFormat };
  xrpl: {
    /** The network this deployment serves; accounts must name it. */
    network: NetworkName;
    url: string;
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
    /** How often webhook receipts older than a day are deleted. */
    pruneIntervalMs: number;
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
