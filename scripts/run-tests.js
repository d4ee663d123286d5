#!/usr/bin/env node
/**
 * `npm test`: runs every jest project against a real PostgreSQL.
 * - DATABASE_URL set: that server is used (each jest worker makes its own scratch database on it).
 * - DATABASE_URL unset: an embedded PostgreSQL is started in a throwaway directory and stopped at the end.
 * The migrations are applied to the database first, so a broken migration fails the run at once.
 * Extra arguments are passed to jest (e.g. `npm test -- libs/multisign`).
 */
require('@swc-node/register');
const { spawn } = require('node:child_process');
const { chmodSync, mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { startEmbeddedPostgres } = require('../libs/database/src');
const { createDataSource } = require('../libs/persistence/src');

async function main() {
  let embedded;
  let child;
  let interrupted = false;
  // Ctrl-C / SIGTERM at any point: stop jest, then (in finally) the embedded PostgreSQL.
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      interrupted = true;
      if (child) child.kill(signal);
    });
  }
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const parent = mkdtempSync(join(tmpdir(), 'coordinator-test-'));
    chmodSync(parent, 0o755); // as root, PostgreSQL runs as the postgres user, which must reach its data dir
    const dataDir = join(parent, 'pg');
    process.stdout.write('DATABASE_URL is not set: starting an embedded PostgreSQL for the tests... ');
    embedded = await startEmbeddedPostgres({ dataDir, persistent: false, callerHandlesSignals: true });
    databaseUrl = embedded.url;
    process.stdout.write(`up on port ${embedded.port}\n`);
  } else {
    process.stdout.write(
      `Using DATABASE_URL (${new URL(databaseUrl).host}${new URL(databaseUrl).pathname})\n`,
    );
  }

  let exitCode = 1;
  try {
    if (interrupted) throw new Error('interrupted');
    const dataSource = createDataSource(databaseUrl, 2);
    await dataSource.initialize();
    const applied = await dataSource.runMigrations();
    await dataSource.destroy();
    process.stdout.write(`Migrations applied: ${applied.length} new\n`);

    exitCode = await new Promise((resolve) => {
      child = spawn(
        process.execPath,
        [
          require.resolve('jest/bin/jest'),
          ...(process.argv.some((a) => a.startsWith('--maxWorkers')) ? [] : ['--maxWorkers=4']),
          ...process.argv.slice(2),
        ],
        { stdio: 'inherit', env: { ...process.env, DATABASE_URL: databaseUrl } },
      );
      child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    });
  } finally {
    if (embedded) await embedded.stop();
  }
  process.exit(exitCode);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
