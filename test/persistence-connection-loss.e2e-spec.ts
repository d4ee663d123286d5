import { Client } from 'pg';
import type { DataSource } from '@app/persistence';
import { createDataSource, databaseUnavailable, TypeormUnitOfWork } from '@app/persistence';
import { createTestDatabase, TestDatabase } from './support/database';

/**
 * Backends killed under the pool (pg_terminate_backend: FATAL 57P01), while idle and while queries
 * run: the process survives, callers get errors classified as DATABASE_UNAVAILABLE, and the next
 * query works on a fresh connection. A client 'error' without a listener would crash this jest worker.
 */
describe('connection loss (real PostgreSQL)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  /** What the pool guard reported (it is the only listener that records). */
  const reported: Error[] = [];
  let admin: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    admin = new Client({ connectionString: db.url });
    await admin.connect();
  });
  beforeEach(async () => {
    reported.length = 0;
    ds = createDataSource(db.url, 4, (error) => reported.push(error));
    await ds.initialize();
  });
  afterEach(() => ds.destroy());
  afterAll(async () => {
    await admin.end();
    await db.destroy();
  });

  /** Kills every other backend of the scratch database (the pool's and the helper data source's). */
  const terminateBackends = async (): Promise<number> => {
    const { rows } = await admin.query<{ killed: boolean }>(
      `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    return rows.length;
  };
  const backends = async (filter: string): Promise<number> => {
    const { rows } = await admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid() AND ${filter}`,
    );
    return rows[0]!.n;
  };
  const waitUntil = async (condition: () => boolean | Promise<boolean>): Promise<void> => {
    while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 20));
  };
  const pool = () => (ds.driver as unknown as { master: { idleCount: number; totalCount: number } }).master;

  it('idle pooled connections killed: nothing crashes, each loss is reported once, the next query works', async () => {
    await Promise.all(Array.from({ length: 4 }, () => ds.query('SELECT 1')));
    expect(pool().idleCount).toBe(4);
    expect(await terminateBackends()).toBeGreaterThanOrEqual(4);
    await waitUntil(() => pool().totalCount === 0);
    expect(reported).toHaveLength(4);
    expect(reported.map((e) => databaseUnavailable(e)?.code)).toEqual(Array(4).fill('DATABASE_UNAVAILABLE'));
    expect(reported.map((e) => (e as { code?: string }).code)).toEqual(Array(4).fill('57P01'));
    await expect(ds.query('SELECT 1 AS ok')).resolves.toEqual([{ ok: 1 }]);
  });

  it('connections killed mid-query and mid-transaction: callers get DATABASE_UNAVAILABLE, the pool recovers', async () => {
    const sleeping = [ds.query('SELECT pg_sleep(60)'), ds.query('SELECT pg_sleep(60)')].map((query) =>
      query.then(
        () => 'answered',
        (error: unknown) => databaseUnavailable(error)?.code ?? error,
      ),
    );
    let inTransaction!: () => void;
    const started = new Promise<void>((resolve) => (inTransaction = resolve));
    let resume!: () => void;
    const killed = new Promise<void>((resolve) => (resume = resolve));
    const transaction = new TypeormUnitOfWork(ds)
      .run(async (tx) => {
        await tx.audit.list({ limit: 1 });
        inTransaction();
        await killed;
        return tx.audit.list({ limit: 1 });
      })
      .then(
        () => 'committed',
        (error: unknown) => databaseUnavailable(error)?.code ?? error,
      );
    await started;
    await waitUntil(async () => (await backends(`query = 'SELECT pg_sleep(60)' AND state = 'active'`)) === 2);

    await terminateBackends();
    expect(await Promise.all(sleeping)).toEqual(['DATABASE_UNAVAILABLE', 'DATABASE_UNAVAILABLE']);
    // The transaction's idle connection died between two statements: its next one fails, classified.
    await waitUntil(() => reported.length >= 1);
    resume();
    expect(await transaction).toBe('DATABASE_UNAVAILABLE');
    expect(reported.every((e) => databaseUnavailable(e) !== null)).toBe(true);

    // A client whose query was killed goes back to the pool until its socket closes, so a query issued
    // at once may still meet a dead connection: it fails as DATABASE_UNAVAILABLE (retryable), at most
    // once per pooled connection, and a retry gets a fresh one.
    const outcomes: unknown[] = [];
    while (outcomes.length <= 4 && outcomes.at(-1) !== 'answered') {
      outcomes.push(
        await ds.query('SELECT 2 AS ok').then(
          () => 'answered',
          (error: unknown) => databaseUnavailable(error)?.code ?? error,
        ),
      );
    }
    expect(outcomes.at(-1)).toBe('answered');
    expect(outcomes.slice(0, -1)).toEqual(Array(outcomes.length - 1).fill('DATABASE_UNAVAILABLE'));
    await expect(new TypeormUnitOfWork(ds).run((tx) => tx.audit.list({ limit: 1 }))).resolves.toEqual([]);
  });

  it('a server that cannot be reached, or a database that does not exist, is DATABASE_UNAVAILABLE', async () => {
    const unreachable = new URL(db.url);
    unreachable.port = '1';
    const missing = new URL(db.url);
    missing.pathname = '/no_such_database_here';
    for (const url of [unreachable, missing]) {
      const failed = await createDataSource(url.toString(), 1)
        .initialize()
        .then(
          () => 'connected',
          (error: unknown) => databaseUnavailable(error)?.code ?? error,
        );
      expect(failed).toBe('DATABASE_UNAVAILABLE');
    }
    const destroyed = createDataSource(db.url, 1);
    await destroyed.initialize();
    await destroyed.destroy();
    const afterShutdown = await destroyed
      .query('SELECT 1')
      .catch((error: unknown) => databaseUnavailable(error)?.code);
    expect(afterShutdown).toBe('DATABASE_UNAVAILABLE');
  });

  it('a constraint violation is not an outage', async () => {
    const error = await ds
      .query(`INSERT INTO api_keys (name, role, key_prefix, secret_hash) VALUES ('', 'admin', 'p', 'h')`)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ driverError: expect.objectContaining({ code: '23514' }) });
    expect(databaseUnavailable(error)).toBeNull();
  });
});
