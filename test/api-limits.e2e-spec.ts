import { randomUUID } from 'node:crypto';
import { apiKeyTools } from '@app/persistence';
import { startTestApi, TestApi } from './support/api';

/**
 * Inbound limits: per API key (per IP without one), a tighter one for proposal creation, answered
 * 429 RATE_LIMITED with Retry-After and the RateLimit fields; health and the Xaman webhook are never
 * throttled. And API keys that expire.
 */
describe('inbound rate limits (real app, real PostgreSQL)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ RATE_LIMIT_PER_MINUTE: '5', PROPOSAL_RATE_LIMIT_PER_MINUTE: '2' });
  });
  afterAll(async () => {
    await api.close();
  });

  const newKey = async (role: 'viewer' | 'proposer' | 'admin') =>
    (await apiKeyTools(api.db.dataSource).issue(`${role} ${randomUUID()}`, role)).key;
  const proposalCount = async () =>
    Number((await api.db.dataSource.query(`SELECT count(*)::int AS n FROM proposals`))[0].n);

  it('answers a burst beyond the limit of one key with 429, Retry-After and RateLimit fields', async () => {
    const key = await newKey('viewer');
    const answers = [];
    for (let i = 0; i < 7; i++) answers.push(await api.call('GET', '/v1/accounts', undefined, key));

    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(answers.map((a) => a.headers.get('ratelimit'))).toEqual([
      expect.stringMatching(/^"default";r=4;t=\d+$/),
      expect.stringMatching(/^"default";r=3;t=\d+$/),
      expect.stringMatching(/^"default";r=2;t=\d+$/),
      expect.stringMatching(/^"default";r=1;t=\d+$/),
      expect.stringMatching(/^"default";r=0;t=\d+$/),
      expect.stringMatching(/^"default";r=0;t=\d+$/),
      expect.stringMatching(/^"default";r=0;t=\d+$/),
    ]);
    expect(answers[0]!.headers.get('ratelimit-policy')).toBe('"default";q=5;w=60');
    const refused = answers[5]!;
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.body).toEqual({
      statusCode: 429,
      code: 'RATE_LIMITED',
      message: expect.stringContaining('at most 5 a minute per API key'),
      requestId: refused.headers.get('x-request-id'),
      details: { policy: 'default', limit: 5, windowSeconds: 60, retryAfterSeconds: retryAfter },
    });
  });

  it('counts each key on its own: another key is still served', async () => {
    const busy = await newKey('viewer');
    for (let i = 0; i < 5; i++) await api.call('GET', '/v1/accounts', undefined, busy);
    expect((await api.call('GET', '/v1/accounts', undefined, busy)).status).toBe(429);
    expect((await api.call('GET', '/v1/accounts', undefined, await newKey('viewer'))).status).toBe(200);
  });

  it('limits proposal creation more tightly, across both policies, and stores nothing refused', async () => {
    const key = await newKey('proposer');
    const body = { accountId: randomUUID(), txjson: { TransactionType: 'Payment' } };
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await api.call('POST', '/v1/proposals', body, key));

    // The first two reach the handler (the account does not exist); the third is refused before it.
    expect(answers.map((a) => [a.status, a.body.code])).toEqual([
      [404, 'ACCOUNT_NOT_FOUND'],
      [404, 'ACCOUNT_NOT_FOUND'],
      [429, 'RATE_LIMITED'],
    ]);
    expect(answers[0]!.headers.get('ratelimit-policy')).toBe('"default";q=5;w=60, "proposals";q=2;w=60');
    expect(answers[2]!.headers.get('ratelimit')).toMatch(/^"default";r=2;t=\d+, "proposals";r=0;t=\d+$/);
    expect(answers[2]!.body.details).toMatchObject({ policy: 'proposals', limit: 2 });
    expect(Number(answers[2]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await proposalCount()).toBe(0);
    // Reading is still allowed: the default policy has room left.
    expect((await api.call('GET', '/v1/proposals', undefined, key)).status).toBe(200);
  });

  it('counts requests without a valid key by client IP, and never throttles health or the webhook', async () => {
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      statuses.push(
        (await api.call('GET', '/v1/accounts', undefined, `msc_aaaaaaaa_${'A'.repeat(43)}`)).status,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect((await api.call('GET', '/v1/accounts', undefined, null)).status).toBe(429);

    const health = [];
    for (let i = 0; i < 12; i++) health.push((await api.call('GET', '/health', undefined, null)).status);
    expect(health).toEqual(Array(12).fill(200));

    const webhooks = [];
    for (let i = 0; i < 12; i++) {
      webhooks.push((await api.call('POST', '/v1/webhooks/xaman', { meta: {} }, null)).body.code);
    }
    expect(webhooks).toEqual(Array(12).fill('WEBHOOK_SIGNATURE_INVALID'));
  });
});

describe('production rate limits', () => {
  it('are 600 requests and 10 proposals a minute per key unless configured', async () => {
    const api = await startTestApi({ RATE_LIMIT_PER_MINUTE: '', PROPOSAL_RATE_LIMIT_PER_MINUTE: '' });
    try {
      const res = await api.call('POST', '/v1/proposals', { accountId: randomUUID(), txjson: {} });
      expect(res.headers.get('ratelimit-policy')).toBe('"default";q=600;w=60, "proposals";q=10;w=60');
    } finally {
      await api.close();
    }
  });
});

describe('API keys that expire (real app, real PostgreSQL)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api.close();
  });

  const keyCount = async () =>
    Number((await api.db.dataSource.query(`SELECT count(*)::int AS n FROM api_keys`))[0].n);

  it('issues a key with expiresInDays or expiresAt, and lists its expiry and last use', async () => {
    const before = Date.now();
    const byDays = await api.call('POST', '/v1/api-keys', { name: 'temp', role: 'viewer', expiresInDays: 7 });
    expect(byDays.status).toBe(201);
    const expiresAt = Date.parse(byDays.body.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 7 * 86_400_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 7 * 86_400_000);

    const at = new Date(Date.now() + 3_600_000).toISOString();
    const byDate = await api.call('POST', '/v1/api-keys', { name: 'temp2', role: 'viewer', expiresAt: at });
    expect(byDate.status).toBe(201);
    expect(byDate.body.expiresAt).toBe(at);

    expect((await api.call('GET', '/v1/accounts', undefined, byDays.body.key)).status).toBe(200);
    const listed = await api.call('GET', '/v1/api-keys');
    const item = listed.body.items.find((k: { id: string }) => k.id === byDays.body.id);
    expect(item).toMatchObject({ expiresAt: byDays.body.expiresAt, lastUsedAt: expect.any(String) });
    expect(listed.body.items.find((k: { id: string }) => k.id === byDate.body.id)).toMatchObject({
      expiresAt: at,
      lastUsedAt: null,
    });
    expect(JSON.stringify(listed.body)).not.toContain(byDays.body.key);
  });

  it.each([
    ['an expiry in the past', { expiresAt: '2020-01-01T00:00:00Z' }, 'expiresAt'],
    ['an expiry without a time zone', { expiresAt: '2999-01-01T00:00:00' }, 'expiresAt'],
    ['a date that is not one', { expiresAt: 'tomorrow' }, 'expiresAt'],
    ['zero days', { expiresInDays: 0 }, 'expiresInDays'],
    ['both forms', { expiresAt: '2999-01-01T00:00:00Z', expiresInDays: 3 }, 'expiresAt'],
  ])('refuses %s with VALIDATION_FAILED and stores no key', async (_case, expiry, field) => {
    const before = await keyCount();
    const res = await api.call('POST', '/v1/api-keys', { name: 'temp', role: 'viewer', ...expiry });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.details.fields.map((f: { field: string }) => f.field)).toContain(field);
    expect(await keyCount()).toBe(before);
  });

  it('refuses an expired key as UNAUTHENTICATED, saying it expired', async () => {
    const issued = await api.call('POST', '/v1/api-keys', {
      name: 'short',
      role: 'viewer',
      expiresInDays: 1,
    });
    expect((await api.call('GET', '/v1/accounts', undefined, issued.body.key)).status).toBe(200);
    // Move its expiry just after its creation: the key is now past it.
    await api.db.dataSource.query(
      `UPDATE api_keys SET expires_at = created_at + interval '1 millisecond' WHERE id = $1`,
      [issued.body.id],
    );
    const refused = await api.call('GET', '/v1/accounts', undefined, issued.body.key);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: expect.stringMatching(/expired at/),
    });
  });
});
