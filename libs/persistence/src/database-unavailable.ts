import { UpstreamError } from './domain-contracts';

/**
 * SQLSTATEs that mean "the server cannot serve us right now", not "this statement is wrong":
 * connection exceptions (class 08), the server shutting down or starting (57P01-57P03), too many
 * connections (53300) and a missing database (3D000).
 */
const OUTAGE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '3D000']);
const OUTAGE_SQLSTATE_CLASSES = ['08'];

/** Socket-level failures reported by Node (`error.code`). */
const OUTAGE_SYSTEM_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * Messages of pg, pg-pool and TypeORM for a lost, closed or unobtainable connection (TypeORM's
 * "not yet established": the data source is not initialized yet, or already destroyed at shutdown).
 */
const OUTAGE_MESSAGES = [
  /^Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /^Driver not Connected/i,
  /Client has encountered a connection error and is not queryable/i,
  /Client was closed and is not queryable/i,
  /Cannot use a pool after calling end on the pool/i,
  /connection is not yet established/i,
  // 55000 with this text: the database refuses connections (ALLOW_CONNECTIONS false, maintenance).
  /is not currently accepting connections/i,
];

function isOutage(error: object): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (OUTAGE_SQLSTATES.has(code) || OUTAGE_SYSTEM_CODES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code) && OUTAGE_SQLSTATE_CLASSES.includes(code.slice(0, 2))) return true;
  }
  return typeof message === 'string' && OUTAGE_MESSAGES.some((pattern) => pattern.test(message));
}

/** The error, then what it wraps: TypeORM's `driverError`, `cause`, and an AggregateError's errors. */
function* chain(error: unknown, depth = 0): Generator<object> {
  if (depth > 5 || typeof error !== 'object' || error === null) return;
  yield error;
  const wrapped = error as { driverError?: unknown; cause?: unknown; errors?: unknown };
  yield* chain(wrapped.driverError, depth + 1);
  yield* chain(wrapped.cause, depth + 1);
  if (Array.isArray(wrapped.errors)) {
    for (const inner of wrapped.errors) yield* chain(inner, depth + 1);
  }
}

/**
 * Classifies a failure of a database call: a connection-level failure (server down, restarting,
 * unreachable, connection killed, pool exhausted) becomes a retryable `DATABASE_UNAVAILABLE`
 * UpstreamError carrying the original as `cause`; anything else (constraint violations, syntax,
 * serialization failures) is not an outage and gives null.
 */
export function databaseUnavailable(error: unknown): UpstreamError | null {
  if (error instanceof UpstreamError) return error.code === 'DATABASE_UNAVAILABLE' ? error : null;
  for (const link of chain(error)) {
    if (isOutage(link)) {
      return new UpstreamError('DATABASE_UNAVAILABLE', 'database', 'The database is unavailable.', true, {
        cause: error,
      });
    }
  }
  return null;
}
