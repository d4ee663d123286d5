import { Client } from 'pg';
import type { DataSource } from '@app/persistence';
import { createDataSource } from '@app/persistence';
import { readProcessEnv } from '@app/config';

/**
 * A scratch database for one test file, on the server of DATABASE_URL (set by `npm test`), with the
 * real migrations applied. Each jest worker uses its own name, so suites running side by side never
 * see each other's rows.
 */
export interface TestDatabase {
  url: string;
  dataSource: DataSource;
  truncateAll(): Promise<void>;
  destroy(): Promise<void>;
}

export function baseDatabaseUrl(): string {
  const url = readProcessEnv().DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run the tests with `npm test`, which provides one.');
  return url;
}

export async function withAdminClient<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const admin = new URL(baseDatabaseUrl());
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createScratchDatabase(suffix: string): Promise<string> {
  const base = new URL(baseDatabaseUrl());
  const name = `${base.pathname.slice(1)}_${suffix}`.replace(/[^a-z0-9_]/gi, '_').toLowerCase();
  await withAdminClient(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
  });
  base.pathname = `/${name}`;
  return base.toString();
}

export async function dropScratchDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  await withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const worker = readProcessEnv().JEST_WORKER_ID ?? '0';
  const url = await createScratchDatabase(`w${worker}`);
  const dataSource = createDataSource(url, 5);
  await dataSource.initialize();
  await dataSource.runMigrations();
  return {
    url,
    dataSource,
    async truncateAll() {
      const tables = dataSource.entityMetadatas.map((m) => `"${m.tableName}"`).join(', ');
      await dataSource.query(`TRUNCATE ${tables} RESTART IDENTITY CASCADE`);
    },
    async destroy() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await dropScratchDatabase(url);
    },
  };
}

/**
 * A PostgreSQL outage of one database, without touching the shared server: new connections are
 * refused (ALLOW_CONNECTIONS false) and every open one is terminated. The returned function ends it.
 */
export async function cutOffDatabase(url: string): Promise<() => Promise<void>> {
  const name = new URL(url).pathname.slice(1);
  await withAdminClient(async (client) => {
    await client.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
    await client.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
      [name],
    );
  });
  return () =>
    withAdminClient(async (client) => {
      await client.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
    });
}
