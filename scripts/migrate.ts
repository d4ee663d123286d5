/**
 * Migration CLI: `npm run migration:run | migration:revert | migration:generate -- <Name>`.
 * Uses DATABASE_URL, or the embedded PostgreSQL of `npm start` (.data/postgres) when it is unset.
 * `generate` writes migrations/<epochMs>-<Name>.ts with the SQL that brings the database to the
 * entities (tables and columns; checks, partial indexes and foreign keys are written by hand);
 * review it and add the class to migrations/index.ts.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readProcessEnv } from '@app/config';
import { projectRoot, RunningPostgres, startEmbeddedPostgres } from '@app/database';
import { createDataSource } from '@app/persistence';

async function main(): Promise<void> {
  const [command, name] = process.argv.slice(2);
  if (!['run', 'revert', 'generate'].includes(command ?? '')) {
    throw new Error('usage: migrate.ts run | revert | generate <PascalCaseName>');
  }
  if (command === 'generate' && !/^[A-Z][A-Za-z0-9]+$/.test(name ?? '')) {
    throw new Error('generate needs a PascalCase name, e.g. npm run migration:generate -- AddWebhookTable');
  }
  let url = readProcessEnv().DATABASE_URL;
  let embedded: RunningPostgres | undefined;
  if (!url) {
    embedded = await startEmbeddedPostgres({
      dataDir: join(projectRoot(), '.data', 'postgres'),
      persistent: true,
    });
    url = embedded.url;
    console.log(`DATABASE_URL not set: using the embedded PostgreSQL in .data/postgres`);
  }
  const dataSource = createDataSource(url, 1);
  await dataSource.initialize();
  try {
    if (command === 'run') {
      const applied = await dataSource.runMigrations();
      console.log(applied.length ? `Applied: ${applied.map((m) => m.name).join(', ')}` : 'Nothing to apply.');
    } else if (command === 'revert') {
      await dataSource.undoLastMigration();
      console.log('Reverted the last migration.');
    } else {
      const sql = await dataSource.driver.createSchemaBuilder().log();
      // Check constraints, partial indexes and foreign keys are written by hand in the migrations and
      // not declared on the entities: the diff would drop them. Those drops are not generated.
      const handWritten = (query: string) =>
        /^ALTER TABLE "\w+" DROP CONSTRAINT "\w+"$/.test(query) || /^DROP INDEX "public"\."\w+"$/.test(query);
      // upQueries[i] and downQueries[i] are a pair: keep both or neither.
      const keep = sql.upQueries.map((_q, i) => i).filter((i) => !handWritten(sql.upQueries[i]!.query));
      const downQueries = keep.map((i) => sql.downQueries[i]!);
      sql.upQueries = keep.map((i) => sql.upQueries[i]!);
      sql.downQueries = downQueries;
      if (sql.upQueries.length === 0) {
        console.log('The database matches the entities: nothing to generate.');
        return;
      }
      const timestamp = Date.now();
      const className = `${name}${timestamp}`;
      const quote = (s: string) => '`' + s.replace(/`/g, '\\`') + '`';
      const up = sql.upQueries.map((q) => `    await q.query(${quote(q.query)});`).join('\n');
      const down = [...sql.downQueries]
        .reverse()
        .map((q) => `    await q.query(${quote(q.query)});`)
        .join('\n');
      const file = join(projectRoot(), 'migrations', `${timestamp}-${name}.ts`);
      await writeFile(
        file,
        `import { MigrationInterface, QueryRunner } from 'typeorm';\n\nexport class ${className} implements MigrationInterface {\n  name = '${className}';\n\n  public async up(q: QueryRunner): Promise<void> {\n${up}\n  }\n\n  public async down(q: QueryRunner): Promise<void> {\n${down}\n  }\n}\n`,
      );
      console.log(`Wrote ${file}. Review it, then add ${className} to migrations/index.ts.`);
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
