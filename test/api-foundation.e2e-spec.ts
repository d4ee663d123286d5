import { startTestApi, TestApi } from './support/api';

describe('API foundation (real app, real PostgreSQL)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api.close();
  });

  const countRows = async (table: string) =>
    Number((await api.db.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n);

  it('GET /health answers 200 with the database up, without an API key', async () => {
    const res = await api.call('GET', '/health', undefined, null);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', database: 'up' });
    // Nothing about the deployment for unauthenticated callers.
    expect(res.body).not.toHaveProperty('network');
    expect(res.body).not.toHaveProperty('sandbox');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('echoes a safe incoming request id and replaces an unsafe one', async () => {
    const safe = await api.call('GET', '/health', undefined, null, { 'x-request-id': 'trace-123' });
    expect(safe.headers.get('x-request-id')).toBe('trace-123');
    const unsafe = await api.call('GET', '/health', undefined, null, { 'x-request-id': 'bad id\twith tab' });
    // Replaced by a fresh UUID (comparing with a substring of the unsafe value would fail on a UUID that
    // happens to hold it: 9bad…).
    expect(unsafe.headers.get('x-request-id')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
  });

  it('answers an unknown route with the error shape and a stable code', async () => {
    const res = await api.call('GET', '/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      statusCode: 404,
      code: 'ROUTE_NOT_FOUND',
      message: expect.any(String),
      requestId: res.headers.get('x-request-id'),
    });
  });

  it('answers malformed JSON with MALFORMED_JSON and a request id', async () => {
    const res = await api.call('POST', '/v1/api-keys', '{"name": ', api.adminKey);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('MALFORMED_JSON');
    expect(res.body.requestId).toMatch(/.+/);
    expect(res.headers.get('x-request-id')).toBe(res.body.requestId);
  });

  it('answers an oversized body with PAYLOAD_TOO_LARGE', async () => {
    const res = await api.call('POST', '/v1/api-keys', { name: 'x'.repeat(300_000), role: 'viewer' });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it.each([
    ['an unknown role', { name: 'ops', role: 'root' }, 'role'],
    ['a missing name', { role: 'viewer' }, 'name'],
    ['a blank name', { name: '   ', role: 'viewer' }, 'name'],
    ['an unknown field', { name: 'ops', role: 'viewer', isAdmin: true }, 'isAdmin'],
    ['a wrong type', { name: 42, role: 'viewer' }, 'name'],
  ])('refuses %s with VALIDATION_FAILED naming the field, and stores nothing', async (_case, body, field) => {
    const keysBefore = await countRows('api_keys');
    const auditBefore = await countRows('audit_events');
    const res = await api.call('POST', '/v1/api-keys', body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.details.fields.map((f: { field: string }) => f.field)).toContain(field);
    expect(await countRows('api_keys')).toBe(keysBefore);
    expect(await countRows('audit_events')).toBe(auditBefore);
  });

  describe('API keys', () => {
    it('refuses /v1 routes without a key, with a malformed header, or with an unknown key', async () => {
      expect((await api.call('GET', '/v1/api-keys', undefined, null)).body.code).toBe('UNAUTHENTICATED');
      const basic = await api.call('GET', '/v1/api-keys', undefined, null, { authorization: 'Basic abc' });
      expect(basic.status).toBe(401);
      const unknown = await api.call('GET', '/v1/api-keys', undefined, `msc_abcdefgh_${'A'.repeat(43)}`);
      expect(unknown.status).toBe(401);
      expect(unknown.body.code).toBe('UNAUTHENTICATED');
    });

    it('issues a key once, stores only its hash, lists it without the secret, and revokes it', async () => {
      const created = await api.call('POST', '/v1/api-keys', { name: 'viewer bot', role: 'viewer' });
      expect(created.status).toBe(201);
      expect(created.body.key).toMatch(/^msc_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
      const stored = await api.db.dataSource.query(`SELECT secret_hash FROM api_keys WHERE id = $1`, [
        created.body.id,
      ]);
      expect(stored[0].secret_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(stored)).not.toContain(created.body.key);

      const listed = await api.call('GET', '/v1/api-keys');
      expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
      expect(listed.body.items.map((k: { id: string }) => k.id)).toContain(created.body.id);

      // A viewer can authenticate but is not an admin.
      const asViewer = await api.call('GET', '/v1/api-keys', undefined, created.body.key);
      expect(asViewer.status).toBe(403);
      expect(asViewer.body.code).toBe('FORBIDDEN');

      const revoked = await api.call('DELETE', `/v1/api-keys/${created.body.id}`);
      expect(revoked.status).toBe(200);
      expect(revoked.body.revokedAt).not.toBeNull();
      const afterRevoke = await api.call('GET', '/v1/api-keys', undefined, created.body.key);
      expect(afterRevoke.body.code).toBe('UNAUTHENTICATED');
      const again = await api.call('DELETE', `/v1/api-keys/${created.body.id}`);
      expect(again.body.code).toBe('API_KEY_ALREADY_REVOKED');

      const audit = await api.db.dataSource.query(
        `SELECT action FROM audit_events WHERE entity_id = $1 ORDER BY id`,
        [created.body.id],
      );
      expect(audit.map((a: { action: string }) => a.action)).toEqual(['api_key.created', 'api_key.revoked']);
    });

    it('refuses a malformed key id and an unknown one with stable codes', async () => {
      expect((await api.call('DELETE', '/v1/api-keys/not-a-uuid')).status).toBe(400);
      const unknown = await api.call('DELETE', '/v1/api-keys/00000000-0000-4000-8000-000000000000');
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('API_KEY_NOT_FOUND');
    });
  });
});
