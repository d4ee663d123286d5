import { Logger } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { DataSource, DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../../migrations';
import { ENTITIES } from './entities';

/** Called when the server drops a pooled connection; the pool has already discarded the client. */
export type ConnectionErrorListener = (error: Error) => void;

const logger = new Logger('Database');

/** Logs the SQLSTATE or system code and the message only: never the connection string or a query. */
const logConnectionError: ConnectionErrorListener = (error) => {
  const code = (error as { code?: unknown }).code;
  logger.warn(
    `A pooled database connection failed (${typeof code === 'string' ? code : 'no code'}): ${error.message}`,
  );
};

/** How long a caller waits for a pooled connection (a new one, or a free one) before failing. */
export const CONNECTION_TIMEOUT_MS = 10_000;

/**
 * Connection error guard. A pg client that the server drops (pg_terminate_backend, a restart, a
 * network cut) emits 'error'; an EventEmitter 'error' without a listener crashes the process. pg-pool
 * listens while a client is idle and re-emits on the pool, and TypeORM's query runner listens while it
 * holds one; but nobody listens in between (a client just handed out, or held by code outside a query
 * runner). So every client gets its own listener as soon as it connects (pg-pool's `onConnect` hook:
 * before the pool's 'connect' event and before the client is handed out), which reports the error once;
 * the pool's 'error' event (the same error again, for idle clients) is only absorbed. The pool drops
 * broken clients itself: the next query opens a new connection.
 */
function guardPool(onError: ConnectionErrorListener): {
  poolErrorHandler: (error: Error) => void;
  onConnect: (client: PoolClient) => void;
} {
  return {
    poolErrorHandler: () => undefined,
    onConnect: (client) => {
      client.on('error', onError);
    },
  };
}

/**
 * The one place that builds the TypeORM options, for the Nest apps, the migration CLI and the
 * tests alike. `synchronize` is off everywhere: the schema comes from the migrations only.
 */
export function buildDataSourceOptions(
  databaseUrl: string,
  poolSize = 10,
  name?: string,
  onConnectionError: ConnectionErrorListener = logConnectionError,
): DataSourceOptions {
  const { poolErrorHandler, onConnect } = guardPool(onConnectionError);
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
    connectTimeoutMS: CONNECTION_TIMEOUT_MS,
    poolErrorHandler,
    extra: { max: poolSize, application_name: 'xrpl-multisign-coordinator', onConnect },
  };
}

export function createDataSource(
  databaseUrl: string,
  poolSize = 10,
  onConnectionError?: ConnectionErrorListener,
): DataSource {
  return new DataSource(buildDataSourceOptions(databaseUrl, poolSize, undefined, onConnectionError));
}
