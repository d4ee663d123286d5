import {
  AppConfig,
  LOG_FORMATS,
  LOG_LEVELS,
  LogFormat,
  LogLevel,
  NETWORK_NAME_PATTERN,
  NETWORK_NAMES,
  NetworkConfig,
  NetworkName,
} from './app-config';
import { ConfigError } from './config.errors';

export type Env = Readonly<Record<string, string | undefined>>;

/** The only place in the code base that reads the process environment. */
export function readProcessEnv(): Env {
  return { ...process.env };
}

/** Xaman application credentials: lowercase UUIDs (Xaman compares them lowercased). */
export const LOWERCASE_UUID = /^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/;

const DEFAULT_XRPL_URLS: Record<Exclude<NetworkName, 'sandbox'>, string> = {
  mainnet: 'wss://xrplcluster.com',
  testnet: 'wss://s.altnet.rippletest.net:51233',
  devnet: 'wss://s.devnet.rippletest.net:51233',
};

/** Xaman `force_network` of the public networks; the sandbox network has none. */
export const PUBLIC_FORCE_NETWORK: Readonly<Record<NetworkName, string | null>> = {
  mainnet: 'MAINNET',
  testnet: 'TESTNET',
  devnet: 'DEVNET',
  sandbox: null,
};

const FORCE_NETWORK_PATTERN = /^[A-Z][A-Z0-9_-]{0,39}$/;

/**
 * XRPL_NETWORKS: a JSON array of `{ "name", "url", "networkId", "forceNetwork"? }`, served besides the
 * default network. Every problem is reported, naming the variable and the entry.
 */
function readNetworks(
  raw: string | undefined,
  defaultNetwork: NetworkConfig,
  sandbox: boolean,
  fail: (problem: string) => void,
): NetworkConfig[] {
  if (raw === undefined) return [defaultNetwork];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    fail('must be a JSON array of {"name","url","networkId","forceNetwork"?} objects');
    return [defaultNetwork];
  }
  if (!Array.isArray(parsed)) {
    fail('must be a JSON array of {"name","url","networkId","forceNetwork"?} objects');
    return [defaultNetwork];
  }
  const networks = [defaultNetwork];
  parsed.forEach((entry: unknown, i) => {
    const at = `entry ${i}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      fail(`${at} must be an object`);
      return;
    }
    const e = entry as Record<string, unknown>;
    const unknownKeys = Object.keys(e).filter(
      (k) => !['name', 'url', 'networkId', 'forceNetwork'].includes(k),
    );
    if (unknownKeys.length > 0) fail(`${at} has unknown keys: ${unknownKeys.join(', ')}`);
    const name = e.name;
    if (typeof name !== 'string' || !NETWORK_NAME_PATTERN.test(name)) {
      fail(`${at}: name must match ${NETWORK_NAME_PATTERN.source} (got ${JSON.stringify(name)})`);
      return;
    }
    if (networks.some((n) => n.name === name)) {
      fail(`${at}: network "${name}" is listed twice (XRPL_NETWORK is served already)`);
      return;
    }
    if (name === 'sandbox' && !sandbox) fail(`${at}: the sandbox network is only for SANDBOX_MODE`);
    let url = '';
    try {
      if (typeof e.url !== 'string' || !['ws:', 'wss:'].includes(new URL(e.url).protocol))
        throw new Error('url');
      url = e.url;
    } catch {
      fail(`${at} (${name}): url must be a ws or wss URL (got ${JSON.stringify(e.url)})`);
    }
    const networkId = e.networkId;
    if (
      typeof networkId !== 'number' ||
      !Number.isSafeInteger(networkId) ||
      networkId < 0 ||
      networkId > 0xffffffff
    ) {
      fail(
        `${at} (${name}): networkId must be a whole number from 0 to 4294967295 (got ${JSON.stringify(networkId)})`,
      );
    }
    let forceNetwork: string | null = (PUBLIC_FORCE_NETWORK as Record<string, string | null>)[name] ?? null;
    if (e.forceNetwork !== undefined) {
      if (name === 'sandbox') fail(`${at} (${name}): the sandbox network has no forceNetwork`);
      else if (typeof e.forceNetwork !== 'string' || !FORCE_NETWORK_PATTERN.test(e.forceNetwork)) {
        fail(
          `${at} (${name}): forceNetwork must be an uppercase Xaman network key (got ${JSON.stringify(e.forceNetwork)})`,
        );
      } else forceNetwork = e.forceNetwork;
    }
    networks.push({ name, url, networkId: typeof networkId === 'number' ? networkId : null, forceNetwork });
  });
  return networks;
}

class Reader {
  readonly problems: { variable: string; problem: string }[] = [];
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  fail(variable: string, problem: string): void {
    this.problems.push({ variable, problem });
  }

  string(name: string, fallback?: string): string {
    const value = this.raw(name) ?? fallback;
    if (value === undefined) {
      this.fail(name, 'is required');
      return '';
    }
    return value;
  }

  optionalString(name: string): string | null {
    return this.raw(name) ?? null;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^-?\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      this.fail(name, `must be a whole number from ${min} to ${max} (got "${value}")`);
      return fallback;
    }
    return Number(value);
  }

  number(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^\d+(\.\d+)?$/.test(value) || Number(value) < min || Number(value) > max) {
      this.fail(name, `must be a number from ${min} to ${max} (got "${value}")`);
      return fallback;
    }
    return Number(value);
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (['1', 'true', 'yes'].includes(value.toLowerCase())) return true;
    if (['0', 'false', 'no'].includes(value.toLowerCase())) return false;
    this.fail(name, `must be true or false (got "${value}")`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback?: T): T {
    const value = this.raw(name) ?? fallback;
    if (value === undefined) {
      this.fail(name, `is required (one of ${allowed.join(', ')})`);
      return allowed[0] as T;
    }
    if (!(allowed as readonly string[]).includes(value)) {
      this.fail(name, `must be one of ${allowed.join(', ')} (got "${value}")`);
      return allowed[0] as T;
    }
    return value as T;
  }

  url(name: string, protocols: string[], fallback?: string): string {
    const value = this.string(name, fallback);
    if (value === '') return value;
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) {
        this.fail(name, `must be a ${protocols.join(' or ')} URL (got "${parsed.protocol}")`);
      }
    } catch {
      this.fail(name, 'must be a valid URL');
    }
    return value;
  }

  uuid(name: string): string {
    const value = this.string(name);
    if (value !== '' && !LOWERCASE_UUID.test(value)) {
      this.fail(name, 'must be a lowercase UUID (as the Xaman developer console shows it)');
    }
    return value;
  }

  key32(name: string): Buffer {
    const value = this.string(name);
    if (value === '') return Buffer.alloc(0);
    const bytes = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
    if (bytes.length !== 32) {
      this.fail(name, 'must be 32 random bytes, as 64 hex characters or base64 (openssl rand -hex 32)');
    }
    return bytes;
  }
}

/**
 * Builds and validates the configuration. Throws a ConfigError that names every bad or missing
 * variable, so the process refuses to start instead of failing later.
 */
export function loadConfig(env: Env): AppConfig {
  const r = new Reader(env);
  const network = r.oneOf('XRPL_NETWORK', NETWORK_NAMES, 'mainnet');
  const defaultXrplUrl = network === 'sandbox' ? undefined : DEFAULT_XRPL_URLS[network];
  const config: AppConfig = {
    http: {
      host: r.string('HOST', '127.0.0.1'),
      port: r.int('PORT', 3000, 0, 65535),
      rateLimitPerMinute: r.int('RATE_LIMIT_PER_MINUTE', 600, 1, 1_000_000),
      proposalRateLimitPerMinute: r.int('PROPOSAL_RATE_LIMIT_PER_MINUTE', 10, 1, 1_000_000),
    },
    database: {
      url: r.url('DATABASE_URL', ['postgres:', 'postgresql:']),
      poolSize: r.int('DATABASE_POOL_SIZE', 10, 1, 200),
    },
    log: {
      level: r.oneOf<LogLevel>('LOG_LEVEL', LOG_LEVELS, 'info'),
      format: r.oneOf<LogFormat>('LOG_FORMAT', LOG_FORMATS, 'json'),
    },
    xrpl: {
      network,
      url: r.url('XRPL_URL', ['ws:', 'wss:'], defaultXrplUrl),
      networks: [],
      minSecondsPerLedger: r.int('XRPL_MIN_SECONDS_PER_LEDGER', 3, 1, 60),
      requestTimeoutMs: r.int('XRPL_REQUEST_TIMEOUT_MS', 20_000, 500, 120_000),
      feeCushion: r.number('XRPL_FEE_CUSHION', 1.2, 1, 10),
      maxFeeDrops: r.int('XRPL_MAX_FEE_DROPS', 1_000_000, 10, 100_000_000),
    },
    xaman: {
      apiKey: r.uuid('XAMAN_API_KEY'),
      apiSecret: r.uuid('XAMAN_API_SECRET'),
      endpoint: r.url('XAMAN_ENDPOINT', ['http:', 'https:'], 'https://xumm.app'),
      webhookMaxSkewSeconds: r.int('XAMAN_WEBHOOK_MAX_SKEW_SECONDS', 300, 1, 86_400),
      defaultExpireMinutes: r.int('XAMAN_DEFAULT_EXPIRE_MINUTES', 1440, 1, 43_200),
      pollIntervalMs: r.int('XAMAN_POLL_INTERVAL_MS', 30_000, 100, 3_600_000),
      requestTimeoutMs: r.int('XAMAN_REQUEST_TIMEOUT_MS', 10_000, 100, 120_000),
      enrolmentExpireMinutes: r.int('XAMAN_ENROLMENT_EXPIRE_MINUTES', 1440, 1, 43_200),
      tokenExpiryWarningDays: r.int('USER_TOKEN_EXPIRY_WARNING_DAYS', 7, 0, 365),
    },
    security: {
      tokenEncryptionKey: r.key32('TOKEN_ENCRYPTION_KEY'),
    },
    worker: {
      tickMs: r.int('WORKER_TICK_MS', 2000, 50, 3_600_000),
      signerListCheckMs: r.int('SIGNER_LIST_CHECK_INTERVAL_MS', 300_000, 100, 86_400_000),
      txScanMs: r.int('TX_SCAN_INTERVAL_MS', 60_000, 100, 86_400_000),
      pruneIntervalMs: r.int('WEBHOOK_RECEIPT_PRUNE_INTERVAL_MS', 3_600_000, 1_000, 86_400_000),
      userTokenCheckMs: r.int('USER_TOKEN_CHECK_INTERVAL_MS', 86_400_000, 100, 604_800_000),
    },
    webhooks: {
      deliveryIntervalMs: r.int('WEBHOOK_DELIVERY_INTERVAL_MS', 1000, 50, 3_600_000),
      timeoutMs: r.int('WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000),
      retryBaseMs: r.int('WEBHOOK_RETRY_BASE_MS', 5_000, 10, 3_600_000),
      retryMaxMs: r.int('WEBHOOK_RETRY_MAX_MS', 3_600_000, 10, 86_400_000),
      disableAfterHours: r.number('WEBHOOK_DISABLE_AFTER_HOURS', 72, 0.001, 8_760),
    },
    metrics: {
      token: r.optionalString('METRICS_TOKEN'),
      workerPort: r.int('WORKER_METRICS_PORT', 0, 0, 65535),
    },
    console: {
      sessionTtlMinutes: r.int('CONSOLE_SESSION_TTL_MINUTES', 60, 1, 10_080),
    },
    controls: {
      reminderAfterMs: r.int('SIGN_REMINDER_AFTER_MS', 3_600_000, 1_000, 30 * 86_400_000),
      maxReminders: r.int('SIGN_REMINDER_MAX', 2, 0, 10),
    },
    sandbox: r.bool('SANDBOX_MODE', false),
  };
  if (config.sandbox !== (network === 'sandbox')) {
    r.problems.push({
      variable: 'XRPL_NETWORK',
      problem: 'the sandbox network is only for SANDBOX_MODE (npm start), and SANDBOX_MODE only for it',
    });
  }
  config.xrpl.networks = readNetworks(
    r.raw('XRPL_NETWORKS'),
    { name: network, url: config.xrpl.url, networkId: null, forceNetwork: PUBLIC_FORCE_NETWORK[network] },
    config.sandbox,
    (problem) => r.fail('XRPL_NETWORKS', problem),
  );
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}
