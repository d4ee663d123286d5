import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { Wallet } from 'xrpl';
import { apiKeyTools, createDataSource } from '@app/persistence';
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
import { UNTHROTTLED_ENV } from '../../support/api';
import { waitUntil } from '../../support/flow';
import { killHard, listeningUrl, NodeProcess, startService, stopService } from '../../support/process';

function postgresUrl(pg: NodeProcess): string | null {
  return /POSTGRES (\S+)/.exec(pg.output())?.[1] ?? null;
}

/** PostgreSQL of the suite's own, in `dir` (reused when it exists), as a child process. */
async function startPostgres(dir: string, port?: string): Promise<NodeProcess> {
  const pg = startService('test/faults/support/postgres.main.ts', {}, [
    join(dir, 'pg'),
    ...(port ? [port] : []),
  ]);
  await waitUntil(
    async () => postgresUrl(pg) !== null || pg.child.exitCode !== null,
    60_000,
    'the embedded PostgreSQL',
  );
  if (!postgresUrl(pg)) throw new Error(`PostgreSQL did not start:\n${pg.output()}`);
  return pg;
}

/** A proposal row as the suite checks it. */
export interface ProposalRow {
  id: string;
  state: string;
  account: string;
  number: number;
  combined: boolean;
}

/**
 * The deployment as real OS processes: two APIs and two workers (`node -r ./scripts/register.js
 * apps/…/main.ts`), an embedded PostgreSQL of the suite's own (its own port and data directory, so
 * stopping it disturbs nobody), and both sandboxes in the test process. Xaman webhooks go through a
 * round-robin proxy to whichever APIs are up (a dead upstream answers 502, and Xaman retries).
 */
export class FaultCluster {
  apis: NodeProcess[] = [];
  workers: NodeProcess[] = [];
  /** Processes this suite killed on purpose (any other exit is a crash). */
  private readonly killed = new Set<NodeProcess>();
  private readonly everStarted: NodeProcess[] = [];
  private next = 0;

  private constructor(
    readonly pg: { current: NodeProcess; dir: string },
    readonly databaseUrl: string,
    readonly db: Pool,
    readonly ledger: LedgerSandbox,
    readonly xaman: XamanSandbox,
    readonly proxy: Server,
    readonly adminKey: string,
  ) {}

  static async start(): Promise<FaultCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'faults-'));
    const first = await startPostgres(dir);
    const databaseUrl = postgresUrl(first)!;
    const setup = createDataSource(databaseUrl, 1);
    await setup.initialize();
    await setup.runMigrations();
    const adminKey = (await apiKeyTools(setup).issue('faults admin', 'admin')).key;
    await setup.destroy();
    const db = new Pool({ connectionString: databaseUrl, max: 2 });
    db.on('error', () => undefined); // the suite restarts PostgreSQL under its own feet
    const ledger = await startLedgerSandbox({ port: 0, closeIntervalMs: 100 });
    const xaman = await startXamanSandbox({
      port: 0,
      apiKey: SANDBOX_XAMAN_API_KEY,
      apiSecret: SANDBOX_XAMAN_API_SECRET,
      webhookRetryDelaysMs: [200, 400, 800, 1600, 3200, 6400],
      keepaliveIntervalMs: 1000,
    });
    const ref: { cluster?: FaultCluster } = {};
    const proxy = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const upstream = ref.cluster?.nextApiUrl();
        if (!upstream) {
          res.writeHead(502).end();
          return;
        }
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers))
          if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
        fetch(`${upstream}${req.url ?? '/'}`, {
          method: req.method,
          headers,
          body: chunks.length ? Buffer.concat(chunks) : undefined,
        })
          .then(async (answer) => {
            res.writeHead(answer.status, { 'content-type': 'application/json' });
            res.end(Buffer.from(await answer.arrayBuffer()));
          })
          .catch(() => res.writeHead(502).end());
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    xaman.setWebhookUrl(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}/v1/webhooks/xaman`);
    const cluster = new FaultCluster(
      { current: first, dir },
      databaseUrl,
      db,
      ledger,
      xaman,
      proxy,
      adminKey,
    );
    ref.cluster = cluster;
    return cluster;
  }

  private env(): Record<string, string> {
    return {
      DATABASE_URL: this.databaseUrl,
      DATABASE_POOL_SIZE: '4',
      XRPL_NETWORK: 'sandbox',
      SANDBOX_MODE: 'true',
      XRPL_URL: this.ledger.url,
      XRPL_MIN_SECONDS_PER_LEDGER: '1',
      XRPL_REQUEST_TIMEOUT_MS: '10000',
      XAMAN_API_KEY: SANDBOX_XAMAN_API_KEY,
      XAMAN_API_SECRET: SANDBOX_XAMAN_API_SECRET,
      XAMAN_ENDPOINT: this.xaman.url,
      XAMAN_POLL_INTERVAL_MS: '1000',
      TOKEN_ENCRYPTION_KEY: 'ef'.repeat(32),
      WORKER_TICK_MS: '250',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: '0',
      ...UNTHROTTLED_ENV,
    };
  }

  /** Starts two APIs and two workers (with `overrides` on top of the suite's env) and waits until each is up. */
  async startServices(overrides: Record<string, string> = {}): Promise<void> {
    const env = { ...this.env(), ...overrides };
    this.apis = [startService('apps/api/src/main.ts', env), startService('apps/api/src/main.ts', env)];
    this.workers = [
      startService('apps/worker/src/main.ts', env),
      startService('apps/worker/src/main.ts', env),
    ];
    this.everStarted.push(...this.apis, ...this.workers);
    for (const api of this.apis)
      await waitUntil(async () => listeningUrl(api) !== null || this.dead(api), 90_000, 'an API');
    for (const worker of this.workers)
      await waitUntil(
        async () => /Worker running/.test(worker.output()) || this.dead(worker),
        90_000,
        'a worker',
      );
    const down = [...this.apis, ...this.workers].filter((s) => this.dead(s));
    if (down.length) throw new Error(`a service did not start:\n${down.map((s) => s.output()).join('\n')}`);
  }

  private dead(service: NodeProcess): boolean {
    return service.child.exitCode !== null || service.child.signalCode !== null;
  }

  apiUrls(): string[] {
    return this.apis.filter((a) => !this.dead(a)).flatMap((a) => listeningUrl(a) ?? []);
  }

  private nextApiUrl(): string | undefined {
    const urls = this.apiUrls();
    return urls.length ? urls[this.next++ % urls.length] : undefined;
  }

  /** `kill -9` of every API and worker at once. */
  async killAll(): Promise<void> {
    const all = [...this.apis, ...this.workers];
    for (const s of all) this.killed.add(s);
    await Promise.all(all.map(killHard));
  }

  async killWorkers(): Promise<void> {
    for (const s of this.workers) this.killed.add(s);
    await Promise.all(this.workers.map(killHard));
  }

  /** Services that exited without being killed by the suite, with their output: crashes. */
  crashed(): string[] {
    return this.everStarted
      .filter((s) => !this.killed.has(s) && this.dead(s))
      .map((s) => `exit ${s.child.exitCode ?? s.child.signalCode}:\n${s.output().slice(-4000)}`);
  }

  /** Stops PostgreSQL (fast shutdown: every connection is dropped) and starts it again on the same port. */
  async restartPostgres(downMs: number): Promise<void> {
    await stopService(this.pg.current);
    await new Promise((r) => setTimeout(r, downMs));
    this.pg.current = await startPostgres(this.pg.dir, new URL(this.databaseUrl).port);
  }

  /** pg_terminate_backend of every service connection (not the suite's own). */
  async terminateBackends(): Promise<number> {
    const result = await this.db.query<{ n: number }>(
      `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
       WHERE application_name = 'xrpl-multisign-coordinator' AND pid <> pg_backend_pid()`,
    );
    return result.rows[0]!.n;
  }

  /** A REST call to one of the live APIs in turn; network failures are retried on the next one. */
  async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    return waitUntil(
      async () => {
        const url = this.nextApiUrl();
        if (!url) return undefined;
        const res = await fetch(`${url}${path}`, {
          method,
          headers: { authorization: `Bearer ${this.adminKey}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const answer = { status: res.status, body: await res.json() };
        return answer.status >= 500 ? undefined : answer;
      },
      30_000,
      `${method} ${path}`,
    );
  }

  /** A multisig account on the ledger, registered with every signer's token. */
  async account(spec: MultisigSpec): Promise<{ setup: MultisigSetup; id: string }> {
    const setup = await setUpMultisigAccount(this.ledger, this.xaman, spec);
    const registered = await this.call('POST', '/v1/accounts', {
      address: setup.account.address,
      network: 'sandbox',
    });
    if (registered.status !== 201) throw new Error(`register: ${JSON.stringify(registered.body)}`);
    for (const signer of setup.signers) {
      const put = await this.call('PUT', `/v1/accounts/${registered.body.id}/signers/${signer.address}`, {
        userToken: signer.userToken,
      });
      if (put.status !== 200) throw new Error(`signer: ${JSON.stringify(put.body)}`);
    }
    return { setup, id: registered.body.id as string };
  }

  /** A payment proposal; waits until each of its payloads exists at Xaman. */
  async propose(accountId: string): Promise<{ id: string; payloads: string[] }> {
    const created = await this.call('POST', '/v1/proposals', {
      accountId,
      txjson: {
        TransactionType: 'Payment',
        Destination: Wallet.generate().classicAddress,
        Amount: '1000000',
      },
    });
    if (created.status !== 201) throw new Error(`propose: ${JSON.stringify(created.body)}`);
    const id = created.body.id as string;
    const payloads = await waitUntil(
      async () => {
        const rows = await this.db.query<{ uuid: string | null }>(
          `SELECT xaman_payload_uuid AS uuid FROM signature_requests WHERE proposal_id = $1 ORDER BY signer_address`,
          [id],
        );
        return rows.rows.every((r) => r.uuid) ? rows.rows.map((r) => r.uuid!) : undefined;
      },
      30_000,
      `payloads of ${id}`,
    );
    return { id, payloads };
  }

  /** The signer's phone signs (through the Xaman sandbox). */
  async sign(uuid: string): Promise<void> {
    const res = await fetch(`${this.xaman.url}/sandbox/payloads/${uuid}/sign`, { method: 'POST' });
    if (res.status !== 200) throw new Error(`sign ${uuid}: ${res.status} ${await res.text()}`);
  }

  async proposals(ids: string[]): Promise<ProposalRow[]> {
    const rows = await this.db.query<ProposalRow>(
      `SELECT id, state, prepared_tx->>'Account' AS account,
              coalesce(ticket_sequence, sequence)::int AS number, combined_blob IS NOT NULL AS combined
       FROM proposals WHERE id = ANY($1) ORDER BY id`,
      [ids],
    );
    return rows.rows;
  }

  /** Every stored signature, as `proposalId/signer`. */
  async signatures(ids: string[]): Promise<string[]> {
    const rows = await this.db.query<{ k: string }>(
      `SELECT proposal_id || '/' || signer_address AS k FROM signatures WHERE proposal_id = ANY($1) ORDER BY 1`,
      [ids],
    );
    return rows.rows.map((r) => r.k);
  }

  /** Waits until every proposal is in one of `states`; answers the rows. */
  async settle(ids: string[], states: string[], timeoutMs: number): Promise<ProposalRow[]> {
    let last: ProposalRow[] = [];
    try {
      return await waitUntil(
        async () => {
          last = await this.proposals(ids);
          return last.length === ids.length && last.every((r) => states.includes(r.state)) ? last : undefined;
        },
        timeoutMs,
        `${ids.length} proposals to reach ${states.join('|')}`,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; last seen ${JSON.stringify(last)}`);
    }
  }

  /** The ledger transactions of each proposal's Sequence/Ticket. */
  ledgerCounts(rows: ProposalRow[]): number[] {
    return rows.map((r) => this.ledger.findTransactions(r.account, r.number).length);
  }

  /** Payloads of these proposals that Xaman still holds open (neither resolved, cancelled nor expired). */
  async openPayloads(ids: string[]): Promise<string[]> {
    const rows = await this.db.query<{ uuid: string }>(
      `SELECT xaman_payload_uuid AS uuid FROM signature_requests
       WHERE proposal_id = ANY($1) AND xaman_payload_uuid IS NOT NULL`,
      [ids],
    );
    return rows.rows
      .map((r) => r.uuid)
      .filter((uuid) => {
        const meta = this.xaman.getPayloadRecord(uuid).platform.meta as Record<string, boolean>;
        return !meta.resolved && !meta.cancelled && !meta.expired;
      });
  }

  async close(): Promise<void> {
    await Promise.all([...this.apis, ...this.workers].map(stopService));
    await this.db.end().catch(() => undefined);
    await new Promise<void>((resolve) => {
      this.proxy.close(() => resolve());
      this.proxy.closeAllConnections();
    });
    await this.xaman.close();
    await this.ledger.close();
    await stopService(this.pg.current);
    rmSync(this.pg.dir, { recursive: true, force: true });
  }
}
