import { join } from 'node:path';
import { loadConfig, readProcessEnv } from '@app/config';
import { startEmbeddedPostgres, RunningPostgres } from '@app/database';
import { ApiKeyStore, createDataSource } from '@app/persistence';
import { createApiApp } from '../../api/src/api.app';
import { createWorkerApp } from '../../worker/src/worker.app';
import { runProcess } from '../../shared/run-process';
import { loadOrCreateDevSecrets } from './dev-secrets';

const PROJECT_ROOT = join(__dirname, '..', '..', '..');
const DATA_DIR = join(PROJECT_ROOT, '.data');

/**
 * `npm start`: the whole service in one process on embedded defaults — an embedded PostgreSQL
 * (unless DATABASE_URL is set), the offline sandboxes (unless XRPL_URL / XAMAN_API_KEY are set),
 * the API and the worker. Every setting can still be overridden through the environment.
 */
runProcess('coordinator', async () => {
  const env = { ...readProcessEnv() };
  const cleanups: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };

  try {
    let postgres: RunningPostgres | undefined;
    if (!env.DATABASE_URL) {
      postgres = await startEmbeddedPostgres({ dataDir: join(DATA_DIR, 'postgres'), persistent: true });
      cleanups.push(() => postgres!.stop());
      env.DATABASE_URL = postgres.url;
    }
    if (!env.TOKEN_ENCRYPTION_KEY) {
      env.TOKEN_ENCRYPTION_KEY = (
        await loadOrCreateDevSecrets(join(DATA_DIR, 'dev-secrets.json'))
      ).tokenEncryptionKey;
    }

    const config = loadConfig(env);

    const dataSource = createDataSource(config.database.url, 2);
    await dataSource.initialize();
    const applied = await dataSource.runMigrations();
    // First start: an admin key, printed once (only its hash is stored).
    const keys = new ApiKeyStore(dataSource);
    const firstAdminKey =
      (await keys.count()) === 0 ? (await keys.issue('first admin (npm start)', 'admin', null)).key : null;
    await dataSource.destroy();

    const api = await createApiApp(config);
    await api.listen(config.http.port, config.http.host);
    cleanups.push(() => api.close());
    const worker = await createWorkerApp(config);
    cleanups.push(() => worker.close());

    const url = (await api.getUrl()).replace('[::1]', 'localhost');
    const lines = [
      '',
      '  XRPL multisign coordinator is running',
      `  API:       ${url}/v1`,
      `  Health:    ${url}/health`,
      ...(firstAdminKey
        ? [
            `  Admin API key (shown once, keep it): ${firstAdminKey}`,
            `  More keys: npm run api-key -- create --role admin|proposer|viewer`,
          ]
        : [
            '  API keys:  the admin key was printed at the first start; npm run api-key -- create makes more',
          ]),
      `  Database:  ${postgres ? `embedded PostgreSQL (${postgres.reused ? 'reused' : 'new'} data in .data/postgres, port ${postgres.port})` : 'DATABASE_URL'}; ${applied.length} migration(s) applied now`,
      '',
    ];
    return { message: lines.join('\n'), stop: stopAll };
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }
});
