import { DataSource, DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../../migrations';
import { ENTITIES } from './entities';

/**
 * The one place that builds the TypeORM options, for the Nest apps, the migration CLI and the
 * tests alike. `synchronize` is off everywhere: the schema comes from the migrations only.
 */
export function buildDataSourceOptions(databaseUrl: string, poolSize = 10, name?: string): DataSourceOptions {
  return {
    type: 'postgres',
    ...(name ? { name } : {}),
    url: databaseUrl,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    installExtensions: false,
    migrationsRun: false,
    logging: false,
    extra: { max: poolSize, application_name: 'xrpl-multisign-coordinator' },
  };
}

export function createDataSource(databaseUrl: string, poolSize = 10): DataSource {
  return new DataSource(buildDataSourceOptions(databaseUrl, poolSize));
}
