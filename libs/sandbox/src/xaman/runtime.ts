/**
 * What every part of the Xaman sandbox shares: its settings (the options with their defaults),
 * the log, the links it hands out, and timers that die with the sandbox.
 */
import {
  SANDBOX_XAMAN_API_KEY,
  SANDBOX_XAMAN_API_SECRET,
  SANDBOX_XAMAN_DEFAULT_PORT,
  XAMAN_WEBHOOK_RETRY_DELAYS_MS,
  type XamanBehaviour,
  type XamanSandboxOptions,
} from './types';

const MAX_TIMER_MS = 2_147_483_647;
const DAY_MS = 86_400_000;

export interface XamanSettings {
  host: string;
  port: number;
  apiKey: string;
  apiSecret: string;
  appName: string;
  webhookUrl: string | null;
  retryDelays: readonly number[];
  webhookTimeoutMs: number;
  rateLimit: number;
  keepaliveMs: number;
  defaultBehaviour: XamanBehaviour;
  networkLabel: string;
  nodeUri: string;
  networkId: number;
  defaultExpireMinutes: number;
  tokenLifetimeMs: number;
  resolveRaceMs: number;
  publicUrl: string | null;
  log: (message: string, details?: Record<string, unknown>) => void;
}

export function resolveSettings(options: XamanSandboxOptions): XamanSettings {
  const apiKey = options.apiKey ?? SANDBOX_XAMAN_API_KEY;
  const apiSecret = options.apiSecret ?? SANDBOX_XAMAN_API_SECRET;
  for (const [name, v] of [
    ['apiKey', apiKey],
    ['apiSecret', apiSecret],
  ] as const) {
    if (!/^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/.test(v)) {
      throw new Error(`Xaman sandbox: ${name} must be a lowercase UUID (xumm-sdk refuses anything else)`);
    }
  }
  return {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? SANDBOX_XAMAN_DEFAULT_PORT,
    apiKey,
    apiSecret,
    appName: options.appName ?? 'Xaman Sandbox App',
    webhookUrl: options.webhookUrl ?? null,
    retryDelays: options.webhookRetryDelaysMs ?? XAMAN_WEBHOOK_RETRY_DELAYS_MS,
    webhookTimeoutMs: options.webhookTimeoutMs ?? 15_000,
    rateLimit: options.rateLimitPerMinute ?? 0,
    keepaliveMs: options.keepaliveIntervalMs ?? 15_000,
    defaultBehaviour: options.defaultBehaviour ?? { action: 'ignore' },
    networkLabel: options.networkLabel ?? 'SANDBOX',
    nodeUri: options.nodeUri ?? 'ws://127.0.0.1:6006',
    networkId: options.networkId ?? 0,
    defaultExpireMinutes: options.defaultExpireMinutes ?? 1440,
    tokenLifetimeMs: options.userTokenLifetimeMs ?? 30 * DAY_MS,
    resolveRaceMs: options.resolveRaceMs ?? 0,
    publicUrl: options.publicUrl ? options.publicUrl.replace(/\/+$/, '') : null,
    log: options.log ?? (() => undefined),
  };
}

/** The log, the handed-out links and the sandbox's timers (none fires after close). */
export class Runtime {
  /** The listen URL, known once the server listens. */
  url = '';
  closed = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly settings: XamanSettings) {}

  /** Base of the links handed out (next.*, refs.*): publicUrl when set, else the listen URL. */
  linkBase(): string {
    return this.settings.publicUrl ?? this.url;
  }

  log(message: string, details?: Record<string, unknown>): void {
    try {
      this.settings.log(`[xaman-sandbox] ${message}`, details);
    } catch {
      /* a logger must never break the sandbox */
    }
  }

  later(ms: number, fn: () => void): NodeJS.Timeout {
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

  cancelTimer(t: NodeJS.Timeout | null): void {
    if (t) {
      clearTimeout(t);
      this.timers.delete(t);
    }
  }

  /** Mark the sandbox closed and clear every pending timer. */
  shutdown(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
