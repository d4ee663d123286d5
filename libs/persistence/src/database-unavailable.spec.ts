import { QueryFailedError } from 'typeorm';
import { UpstreamError } from './domain-contracts';
import { databaseUnavailable } from './database-unavailable';

/** Error shapes as pg, pg-pool, Node and TypeORM raise them (the real ones: test/persistence-connection-loss). */
const withCode = (code: string, message = 'x'): Error => Object.assign(new Error(message), { code });
const queryFailed = (driverError: Error): QueryFailedError =>
  new QueryFailedError('SELECT 1', [], driverError);

describe('databaseUnavailable', () => {
  it.each([
    ['a connection exception (class 08)', withCode('08006')],
    ['a connection refused by the server (08004)', withCode('08004')],
    ['admin shutdown (pg_terminate_backend)', queryFailed(withCode('57P01', 'terminating connection'))],
    ['crash shutdown', withCode('57P02')],
    ['the server starting up', withCode('57P03')],
    ['too many connections', withCode('53300')],
    ['a missing database', withCode('3D000')],
    ['ECONNREFUSED', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['ECONNRESET, wrapped as a cause', new Error('query failed', { cause: withCode('ECONNRESET') })],
    [
      'ETIMEDOUT inside an AggregateError',
      new AggregateError([withCode('ETIMEDOUT')], 'all addresses failed'),
    ],
    ['a dropped connection', queryFailed(new Error('Connection terminated unexpectedly'))],
    ['a connect timeout', new Error('Connection terminated due to connection timeout')],
    ['an exhausted pool', new Error('timeout exceeded when trying to connect')],
    ['a broken client', new Error('Client has encountered a connection error and is not queryable')],
    ['TypeORM without a pool', new Error('Driver not Connected')],
  ])('classifies %s as a retryable DATABASE_UNAVAILABLE, keeping the cause', (_name, error) => {
    const classified = databaseUnavailable(error);
    expect(classified).toBeInstanceOf(UpstreamError);
    expect(classified).toMatchObject({ code: 'DATABASE_UNAVAILABLE', service: 'database', retryable: true });
    expect(classified!.cause).toBe(error);
    expect(classified!.message).not.toMatch(/127\.0\.0\.1|postgres:\/\//);
  });

  it.each([
    ['a unique violation', queryFailed(withCode('23505', 'duplicate key value'))],
    ['a check violation', queryFailed(withCode('23514'))],
    ['a serialization failure', queryFailed(withCode('40001'))],
    ['a syntax error', queryFailed(withCode('42601'))],
    ['an ordinary error', new Error('boom')],
    ['a string', 'Connection terminated'],
    ['null', null],
    ['another upstream failure', new UpstreamError('XAMAN_UNAVAILABLE', 'xaman', 'down', true)],
  ])('leaves %s alone (null)', (_name, error) => {
    expect(databaseUnavailable(error)).toBeNull();
  });

  it('returns an already classified DATABASE_UNAVAILABLE as it is', () => {
    const error = new UpstreamError('DATABASE_UNAVAILABLE', 'database', 'down', true);
    expect(databaseUnavailable(error)).toBe(error);
  });
});
