import { Env, LOWERCASE_UUID } from './load-config';
import { ConfigError } from './config.errors';

/** Settings of the offline sandboxes (npm start, npm run sandbox). Never read by production processes. */
export interface SandboxConfig {
  host: string;
  ledgerPort: number;
  ledgerCloseIntervalMs: number;
  ledgerNetworkId: number;
  xamanPort: number;
  /** Calls per minute per application; 0 = unlimited. */
  xamanRateLimit: number;
  /** Where the Xaman sandbox posts webhooks; null = the service's own endpoint (npm start) or none. */
  xamanWebhookUrl: string | null;
  /** What simulated phones do on a push unless told otherwise. */
  autoSign: 'sign' | 'reject' | 'ignore';
  autoSignDelayMs: number;
  /**
   * The Xaman application the sandbox accepts: XAMAN_API_KEY / XAMAN_API_SECRET when given, so a
   * service configured with them talks to it; null = the sandbox's fixed defaults.
   */
  xamanApiKey: string | null;
  xamanApiSecret: string | null;
}

export function loadSandboxConfig(env: Env): SandboxConfig {
  const problems: { variable: string; problem: string }[] = [];
  const int = (name: string, fallback: number, min: number, max: number) => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push({
        variable: name,
        problem: `must be a whole number from ${min} to ${max} (got "${raw}")`,
      });
      return fallback;
    }
    return Number(raw);
  };
  const autoSign = (env.SANDBOX_AUTO_SIGN?.trim() || 'sign') as SandboxConfig['autoSign'];
  if (!['sign', 'reject', 'ignore'].includes(autoSign)) {
    problems.push({ variable: 'SANDBOX_AUTO_SIGN', problem: 'must be sign, reject or ignore' });
  }
  const webhook = env.XAMAN_WEBHOOK_URL?.trim() || null;
  if (webhook && !/^https?:\/\//.test(webhook)) {
    problems.push({ variable: 'XAMAN_WEBHOOK_URL', problem: 'must be an http(s) URL' });
  }
  const credential = (name: string) => {
    const value = env[name]?.trim() || null;
    if (value && !LOWERCASE_UUID.test(value)) {
      problems.push({
        variable: name,
        problem: 'must be a lowercase UUID (as the Xaman developer console shows it)',
      });
    }
    return value;
  };
  const config: SandboxConfig = {
    host: env.SANDBOX_HOST?.trim() || '127.0.0.1',
    ledgerPort: int('LEDGER_SANDBOX_PORT', 6006, 0, 65535),
    ledgerCloseIntervalMs: int('LEDGER_SANDBOX_CLOSE_INTERVAL_MS', 1000, 0, 60_000),
    ledgerNetworkId: int('LEDGER_SANDBOX_NETWORK_ID', 0, 0, 4_294_967_295),
    xamanPort: int('XAMAN_SANDBOX_PORT', 7001, 0, 65535),
    xamanRateLimit: int('XAMAN_SANDBOX_RATE_LIMIT', 0, 0, 1_000_000),
    xamanWebhookUrl: webhook,
    autoSign,
    autoSignDelayMs: int('SANDBOX_AUTO_SIGN_DELAY_MS', 2000, 0, 3_600_000),
    xamanApiKey: credential('XAMAN_API_KEY'),
    xamanApiSecret: credential('XAMAN_API_SECRET'),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
