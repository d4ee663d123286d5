/**
 * Xaman sandbox conformance: transport, authentication, error shapes, payload validation codes and the
 * rate limit (reference §1, §2, §9, §11). Only xumm-sdk and plain HTTP.
 */
import { XummSdk } from 'xumm-sdk';
import { encode } from 'ripple-binary-codec';
import { Wallet } from 'xrpl';
import { startXamanSandbox, type XamanSandbox } from '../libs/sandbox/src/xaman';
import { getByCustomIdentifier, http, sdkFor } from './support/xaman/helpers';

const ACCOUNT = Wallet.generate().classicAddress;
const DEST = Wallet.generate().classicAddress;
const payment = () => ({
  TransactionType: 'Payment' as const,
  Account: ACCOUNT,
  Destination: DEST,
  Amount: '1000',
  Fee: '12',
  Sequence: 1,
});

describe('Xaman sandbox: platform API transport, auth and errors', () => {
  let sandbox: XamanSandbox;
  let sdk: XummSdk;
  let auth: Record<string, string>;

  beforeEach(async () => {
    sandbox = await startXamanSandbox({ port: 0 });
    sdk = sdkFor(sandbox);
    auth = { 'x-api-key': sandbox.apiKey, 'x-api-secret': sandbox.apiSecret };
  });
  afterEach(async () => {
    await sandbox.close();
  });

  it('listens on 127.0.0.1 and ping answers the §9 shape', async () => {
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const raw = await http(sandbox.url, 'GET', '/api/v1/platform/ping', undefined, auth);
    expect(raw.status).toBe(200);
    expect(raw.body).toMatchObject({
      pong: true,
      auth: { quota: {}, application: { uuidv4: sandbox.apiKey, disabled: 0 }, call: {} },
    });
    expect(raw.body.auth.call.uuidv4).toMatch(/^[0-9a-f-]{36}$/);
    const viaSdk = await sdk.ping();
    expect(viaSdk.application.name).toBe('Xaman Sandbox App');
  });

  it('publicUrl changes the links handed out, not where the sandbox listens', async () => {
    await sandbox.close();
    sandbox = await startXamanSandbox({ port: 0, publicUrl: 'https://xaman-sandbox.example/' });
    sdk = sdkFor(sandbox);
    const user = sandbox.createUser();
    const c = await sdk.payload.create({ txjson: payment(), user_token: user.userToken! });
    expect(c!.next).toEqual({
      always: `https://xaman-sandbox.example/sign/${c!.uuid}`,
      no_push_msg_received: `https://xaman-sandbox.example/sign/${c!.uuid}/qr`,
    });
    expect(c!.refs.websocket_status).toBe(`wss://xaman-sandbox.example/sign/${c!.uuid}`);
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:/);
  });

  describe('authentication (HTTP 403, codes 81x, JSON bodies)', () => {
    it('missing headers → 812', async () => {
      const r = await http(sandbox.url, 'GET', '/api/v1/platform/ping');
      expect(r.status).toBe(403);
      expect(r.headers.get('content-type')).toMatch(/application\/json/);
      expect(r.body.error.code).toBe(812);
      expect(r.body.error.reference).toMatch(/^[0-9a-f-]{36}$/);
    });
    it('malformed key → 812', async () => {
      const r = await http(sandbox.url, 'GET', '/api/v1/platform/ping', undefined, {
        'x-api-key': 'nope',
        'x-api-secret': sandbox.apiSecret,
      });
      expect([r.status, r.body.error.code]).toEqual([403, 812]);
    });
    it('unknown key → 811; the SDK throws with the code', async () => {
      const other = new XummSdk('00000000-0000-4000-8000-000000000000', sandbox.apiSecret);
      other.setEndpoint(sandbox.url);
      await expect(other.ping()).rejects.toThrow(/Error code 811/);
      const r = await http(sandbox.url, 'GET', '/api/v1/platform/ping', undefined, {
        ...auth,
        'x-api-key': '00000000-0000-4000-8000-000000000000',
      });
      expect([r.status, r.body.error.code]).toEqual([403, 811]);
    });
    it('wrong secret → 813; payload.create returns null (SDK semantics)', async () => {
      const other = new XummSdk(sandbox.apiKey, '00000000-0000-4000-8000-000000000000');
      other.setEndpoint(sandbox.url);
      await expect(other.ping()).rejects.toThrow(/Error code 813/);
      expect(await other.payload.create({ txjson: payment() })).toBeNull();
      await expect(other.payload.create({ txjson: payment() }, true)).rejects.toThrow(/Error code 813/);
    });
    it('the WebSocket needs no credentials; the control API has none', async () => {
      const r = await http(sandbox.url, 'GET', '/sandbox');
      expect(r.status).toBe(200);
      expect(r.body.sandbox).toBe('xaman');
    });
  });

  describe('error shapes', () => {
    it('unknown payload → soft 404 (HTTP 404); get returns null, cancel/subscribe throw', async () => {
      const uuid = '11111111-2222-4333-8444-555555555555';
      const r = await http(sandbox.url, 'GET', `/api/v1/platform/payload/${uuid}`, undefined, auth);
      expect(r.status).toBe(404);
      expect(r.body).toEqual({ error: { reference: expect.any(String), code: 404 } });
      expect(await sdk.payload.get(uuid)).toBeNull();
      await expect(sdk.payload.get(uuid, true)).rejects.toThrow(/Error code 404/);
      await expect(sdk.payload.cancel(uuid)).rejects.toThrow(/Error code 404/);
      await expect(sdk.payload.subscribe(uuid)).rejects.toThrow(/Error code 404/);
      const del = await http(sandbox.url, 'DELETE', `/api/v1/platform/payload/${uuid}`, undefined, auth);
      expect([del.status, del.body.error.code]).toEqual([404, 404]);
    });
    it('unknown custom identifier → 404', async () => {
      const r = await getByCustomIdentifier(sdk, 'nope');
      expect(r.error.code).toBe(404);
    });
    it('a hard error (injected) has the {error:true,message,...} shape; the SDK throws its message', async () => {
      sandbox.injectFault({ shape: 'hard', message: 'Database unavailable', endpoint: 'payload', count: 2 });
      const r = await http(sandbox.url, 'POST', '/api/v1/platform/payload', { txjson: payment() }, auth);
      expect(r.status).toBe(500);
      expect(r.body).toEqual({
        error: true,
        message: 'Database unavailable',
        reference: expect.any(String),
        code: 500,
        req: '/api/v1/platform/payload',
        method: 'POST',
      });
      await expect(sdk.payload.create({ txjson: payment() }, true)).rejects.toThrow('Database unavailable');
      sandbox.injectFault({ shape: 'hard', message: 'Ping failed' });
      await expect(sdk.ping()).rejects.toThrow('Ping failed');
      // fault consumed: back to normal
      expect(await sdk.payload.create({ txjson: payment() })).not.toBeNull();
    });
    it('a soft error can be injected through the control API, per endpoint and method', async () => {
      const f = await http(sandbox.url, 'POST', '/sandbox/faults', {
        shape: 'soft',
        code: 500,
        httpStatus: 503,
        endpoint: 'user-tokens',
      });
      expect(f.status).toBe(201);
      expect(await sdk.ping()).toBeTruthy(); // other endpoints unaffected
      const r = await http(sandbox.url, 'POST', '/api/v1/platform/user-tokens', { tokens: [] }, auth);
      expect(r.status).toBe(503);
      expect(r.body.error.code).toBe(500);
    });
    it('a hang fault leaves the call unanswered and undone; the next call is served', async () => {
      const uuid = (await sdk.payload.create({ txjson: payment() }))!.uuid;
      sandbox.injectFault({ shape: 'hang', endpoint: 'payload', method: 'DELETE' });
      const hung = await fetch(`${sandbox.url}/api/v1/platform/payload/${uuid}`, {
        method: 'DELETE',
        headers: auth,
        signal: AbortSignal.timeout(300),
      }).then(
        () => 'answered',
        (error: Error) => error.name,
      );
      expect(hung).toBe('TimeoutError');
      expect((sandbox.getPayloadRecord(uuid).platform.meta as any).cancelled).toBe(false);
      const del = await http(sandbox.url, 'DELETE', `/api/v1/platform/payload/${uuid}`, undefined, auth);
      expect(del.status).toBe(200);
    });
    it('a fault with a target hits only calls about that resource', async () => {
      const spared = (await sdk.payload.create({ txjson: payment() }))!.uuid;
      const aimed = (await sdk.payload.create({ txjson: payment() }))!.uuid;
      const f = await http(sandbox.url, 'POST', '/sandbox/faults', {
        shape: 'soft',
        code: 500,
        httpStatus: 503,
        endpoint: 'payload',
        method: 'DELETE',
        target: aimed.toUpperCase(),
      });
      expect(f.status).toBe(201);
      const first = await http(sandbox.url, 'DELETE', `/api/v1/platform/payload/${spared}`, undefined, auth);
      expect(first.status).toBe(200);
      const second = await http(sandbox.url, 'DELETE', `/api/v1/platform/payload/${aimed}`, undefined, auth);
      expect(second.status).toBe(503);
      const third = await http(sandbox.url, 'DELETE', `/api/v1/platform/payload/${aimed}`, undefined, auth);
      expect(third.status).toBe(200);
    });
    it('unknown platform routes and the QR image URLs answer JSON 404', async () => {
      const r = await http(sandbox.url, 'GET', '/api/v1/platform/nope', undefined, auth);
      expect([r.status, r.body.error.code]).toEqual([404, 404]);
      const created = await sdk.payload.create({ txjson: payment() });
      const png = await http(sandbox.url, 'GET', new URL(created!.refs.qr_png).pathname);
      expect(png.status).toBe(404);
      expect(png.body.error.code).toBe(404);
      const page = await fetch(created!.next.always);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('SANDBOX');
    });
  });

  describe('POST payload validation (codes in §11 order)', () => {
    const post = (body: unknown) => http(sandbox.url, 'POST', '/api/v1/platform/payload', body, auth);
    const expectCode = async (body: unknown, code: number, status = 400) => {
      const r = await post(body);
      expect(r.body).toEqual({ error: { reference: expect.any(String), code } });
      expect(r.status).toBe(status);
    };
    it('599 empty / not JSON / {}', async () => {
      await expectCode('', 599);
      await expectCode('{not json', 599);
      await expectCode({}, 599);
    });
    it('604 both txjson and txblob', async () => {
      await expectCode({ txjson: payment(), txblob: encode(payment()) }, 604);
    });
    it('600 neither, or a txblob that is not uppercase hex', async () => {
      await expectCode({ user_token: 'x' }, 600);
      await expectCode({ txblob: encode(payment()).toLowerCase() }, 600);
      await expectCode({ txblob: 'ABC' }, 600);
    });
    it('601 txblob that does not decode', async () => {
      await expectCode({ txblob: 'FFFFFFFFFFFFFFFF' }, 601);
    });
    it('602 missing or unknown TransactionType (SDK: create returns null, throws with returnErrors)', async () => {
      await expectCode({ txjson: { Account: ACCOUNT } }, 602);
      await expectCode({ txjson: { TransactionType: 'Teleport' } }, 602);
      expect(await sdk.payload.create({ txjson: { TransactionType: 'Teleport' } as never })).toBeNull();
      await expect(
        sdk.payload.create({ txjson: { TransactionType: 'Teleport' } as never }, true),
      ).rejects.toThrow(/Error code 602/);
    });
    it('603 txjson that cannot be encoded', async () => {
      await expectCode({ txjson: { ...payment(), Destination: 'not-an-address' } }, 603);
    });
    it('413 identifier > 40, instruction > 280, blob > 1500', async () => {
      await expectCode({ txjson: payment(), custom_meta: { identifier: 'x'.repeat(41) } }, 413);
      await expectCode({ txjson: payment(), custom_meta: { instruction: 'y'.repeat(281) } }, 413);
      await expectCode({ txjson: payment(), custom_meta: { blob: { b: 'z'.repeat(1500) } } }, 413);
      // limits are inclusive; instruction is measured after whitespace normalisation
      const ok = await post({
        txjson: payment(),
        custom_meta: { identifier: 'x'.repeat(40), instruction: 'a' + ' '.repeat(400) + 'b' },
      });
      expect(ok.status).toBe(200);
    });
    it('409 (HTTP 400) duplicate identifier, forever, also after cancel; numbers are stringified', async () => {
      const first = await sdk.payload.create({ txjson: payment(), custom_meta: { identifier: 'dup-1' } });
      expect(first).not.toBeNull();
      await sdk.payload.cancel(first!.uuid);
      await expectCode({ txjson: payment(), custom_meta: { identifier: 'dup-1' } }, 409);
      expect(
        await sdk.payload.create({ txjson: payment(), custom_meta: { identifier: 'dup-1' } }),
      ).toBeNull();
      await expect(
        sdk.payload.create({ txjson: payment(), custom_meta: { identifier: 'dup-1' } }, true),
      ).rejects.toThrow(/Error code 409/);
      await post({ txjson: payment(), custom_meta: { identifier: 1337 } });
      await expectCode({ txjson: payment(), custom_meta: { identifier: '1337' } }, 409);
    });
    it('accepts txblob, normalises Fee/XRP Amount, forces SignIn to submit:false multisign:false', async () => {
      const blob = await sdk.payload.create({ txblob: encode(payment()) });
      const got = await sdk.payload.get(blob!.uuid);
      expect(got!.payload.request_json).toMatchObject({
        TransactionType: 'Payment',
        Account: ACCOUNT,
        Amount: '1000',
      });
      const norm = await sdk.payload.create({
        txjson: {
          ...payment(),
          Fee: 12,
          Amount: { currency: 'XRP', issuer: '', value: '1.5' },
        },
      });
      const n = await sdk.payload.get(norm!.uuid);
      expect(n!.payload.request_json).toMatchObject({ Fee: '12', Amount: '1500000' });
      const signIn = await sdk.payload.create({
        txjson: { TransactionType: 'SignIn' },
        options: { multisign: true, submit: true },
      });
      const s = await sdk.payload.get(signIn!.uuid);
      expect(s!.meta).toMatchObject({ multisign: false, submit: false });
      expect(s!.payload.tx_type).toBe('SignIn');
    });
    it('a bare transaction (SDK wraps it as txjson) is accepted', async () => {
      const created = await sdk.payload.create(payment());
      expect(created!.uuid).toMatch(/^[0-9a-f-]{36}$/);
      expect(created!.pushed).toBe(false);
    });
  });

  describe('rate limit (XAMAN_SANDBOX_RATE_LIMIT)', () => {
    it('unlimited by default, headers present anyway', async () => {
      const r = await http(sandbox.url, 'GET', '/api/v1/platform/ping', undefined, auth);
      expect(r.headers.get('x-ratelimit-limit')).toBeTruthy();
      expect(r.headers.get('x-ratelimit-remaining')).toBeTruthy();
      for (let i = 0; i < 30; i++) await sdk.ping();
    });
    it('counts per sliding minute and answers 429 + soft error 429 when exceeded', async () => {
      await sandbox.close();
      sandbox = await startXamanSandbox({ port: 0, rateLimitPerMinute: 3 });
      sdk = sdkFor(sandbox);
      const seen: Array<[number, string | null, string | null]> = [];
      for (let i = 0; i < 4; i++) {
        const r = await http(sandbox.url, 'GET', '/api/v1/platform/ping', undefined, auth);
        seen.push([r.status, r.headers.get('x-ratelimit-limit'), r.headers.get('x-ratelimit-remaining')]);
        if (r.status === 429) {
          expect(r.body).toEqual({ error: { reference: expect.any(String), code: 429 } });
          expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
        }
      }
      expect(seen).toEqual([
        [200, '3', '2'],
        [200, '3', '1'],
        [200, '3', '0'],
        [429, '3', '0'],
      ]);
      await expect(sdk.ping()).rejects.toThrow(/Error code 429/);
      expect(await sdk.payload.create({ txjson: payment() })).toBeNull();
      // the control API is never limited, and can change the limit
      const r = await http(sandbox.url, 'PUT', '/sandbox/rate-limit', { perMinute: 0 });
      expect(r.status).toBe(200);
      expect(await sdk.ping()).toBeTruthy();
    });
    it('the window slides: calls older than a minute no longer count', async () => {
      await sandbox.close();
      sandbox = await startXamanSandbox({ port: 0, rateLimitPerMinute: 1 });
      sdk = sdkFor(sandbox);
      jest.useFakeTimers({
        doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'queueMicrotask'],
      });
      try {
        jest.setSystemTime(Date.now());
        expect(await sdk.ping()).toBeTruthy();
        await expect(sdk.ping()).rejects.toThrow(/429/);
        jest.setSystemTime(Date.now() + 61_000);
        expect(await sdk.ping()).toBeTruthy();
      } finally {
        jest.useRealTimers();
      }
    });
  });
});
