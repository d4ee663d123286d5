/**
 * An embedded PostgreSQL as a process of its own (the package is ESM-only, which jest's module loader
 * cannot load): `node -r ./scripts/register.js test/faults/support/postgres.main.ts <dataDir> [port]`
 * prints `POSTGRES <url>` once up, and stops PostgreSQL (fast shutdown) on SIGTERM. Started again on
 * the same directory and port, it reuses the cluster: a PostgreSQL restart.
 */
import { startEmbeddedPostgres } from '@app/database';

async function main(): Promise<void> {
  const [dataDir, port] = process.argv.slice(2);
  if (!dataDir) throw new Error('usage: postgres.main.ts <dataDir> [port]');
  const pg = await startEmbeddedPostgres({
    dataDir,
    persistent: true,
    callerHandlesSignals: true,
    ...(port ? { port: Number(port) } : {}),
  });
  process.on('SIGTERM', () => {
    void pg.stop().then(() => process.exit(0));
  });
  process.stdout.write(`POSTGRES ${pg.url}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
