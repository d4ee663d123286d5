import { hashSessionSecret } from '@app/domain';
import { apiKeyTools } from '@app/persistence';
import { startTestApi, TestApi } from './support/api';

/** Console sessions over real HTTP: the cookie, its expiry, sign-out, the CSRF defence, roles. */
describe('Console sessions (cookie + CSRF)', () => {
  let api: TestApi;
  let origin: string;
  const consoleHeaders = () => ({ origin, 'x-requested-with': 'msc-console' });

  beforeAll(async () => {
    api = await startTestApi({ CONSOLE_SESSION_TTL_MINUTES: '5' });
    origin = api.url.replace('[::1]', 'localhost');
  });
  afterAll(() => api.close());

  async function signIn(apiKey: string): Promise<string> {
    const res = await api.call('POST', '/v1/sessions', { apiKey }, null, consoleHeaders());
    expect(res.status).toBe(201);
    const cookie = res.headers.get('set-cookie')!;
    return cookie.split(';')[0]!;
  }

  it('exchanges an API key for an HttpOnly, SameSite=Strict cookie that never carries the key', async () => {
    const res = await api.call('POST', '/v1/sessions', { apiKey: api.adminKey }, null, consoleHeaders());
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ role: 'admin', name: 'test admin' });
    expect(JSON.stringify(res.body)).not.toContain(api.adminKey);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(
      /^msc_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=(299|300); /,
    );
    expect(cookie).not.toContain(api.adminKey);
    expect(res.headers.get('cache-control')).toBe('no-store');

    const me = await api.call('GET', '/v1/sessions/current', undefined, null, {
      cookie: cookie.split(';')[0]!,
    });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ role: 'admin', authenticatedBy: 'session', network: 'sandbox' });
  });

  it('refuses a bad key (401) and a sign-in from another site (403 CSRF_REFUSED), storing no session', async () => {
    const bad = await api.call('POST', '/v1/sessions', { apiKey: 'msc_wrong' }, null, consoleHeaders());
    expect(bad.status).toBe(401);
    expect(bad.body.code).toBe('UNAUTHENTICATED');
    const before = await api.db.dataSource.query('SELECT count(*)::int AS n FROM console_sessions');
    const crossSite = await api.call('POST', '/v1/sessions', { apiKey: api.adminKey }, null, {
      origin: 'https://evil.example',
    });
    expect(crossSite.status).toBe(403);
    expect(crossSite.body.code).toBe('CSRF_REFUSED');
    expect(crossSite.headers.get('set-cookie')).toBeNull();
    const after = await api.db.dataSource.query('SELECT count(*)::int AS n FROM console_sessions');
    expect(after).toEqual(before);
  });

  it('refuses a cross-site form post with the cookie: no console header, or another Origin or site', async () => {
    const cookie = await signIn(api.adminKey);
    const form = 'name=x&role=admin';
    const formPost = await api.call('POST', '/v1/api-keys', form, null, {
      cookie,
      origin: 'https://evil.example',
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(formPost.status).toBe(403);
    expect(formPost.body.code).toBe('CSRF_REFUSED');
    const otherOrigin = await api.call('POST', '/v1/api-keys', { name: 'x', role: 'admin' }, null, {
      cookie,
      origin: 'https://evil.example',
      'x-requested-with': 'msc-console',
    });
    expect(otherOrigin.body.code).toBe('CSRF_REFUSED');
    const crossSiteFetch = await api.call('POST', '/v1/api-keys', { name: 'x', role: 'admin' }, null, {
      cookie,
      'sec-fetch-site': 'cross-site',
      'x-requested-with': 'msc-console',
    });
    expect(crossSiteFetch.body.code).toBe('CSRF_REFUSED');
    const keys = await api.call('GET', '/v1/api-keys');
    expect(keys.body.items.map((k: { name: string }) => k.name)).not.toContain('x');

    const sameOrigin = await api.call(
      'POST',
      '/v1/api-keys',
      { name: 'made in the console', role: 'viewer' },
      null,
      {
        cookie,
        ...consoleHeaders(),
        'sec-fetch-site': 'same-origin',
      },
    );
    expect(sameOrigin.status).toBe(201);
  });

  it('enforces the role of the session: a viewer reads but cannot change anything', async () => {
    const viewer = await apiKeyTools(api.db.dataSource).issue('console viewer', 'viewer');
    const cookie = await signIn(viewer.key);
    expect((await api.call('GET', '/v1/proposals', undefined, null, { cookie })).status).toBe(200);
    const forged = await api.call('POST', '/v1/api-keys', { name: 'y', role: 'admin' }, null, {
      cookie,
      ...consoleHeaders(),
    });
    expect(forged.status).toBe(403);
    expect(forged.body.code).toBe('FORBIDDEN');
  });

  it('a session past its expiry is refused 401, and so is one after sign-out', async () => {
    const cookie = await signIn(api.adminKey);
    const [rows] = await api.db.dataSource.query(
      `UPDATE console_sessions SET expires_at = now() - interval '1 second' WHERE secret_hash = $1 RETURNING id`,
      [hashSessionSecret(cookie.split('=')[1]!)],
    );
    expect(rows).toHaveLength(1);
    const expired = await api.call('GET', '/v1/sessions/current', undefined, null, { cookie });
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('UNAUTHENTICATED');

    const other = await signIn(api.adminKey);
    const out = await api.call('DELETE', '/v1/sessions/current', undefined, null, {
      cookie: other,
      ...consoleHeaders(),
    });
    expect(out.status).toBe(200);
    expect(out.body).toEqual({ signedOut: true });
    expect(out.headers.get('set-cookie')).toMatch(
      /^msc_session=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0/,
    );
    expect((await api.call('GET', '/v1/sessions/current', undefined, null, { cookie: other })).status).toBe(
      401,
    );
  });

  it('stores only the hash of the session secret', async () => {
    const cookie = await signIn(api.adminKey);
    const secret = cookie.split('=')[1]!;
    const rows = await api.db.dataSource.query('SELECT * FROM console_sessions');
    expect(JSON.stringify(rows)).not.toContain(secret);
  });
});
