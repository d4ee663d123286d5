import { join } from 'node:path';
import { loadConfig, loadSandboxConfig, readProcessEnv } from '@app/config';
import { projectRoot, RunningPostgres, startEmbeddedPostgres } from '@app/database';
import { apiKeyTools, createDataSource } from '@app/persistence';
import { createApiApp } from '../../api/src/api.app';
import { createWorkerApp } from '../../worker/src/worker.app';
import { runProcess } from '../../shared/run-process';
import { RunningSandboxes, startSandboxes } from '../../sandbox/src/start-sandboxes';
import { loadOrCreateDevSecrets } from './dev-secrets';
import { DemoAccount, seedDemo } from './demo';
import { buildConsole } from '../../../scripts/build-console';

const PROJECT_ROOT = projectRoot();

/**
 * `npm start`: the whole service in one process on embedded defaults — an embedded PostgreSQL
 * (unless DATABASE_URL is set), the offline sandboxes wired in (unless XRPL_URL is set), the API
 * and the worker, and on the sandboxes a demo account ready for a first proposal.
 */
runProcess('coordinator', async () => {
  const env = { ...readProcessEnv() };
  // Logs for a person at a terminal (pino-pretty); production processes keep JSON lines.
  if (!env.LOG_FORMAT) env.LOG_FORMAT = 'pretty';
  const dataDir = env.COORDINATOR_DATA_DIR || join(PROJECT_ROOT, '.data');
  const cleanups: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };

  try {
    let postgres: RunningPostgres | undefined;
    if (!env.DATABASE_URL) {
      postgres = await startEmbeddedPostgres({
        dataDir: join(dataDir, 'postgres'),
        persistent: true,
        callerHandlesSignals: true,
      });
      cleanups.push(() => postgres!.stop());
      env.DATABASE_URL = postgres.url;
      if (postgres.traversableMadeFor.length > 0) {
        process.stdout.write(
          `  Note: PostgreSQL runs as the postgres user, so these directories were made traversable (o+x) for it: ${postgres.traversableMadeFor.join(', ')}\n`,
        );
      }
    }
    if (!env.TOKEN_ENCRYPTION_KEY) {
      env.TOKEN_ENCRYPTION_KEY = (
        await loadOrCreateDevSecrets(join(dataDir, 'dev-secrets.json'))
      ).tokenEncryptionKey;
    }

    let sandboxes: RunningSandboxes | undefined;
    if (!env.XRPL_URL) {
      const sandboxConfig = loadSandboxConfig(env);
      sandboxes = await startSandboxes(sandboxConfig);
      cleanups.push(() => sandboxes!.close());
      env.XRPL_NETWORK = 'sandbox';
      env.SANDBOX_MODE = 'true';
      env.XRPL_URL = sandboxes.ledger.url;
      env.XRPL_MIN_SECONDS_PER_LEDGER = String(
        Math.max(1, Math.floor(sandboxConfig.ledgerCloseIntervalMs / 1000)),
      );
      env.XAMAN_API_KEY = sandboxes.xaman.apiKey;
      env.XAMAN_API_SECRET = sandboxes.xaman.apiSecret;
      env.XAMAN_ENDPOINT = sandboxes.xaman.url;
    }

    const config = loadConfig(env);

    const dataSource = createDataSource(config.database.url, 2);
    await dataSource.initialize();
    const applied = await dataSource.runMigrations();
    // First start: an admin key, printed once (only its hash is stored).
    const keys = apiKeyTools(dataSource);
    const firstAdminKey =
      (await keys.count()) === 0 ? (await keys.issue('first admin (npm start)', 'admin')).key : null;
    await dataSource.destroy();

    // The web console's bundle (esbuild, well under a second), served by the API at /console.
    await buildConsole();
    const api = await createApiApp(config);
    await api.listen(config.http.port, config.http.host);
    cleanups.push(() => api.close());
    const url = (await api.getUrl()).replace('[::1]', 'localhost');
    if (sandboxes && !loadSandboxConfig(env).xamanWebhookUrl) {
      sandboxes.xaman.setWebhookUrl(`${url}/v1/webhooks/xaman`);
    }
    const worker = await createWorkerApp(config);
    cleanups.push(() => worker.close());

    let demo: DemoAccount | undefined;
    if (sandboxes) demo = await seedDemo(sandboxes, api);

    const key = firstAdminKey ?? '<your admin API key>';
    const lines = [
      '',
      '  XRPL multisign coordinator is running',
      `  Console:   ${url}/console   (sign in with an admin API key)`,
      `  API:       ${url}/v1        Health: ${url}/health`,
      firstAdminKey
        ? `  Admin API key (shown once, keep it): ${firstAdminKey}`
        : '  API keys:  the admin key was printed at the first start; `npm run api-key -- create --role admin` makes another',
      `  Database:  ${postgres ? `embedded PostgreSQL (${postgres.reused ? 'reused' : 'new'} data in ${join(dataDir, 'postgres')})` : 'DATABASE_URL'}; ${applied.length} migration(s) applied now`,
    ];
    if (sandboxes && demo) {
      lines.push(
        '',
        '  *** RUNNING ON OFFLINE SANDBOXES — not Xaman, not the XRP Ledger; nothing here moves real funds ***',
        `  Ledger sandbox: ${sandboxes.ledger.url}    Xaman sandbox: ${sandboxes.xaman.url} (control API under /sandbox)`,
        `  Ledger faults:  curl -s -X PUT ${sandboxes.ledger.url.replace(/^ws/, 'http')}/sandbox/faults --data '{"dropSubmits":true}'   (reset: POST …/sandbox/faults/reset)`,
        `  Demo: 2-of-3 account ${demo.address} is registered as ${demo.accountId};`,
        `        its 3 signers' phones sign by themselves ${loadSandboxConfig(env).autoSignDelayMs} ms after a push.`,
        '  Try it:',
        `    curl -s -X POST ${url}/v1/proposals -H "Authorization: Bearer ${key}" -H "Content-Type: application/json" \\`,
        `      -d '{"accountId":"${demo.accountId}","txjson":{"TransactionType":"Payment","Destination":"${demo.destination}","Amount":"1000000"}}'`,
        `    curl -s ${url}/v1/proposals/<id> -H "Authorization: Bearer ${key}"     # collecting -> ... -> succeeded`,
      );
    }
    lines.push('');
    return { message: lines.join('\n'), stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
});
