import { Wallet } from 'xrpl';
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { AppConfig, loadConfig } from '@app/config';
import { apiKeyTools } from '@app/persistence';
import {
  LedgerSandbox,
  MultisigSetup,
  MultisigSpec,
  SANDBOX_XAMAN_API_KEY,
  SANDBOX_XAMAN_API_SECRET,
  setUpMultisigAccount,
  startLedgerSandbox,
  startXamanSandbox,
  XamanSandbox,
} from '@app/sandbox';
import { createApiApp } from '../../apps/api/src/api.app';
import { createWorkerApp } from '../../apps/worker/src/worker.app';
import { callJson, UNTHROTTLED_ENV } from './api';
import { createTestDatabase, TestDatabase } from './database';

/** One `submit` the ledger sandbox answered (from its log line `submit <hash> <type> -> <result>`). */
export interface LedgerSubmission {
  hash: string;
  transactionType: string;
  result: string;
}

export interface FlowEnv {
  ledger: LedgerSandbox;
  /** Every submit the ledger sandbox answered, in order (dropped submits are not in it). */
  submissions: LedgerSubmission[];
  xaman: XamanSandbox;
  db: TestDatabase;
  api: INestApplication;
  worker: INestApplicationContext | null;
  url: string;
  config: AppConfig;
  adminKey: string;
  call(
    method: string,
    path: string,
    body?: unknown,
    options?: { key?: string | null; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  /** Registers a sandbox multisig set-up through the REST API, with every signer's user token. */
  register(setup: MultisigSetup): Promise<string>;
  /** POST /v1/proposals: a payment of `drops` from the account to a fresh destination; the proposal body. */
  propose(accountId: string, drops?: string): Promise<any>;
  setUp(spec: MultisigSpec): Promise<MultisigSetup>;
  waitForProposal(id: string, predicate: (p: any) => boolean, timeoutMs?: number): Promise<any>;
  rowCounts(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export async function waitUntil<T>(
  fn: () => Promise<T | undefined | false>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `timed out waiting for ${what}${last ? ` (last error: ${last instanceof Error ? last.message : JSON.stringify(last)})` : ''}`,
  );
}

/**
 * The whole service against both sandboxes over real sockets: the real API and worker apps, a real
 * PostgreSQL, xumm-sdk and xrpl.Client. Webhooks from the Xaman sandbox reach the API.
 */
export async function startFlow(
  options: { worker?: boolean; env?: Record<string, string>; ledgerCloseIntervalMs?: number } = {},
): Promise<FlowEnv> {
  const submissions: LedgerSubmission[] = [];
  const ledger = await startLedgerSandbox({
    port: 0,
    closeIntervalMs: options.ledgerCloseIntervalMs ?? 250,
    log: (line) => {
      const submit = /^submit ([0-9A-F]{64}) (\S+) -> (\S+)$/.exec(line);
      if (submit) submissions.push({ hash: submit[1]!, transactionType: submit[2]!, result: submit[3]! });
    },
  });
  const xaman = await startXamanSandbox({
    port: 0,
    apiKey: SANDBOX_XAMAN_API_KEY,
    apiSecret: SANDBOX_XAMAN_API_SECRET,
    webhookRetryDelaysMs: [100, 200, 400, 800],
    keepaliveIntervalMs: 1000,
  });
  const db = await createTestDatabase();
  const config = loadConfig({
    DATABASE_URL: db.url,
    XRPL_NETWORK: 'sandbox',
    SANDBOX_MODE: 'true',
    XRPL_URL: ledger.url,
    XRPL_MIN_SECONDS_PER_LEDGER: '1',
    XAMAN_API_KEY: SANDBOX_XAMAN_API_KEY,
    XAMAN_API_SECRET: SANDBOX_XAMAN_API_SECRET,
    XAMAN_ENDPOINT: xaman.url,
    XAMAN_POLL_INTERVAL_MS: '1000',
    TOKEN_ENCRYPTION_KEY: 'cd'.repeat(32),
    WORKER_TICK_MS: '250',
    LOG_LEVEL: 'silent',
    PORT: '0',
    // Four jest workers, some starting two APIs and two workers each, share one server (100
    // connections by default): each process keeps a small pool.
    DATABASE_POOL_SIZE: '4',
    ...UNTHROTTLED_ENV,
    ...options.env,
  });
  const api = await createApiApp(config);
  await api.listen(0, '127.0.0.1');
  const url = await api.getUrl();
  xaman.setWebhookUrl(`${url}/v1/webhooks/xaman`);
  const worker = options.worker === false ? null : await createWorkerApp(config);
  const adminKey = (await apiKeyTools(db.dataSource).issue('e2e admin', 'admin')).key;

  const call: FlowEnv['call'] = (method, path, body, opts = {}) =>
    callJson(url, method, path, body, opts.key === undefined ? adminKey : opts.key, opts.headers);

  const env: FlowEnv = {
    ledger,
    submissions,
    xaman,
    db,
    api,
    worker,
    url,
    config,
    adminKey,
    call,
    async setUp(spec) {
      return setUpMultisigAccount(ledger, xaman, spec);
    },
    async register(setup) {
      const registered = await call('POST', '/v1/accounts', {
        address: setup.account.address,
        network: 'sandbox',
        label: 'treasury',
      });
      if (registered.status !== 201) throw new Error(`register failed: ${JSON.stringify(registered.body)}`);
      for (const signer of setup.signers) {
        const put = await call('PUT', `/v1/accounts/${registered.body.id}/signers/${signer.address}`, {
          userToken: signer.userToken,
        });
        if (put.status !== 200) throw new Error(`signer token failed: ${JSON.stringify(put.body)}`);
      }
      return registered.body.id as string;
    },
    async propose(accountId, drops = '1000000') {
      return (
        await call('POST', '/v1/proposals', {
          accountId,
          txjson: payment(Wallet.generate().classicAddress, drops),
        })
      ).body;
    },
    async waitForProposal(id, predicate, timeoutMs = 20_000) {
      let last: any;
      try {
        return await waitUntil(
          async () => {
            last = (await call('GET', `/v1/proposals/${id}`)).body;
            return predicate(last) ? last : undefined;
          },
          timeoutMs,
          `proposal ${id}`,
        );
      } catch (error) {
        throw new Error(`${(error as Error).message}; last seen: ${JSON.stringify(last, null, 1)}`);
      }
    },
    async rowCounts() {
      const rows = await db.dataSource.query<{ t: string; n: number }[]>(`
        SELECT 'accounts' AS t, count(*)::int AS n FROM accounts UNION ALL
        SELECT 'signers', count(*)::int FROM signers UNION ALL
        SELECT 'proposals', count(*)::int FROM proposals UNION ALL
        SELECT 'signature_requests', count(*)::int FROM signature_requests UNION ALL
        SELECT 'signatures', count(*)::int FROM signatures UNION ALL
        SELECT 'audit_events', count(*)::int FROM audit_events UNION ALL
        SELECT 'api_keys', count(*)::int FROM api_keys UNION ALL
        SELECT 'account_policies', count(*)::int FROM account_policies UNION ALL
        SELECT 'xaman_webhook_receipts', count(*)::int FROM xaman_webhook_receipts`);
      return Object.fromEntries(rows.map((r) => [r.t, r.n]));
    },
    async close() {
      const steps: [string, () => Promise<unknown>][] = [
        ['worker', async () => worker?.close()],
        ['api', () => api.close()],
        ['xaman', () => xaman.close()],
        ['ledger', () => ledger.close()],
        ['db', () => db.destroy()],
      ];
      for (const [name, step] of steps) {
        const started = Date.now();
        await step();
        if (Date.now() - started > 1000)
          process.stderr.write(`flow close: ${name} took ${Date.now() - started} ms\n`);
      }
    },
  };
  return env;
}

/** The simulated phone of a signer acts on a payload through the Xaman sandbox control API. */
export function sandboxAction(
  env: FlowEnv,
  uuid: string,
  action: 'sign' | 'reject' | 'open',
  body: Record<string, unknown> = {},
): Promise<Response> {
  return fetch(`${env.xaman.url}/sandbox/payloads/${uuid}/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** A plain XRP payment template to a fresh destination. */
export function payment(destination: string, drops: string): Record<string, unknown> {
  return { TransactionType: 'Payment', Destination: destination, Amount: drops };
}

/**
 * More API and worker processes of the same deployment (same database, same sandboxes), as Nest apps
 * of their own with their own pools, as test/flow-concurrency does.
 */
export async function startPeers(
  env: FlowEnv,
  counts: { apis: number; workers: number },
): Promise<{
  apis: INestApplication[];
  urls: string[];
  workers: INestApplicationContext[];
  close(): Promise<void>;
}> {
  const apis: INestApplication[] = [];
  const urls: string[] = [];
  const workers: INestApplicationContext[] = [];
  for (let i = 0; i < counts.apis; i++) {
    const api = await createApiApp(env.config);
    await api.listen(0, '127.0.0.1');
    apis.push(api);
    urls.push(await api.getUrl());
  }
  for (let i = 0; i < counts.workers; i++) workers.push(await createWorkerApp(env.config));
  return {
    apis,
    urls,
    workers,
    async close() {
      for (const worker of workers) await worker.close();
      for (const api of apis) await api.close();
    },
  };
}

/** Counts the submits of each hash the ledger sandbox answered. */
export function submitCounts(env: FlowEnv): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of env.submissions) counts.set(s.hash, (counts.get(s.hash) ?? 0) + 1);
  return counts;
}
