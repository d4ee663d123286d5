/**
 * `npm run api-key -- create --role admin [--name ops] [--expires-in-days 90]`, `npm run api-key -- list`,
 * `npm run api-key -- revoke <id>`. Uses DATABASE_URL, or the embedded PostgreSQL of `npm start`.
 */
import { join } from 'node:path';
import { readProcessEnv } from '@app/config';
import { projectRoot, RunningPostgres, startEmbeddedPostgres } from '@app/database';
import { API_KEY_ROLES, ApiKeyRecord, ApiKeyRole } from '@app/domain';
import { apiKeyTools, createDataSource } from '@app/persistence';

function statusOf(key: ApiKeyRecord): string {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && key.expiresAt.getTime() <= Date.now()) return 'expired';
  return key.expiresAt ? `active until ${key.expiresAt.toISOString()}` : 'active';
}

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : undefined;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const command = args[0];
  let url = readProcessEnv().DATABASE_URL;
  let embedded: RunningPostgres | undefined;
  if (!url) {
    embedded = await startEmbeddedPostgres({
      dataDir: join(projectRoot(), '.data', 'postgres'),
      persistent: true,
    });
    url = embedded.url;
  }
  const dataSource = createDataSource(url, 1);
  await dataSource.initialize();
  try {
    await dataSource.runMigrations();
    const store = apiKeyTools(dataSource);
    if (command === 'create') {
      const role = (option(args, 'role') ?? 'admin') as ApiKeyRole;
      if (!API_KEY_ROLES.includes(role)) throw new Error(`--role must be one of ${API_KEY_ROLES.join(', ')}`);
      const name = option(args, 'name') ?? `${role} key`;
      const days = option(args, 'expires-in-days');
      if (days !== undefined && !/^\d+$/.test(days))
        throw new Error('--expires-in-days must be a whole number');
      const issued = await store.issue(name, role, days === undefined ? {} : { expiresInDays: Number(days) });
      const expiry = issued.record.expiresAt ? `, expires ${issued.record.expiresAt.toISOString()}` : '';
      console.log(
        `Created ${role} key "${name}" (id ${issued.record.id}${expiry}). It is shown only now:\n\n  ${issued.key}\n`,
      );
    } else if (command === 'list') {
      for (const key of await store.list()) {
        console.log(`${key.id}  ${key.role.padEnd(8)} msc_${key.keyPrefix}_…  ${statusOf(key)}  ${key.name}`);
      }
    } else if (command === 'revoke' && args[1]) {
      console.log((await store.revoke(args[1])) ? 'Revoked.' : 'No such active key.');
    } else {
      throw new Error(
        'usage: api-key create --role admin|proposer|viewer [--name NAME] [--expires-in-days N] | list | revoke <id>',
      );
    }
  } finally {
    await dataSource.destroy();
    await embedded?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
