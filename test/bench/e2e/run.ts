/**
 * `npm run bench:e2e [-- --proposals 30 --signers 8 --sweep-total 1000000 --sweep-due 10000 --profile dir --from-source]`
 *
 * The whole service measured end to end, every figure next to a named baseline measured in the same
 * run: the API and the worker run as separate processes (as in production) against both sandboxes
 * (in this process, so their CPU is not counted as the service's) and one PostgreSQL. Prints:
 * signatures per second and CPU-ms per signature (API + worker + PostgreSQL backends) against the
 * PostgreSQL floor for the same writes; quorum → submitted under load against the unloaded figure;
 * creations per second; the expiry sweep against one bulk UPDATE; peak RSS. Never asserts.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { readProcessEnv } from '@app/config';
import { startEmbeddedPostgres } from '@app/database';
import { apiKeyTools, createDataSource } from '@app/persistence';
import {
  MultisigSetup,
  SANDBOX_XAMAN_API_KEY,
  SANDBOX_XAMAN_API_SECRET,
  setUpMultisigAccount,
  startLedgerSandbox,
  startXamanSandbox,
} from '@app/sandbox';
import { Wallet } from 'xrpl';
import { spawnSync } from 'node:child_process';
import {
  listeningUrl,
  NodeProcess,
  productionNodeFlags,
  ROOT,
  startNode,
  stopService,
} from '../../support/process';
import { creationFloor, postgresFloor } from './floor';
import { cpuMs, CpuMeter, fmt, peakRssMb, percentile, printTable, rssMb } from './measure';
import { expirySweep } from './sweep';

/** Where the compiled build the bench runs goes (git-ignored). */
const BENCH_DIST = join(ROOT, '.bench-dist');

/** `--<name> <value>`, or null when not given. */
function optionText(name: string): string | null {
  const args = process.argv.slice(2);
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? (args[index + 1] ?? null) : null;
}

function option(name: string, fallback: number): number {
  const text = optionText(name);
  const value = text === null ? fallback : Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
}

async function adminQuery(baseUrl: string, sql: string): Promise<void> {
  const admin = new URL(baseUrl);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function scratchDatabase(baseUrl: string, name: string): Promise<string> {
  await adminQuery(baseUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await adminQuery(baseUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const dataSource = createDataSource(url.toString(), 2);
  await dataSource.initialize();
  await dataSource.runMigrations();
  await dataSource.destroy();
  return url.toString();
}

async function waitUntil(check: () => Promise<boolean> | boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function main(): Promise<void> {
  const proposals = option('proposals', 30);
  const signerCount = option('signers', 8);
  const sweepTotal = option('sweep-total', 1_000_000);
  const sweepDue = option('sweep-due', 10_000);
  console.log(
    `node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}); ${proposals} proposals of ${signerCount}-of-${signerCount}`,
  );

  const fromSource = process.argv.includes('--from-source');
  if (!fromSource) {
    const built = spawnSync(process.execPath, ['scripts/build.js', '--outDir', BENCH_DIST], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (built.status !== 0)
      throw new Error(`build failed: ${built.stdout.toString()}${built.stderr.toString()}`);
    console.log(
      `services: the compiled build (${BENCH_DIST}) on plain node ${productionNodeFlags('api').join(' ')} (as npm run start:api, start:worker)`,
    );
  } else {
    console.log('services: from source, through the TypeScript loader (--from-source)');
  }

  let baseUrl = readProcessEnv().DATABASE_URL;
  const embedded = baseUrl
    ? null
    : await startEmbeddedPostgres({
        dataDir: join(mkdtempSync(join(tmpdir(), 'bench-e2e-')), 'pg'),
        persistent: false,
      });
  baseUrl = baseUrl ?? embedded!.url;
  // Scratch databases named after the base one, so benches against one server do not drop each other's.
  const prefix = `${new URL(baseUrl).pathname.slice(1) || 'postgres'}_bench`;
  const serviceUrl = await scratchDatabase(baseUrl, `${prefix}_service`);
  const ledger = await startLedgerSandbox({ port: 0, closeIntervalMs: 250 });
  const xaman = await startXamanSandbox({
    port: 0,
    apiKey: SANDBOX_XAMAN_API_KEY,
    apiSecret: SANDBOX_XAMAN_API_SECRET,
    keepaliveIntervalMs: 5000,
  });
  const services: NodeProcess[] = [];
  const monitor = new Client({ connectionString: serviceUrl });
  await monitor.connect();
  try {
    const setupSource = createDataSource(serviceUrl, 1);
    await setupSource.initialize();
    const adminKey = (await apiKeyTools(setupSource).issue('bench admin', 'admin')).key;
    await setupSource.destroy();

    const profileDir = optionText('profile');
    const env = {
      ...(profileDir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` } : {}),
      DATABASE_URL: serviceUrl,
      XRPL_NETWORK: 'sandbox',
      SANDBOX_MODE: 'true',
      XRPL_URL: ledger.url,
      XRPL_MIN_SECONDS_PER_LEDGER: '1',
      XAMAN_API_KEY: SANDBOX_XAMAN_API_KEY,
      XAMAN_API_SECRET: SANDBOX_XAMAN_API_SECRET,
      XAMAN_ENDPOINT: xaman.url,
      XAMAN_POLL_INTERVAL_MS: '30000',
      TOKEN_ENCRYPTION_KEY: 'ab'.repeat(32),
      WORKER_TICK_MS: '250',
      RATE_LIMIT_PER_MINUTE: '1000000',
      PROPOSAL_RATE_LIMIT_PER_MINUTE: '1000000',
      LOG_LEVEL: 'error',
      HOST: '127.0.0.1',
      PORT: '0',
    };
    // As in production: the compiled build on plain node with the production node flags
    // (`--from-source`: the same flags, through the TypeScript loader).
    const start = (app: 'api' | 'worker'): NodeProcess =>
      startNode(
        [
          ...productionNodeFlags(app),
          ...(fromSource
            ? ['-r', './scripts/register.js', `apps/${app}/src/main.ts`]
            : [join(BENCH_DIST, 'apps', app, 'src', 'main.js')]),
        ],
        env,
      );
    const api = start('api');
    const worker = start('worker');
    services.push(api, worker);
    await waitUntil(() => listeningUrl(api) !== null, 60_000, 'the API');
    await waitUntil(() => /Worker running/.test(worker.output()), 60_000, 'the worker');
    const apiUrl = listeningUrl(api)!;
    const startRss = { api: rssMb(api.child.pid!), worker: rssMb(worker.child.pid!) };
    xaman.setWebhookUrl(`${apiUrl}/v1/webhooks/xaman`);
    const call = async (method: string, path: string, body?: unknown): Promise<any> => {
      const res = await fetch(`${apiUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = await res.json();
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };

    // Accounts: proposals spread over accounts with Tickets; signers' phones ignore pushes (we sign).
    const perAccount = 5;
    const accounts: { setup: MultisigSetup; id: string }[] = [];
    for (let i = 0; i < Math.ceil((proposals + 1) / perAccount); i++) {
      const setup = await setUpMultisigAccount(ledger, xaman, {
        quorum: signerCount,
        signers: Array.from({ length: signerCount }, () => ({
          weight: 1,
          behaviour: { action: 'ignore' as const },
        })),
        tickets: perAccount,
        fundDrops: 100_000_000_000n,
      });
      const registered = await call('POST', '/v1/accounts', {
        address: setup.account.address,
        network: 'sandbox',
      });
      for (const signer of setup.signers) {
        await call('PUT', `/v1/accounts/${registered.id}/signers/${signer.address}`, {
          userToken: signer.userToken,
        });
      }
      accounts.push({ setup, id: registered.id as string });
    }
    const propose = (index: number) =>
      call('POST', '/v1/proposals', {
        accountId: accounts[index % accounts.length]!.id,
        txjson: {
          TransactionType: 'Payment',
          Destination: Wallet.generate().classicAddress,
          Amount: '2000000',
        },
      });
    const pids = async () => [
      api.child.pid!,
      worker.child.pid!,
      ...(
        await monitor.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
        )
      ).rows.map((r) => r.pid),
    ];
    const latency = async (ids: string[], from: string, to: string): Promise<number[]> => {
      const rows = await monitor.query<{ ms: number }>(
        `SELECT extract(epoch FROM (b.occurred_at - a.occurred_at)) * 1000 AS ms
         FROM audit_events a JOIN audit_events b ON b.entity_id = a.entity_id AND b.action = $3
         WHERE a.action = $2 AND a.entity_id = ANY($1)`,
        [ids, from, to],
      );
      return rows.rows.map((r) => Number(r.ms));
    };
    const count = async (sql: string, ids: string[]) =>
      Number((await monitor.query<{ n: string }>(sql, [ids])).rows[0]!.n);

    // Unloaded: one proposal alone, signed by everyone at once.
    const lone = await propose(proposals);
    for (const signer of lone.signers) xaman.sign(signer.payloadUuid);
    await waitUntil(
      async () =>
        (await count(`SELECT count(*) n FROM proposals WHERE state = 'succeeded' AND id = ANY($1)`, [
          lone.id,
        ])) === 1,
      60_000,
      'the unloaded proposal',
    );
    const unloadedQuorumToSubmitted = (
      await latency([lone.id], 'proposal.quorum_reached', 'proposal.submitted')
    )[0]!;

    // Creations.
    let meter = new CpuMeter(await pids());
    const creationFrom = process.hrtime.bigint() / 1000n;
    let started = Date.now();
    const created: any[] = [];
    for (let i = 0; i < proposals; i += 5) {
      created.push(
        ...(await Promise.all(Array.from({ length: Math.min(5, proposals - i) }, (_, k) => propose(i + k)))),
      );
    }
    const creationSeconds = (Date.now() - started) / 1000;
    if (profileDir) {
      console.log(`creation window (monotonic µs): ${creationFrom} ${process.hrtime.bigint() / 1000n}`);
    }
    const creationCpu = meter.usedMs(await pids());
    const ids = created.map((p) => p.id as string);
    await waitUntil(
      async () =>
        (await count(
          `SELECT count(*) n FROM signature_requests WHERE state = 'created' AND proposal_id = ANY($1)`,
          ids,
        )) ===
        proposals * signerCount,
      60_000,
      'every payload created',
    );

    // Ingest: every signer signs at once. The phones' signatures are made first (each phone signs on
    // its own hardware); the clock runs from the moment they all resolve at Xaman.
    const total = proposals * signerCount;
    const resolutions = created.flatMap((proposal) =>
      (proposal.signers as { payloadUuid: string }[]).map((signer) => xaman.prepareSign(signer.payloadUuid)),
    );
    meter = new CpuMeter(await pids());
    const sandboxCpuFrom = process.cpuUsage();
    // Marks for a statement log (log_statement = 'all'): what the service ran between them is ingest.
    await monitor.query(`SELECT 'bench: ingest starts'`);
    const ingestFrom = process.hrtime.bigint() / 1000n;
    started = Date.now();
    for (const resolve of resolutions) resolve();
    await waitUntil(
      async () =>
        (await count(`SELECT count(*) n FROM signatures WHERE proposal_id = ANY($1)`, ids)) === total,
      120_000,
      'every signature stored',
    );
    const ingestSeconds = (Date.now() - started) / 1000;
    await monitor.query(`SELECT 'bench: ingest ends'`);
    // The profiles' sample times are on the same monotonic clock: this cuts the ingest out of them.
    if (profileDir)
      console.log(`ingest window (monotonic µs): ${ingestFrom} ${process.hrtime.bigint() / 1000n}`);
    const sandboxCpu = process.cpuUsage(sandboxCpuFrom);
    const sandboxIngestCpu = (sandboxCpu.user + sandboxCpu.system) / 1000;
    const ingestByPid = meter.usedByPid(await pids());
    const ingestCpu = [...ingestByPid.values()].reduce((a, b) => a + b, 0);
    const apiIngestCpu = ingestByPid.get(api.child.pid!) ?? 0;
    const workerIngestCpu = ingestByPid.get(worker.child.pid!) ?? 0;
    await waitUntil(
      async () =>
        (await count(`SELECT count(*) n FROM proposals WHERE state = 'succeeded' AND id = ANY($1)`, ids)) ===
        proposals,
      120_000,
      'every proposal settled',
    );
    const toSubmitted = await latency(ids, 'proposal.quorum_reached', 'proposal.submitted');
    const toValidated = await latency(ids, 'proposal.quorum_reached', 'proposal.succeeded');
    // The two halves: the combine's reads, checks and blob store; then withdrawal, policy gate and claim.
    const toCombined = await latency(ids, 'proposal.quorum_reached', 'proposal.combined');
    const combinedToSubmitted = await latency(ids, 'proposal.combined', 'proposal.submitted');
    const rss = { api: peakRssMb(api.child.pid!), worker: peakRssMb(worker.child.pid!) };
    const serviceCpu = { api: cpuMs(api.child.pid!), worker: cpuMs(worker.child.pid!) };

    const floorUrl = await scratchDatabase(baseUrl, `${prefix}_floor`);
    const floor = await postgresFloor(floorUrl, { clients: 8, seconds: 5 });
    const createFloor = await creationFloor(floorUrl, { clients: 8, seconds: 3, signers: signerCount });

    const sweepUrl = await scratchDatabase(baseUrl, `${prefix}_sweep`);
    const sweepSource = createDataSource(sweepUrl, 4);
    await sweepSource.initialize();
    const sweep = await expirySweep(sweepSource, sweepTotal, sweepDue);
    await sweepSource.destroy();

    const perSignature = ingestCpu / total;
    printTable(`Ingest: ${total} signatures (${proposals} proposals × ${signerCount}), all signed at once`, [
      [
        'signatures/s',
        fmt(total / ingestSeconds),
        fmt(floor.txPerSecond),
        'PostgreSQL floor: tx/s, 3 writes per tx, 8 clients',
      ],
      [
        'CPU-ms per signature (API+worker+PG)',
        fmt(perSignature, 2),
        fmt(floor.pgCpuMsPerTx, 3),
        'PostgreSQL CPU-ms per floor tx',
      ],
      ['ratio service/floor CPU', fmt(perSignature / floor.pgCpuMsPerTx), '4.0', 'target (issue)'],
      [
        '  of which API / worker / PG',
        [apiIngestCpu, workerIngestCpu, ingestCpu - apiIngestCpu - workerIngestCpu]
          .map((ms) => fmt(ms / total, 2))
          .join(' / '),
        '-',
        'CPU-ms per signature by process',
      ],
      [
        '  sandboxes (not the service)',
        fmt(sandboxIngestCpu / total, 2),
        '-',
        'CPU-ms per signature of Xaman + ledger sandboxes and this bench, same 2 cores',
      ],
      [
        'quorum → submitted p50 (ms)',
        fmt(percentile(toSubmitted, 50)),
        fmt(unloadedQuorumToSubmitted),
        'the same, one proposal alone',
      ],
      [
        'quorum → submitted p99 (ms)',
        fmt(percentile(toSubmitted, 99)),
        fmt(unloadedQuorumToSubmitted),
        'the same, one proposal alone',
      ],
      [
        '  of which quorum → blob stored p50',
        fmt(percentile(toCombined, 50)),
        '-',
        'ledger facts, keys and policy read, combine, blob stored',
      ],
      [
        '  of which blob stored → submitted p50',
        fmt(percentile(combinedToSubmitted, 50)),
        '-',
        'other payloads withdrawn, policy gate, submission claimed',
      ],
      ['quorum → validated p50 (ms)', fmt(percentile(toValidated, 50)), '250.0', 'one ledger close interval'],
    ]);
    printTable(`Creation: ${proposals} proposals, 5 at a time`, [
      [
        'proposals/s',
        fmt(proposals / creationSeconds),
        fmt(createFloor.perSecond),
        'PostgreSQL floor: proposal + requests + audit rows',
      ],
      [
        'CPU-ms per proposal (API+worker+PG)',
        fmt(creationCpu / proposals, 2),
        fmt(createFloor.pgCpuMsPerProposal, 3),
        'PostgreSQL CPU-ms per floor proposal',
      ],
    ]);
    printTable(
      `Expiry sweep: ${sweepTotal.toLocaleString('en-US')} proposals, ${sweepDue.toLocaleString('en-US')} due (rows inserted in ${fmt(sweep.insertSeconds)} s)`,
      [
        ['sweep (ms)', fmt(sweep.sweepMs, 0), fmt(sweep.bulkUpdateMs, 0), 'one bulk UPDATE of the same rows'],
        ['proposals expired', String(sweep.expired), String(sweepDue), 'due'],
      ],
    );
    printTable('Processes', [
      ['peak RSS API (MB)', fmt(rss.api), '250.0', 'target (issue)'],
      ['peak RSS worker (MB)', fmt(rss.worker), '250.0', 'target (issue)'],
      [
        'RSS once started API / worker (MB)',
        `${fmt(startRss.api)} / ${fmt(startRss.worker)}`,
        '-',
        'before any request',
      ],
      [
        'total CPU API / worker (ms)',
        `${fmt(serviceCpu.api, 0)} / ${fmt(serviceCpu.worker, 0)}`,
        '-',
        'since start',
      ],
    ]);
  } finally {
    await monitor.end().catch(() => undefined);
    await Promise.all(services.map(stopService));
    await xaman.close();
    await ledger.close();
    for (const name of [`${prefix}_service`, `${prefix}_floor`, `${prefix}_sweep`]) {
      await adminQuery(baseUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
    }
    await embedded?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
