/**
 * Xaman sandbox conformance: resolve webhooks (reference §8): when, headers, body, HMAC (first hyphen of
 * the secret only), success codes and Xaman's retry schedule (scaled down).
 */
import { createHmac } from 'node:crypto';
import { Wallet } from 'xrpl';
import type { XummSdk, XummTypes } from 'xumm-sdk';
import {
  startXamanSandbox,
  XAMAN_WEBHOOK_RETRY_DELAYS_MS,
  xamanWebhookSignature,
  type XamanSandbox,
} from '../libs/sandbox/src/xaman';
import { http, sdkFor, sleep, startWebhookReceiver, waitFor } from './support/xaman/helpers';

const tx = (): XummTypes.XummJsonTransaction => ({
  TransactionType: 'Payment',
  Account: Wallet.generate().classicAddress,
  Destination: Wallet.generate().classicAddress,
  Amount: '10',
  Fee: '24',
  Sequence: 3,
  SigningPubKey: '',
});

describe('Xaman sandbox: webhooks', () => {
  let sandbox: XamanSandbox | undefined;
  let hook: Awaited<ReturnType<typeof startWebhookReceiver>> | undefined;
  let sdk: XummSdk;

  async function setup(statuses: number[] = [200], extra: Parameters<typeof startXamanSandbox>[0] = {}) {
    hook = await startWebhookReceiver(statuses);
    sandbox = await startXamanSandbox({
      port: 0,
      webhookUrl: hook.url,
      webhookRetryDelaysMs: [30, 60, 90, 90],
      ...extra,
    });
    sdk = sdkFor(sandbox);
    return { sandbox, hook };
  }
  afterEach(async () => {
    await sandbox?.close();
    await hook?.close();
    sandbox = undefined;
    hook = undefined;
  });

  it('Xaman retry delays are the documented defaults', () => {
    expect(XAMAN_WEBHOOK_RETRY_DELAYS_MS).toEqual([10_000, 60_000, 600_000, 600_000]);
  });

  it('by default the sandbox schedules retries 10 s, 60 s, 600 s, 600 s apart (delivery log)', async () => {
    const { sandbox, hook } = await setup([500], { webhookRetryDelaysMs: undefined });
    const user = sandbox.createUser();
    const c = await sdk.payload.create({ txjson: tx(), user_token: user.userToken! });
    sandbox.sign(c!.uuid);
    await waitFor(() => sandbox.webhookDeliveries().length === 1);
    await sleep(100);
    expect(hook.received).toHaveLength(1);
    expect(sandbox.webhookDeliveries()[0]).toMatchObject({
      attempt: 1,
      status: 500,
      ok: false,
      retryInMs: 10_000,
    });
  });

  it('on sign: headers, compact body and HMAC-SHA1 keyed with the secret minus its FIRST hyphen', async () => {
    const { sandbox, hook } = await setup();
    const user = sandbox.createUser();
    const created = await sdk.payload.create({
      txjson: tx(),
      user_token: user.userToken!,
      options: { multisign: true, return_url: { app: 'app://x/{id}' } },
      custom_meta: { identifier: 'wh-1', blob: { n: 1 }, instruction: 'Hey ❤️' },
    });
    await http(sandbox.url, 'POST', `/sandbox/payloads/${created!.uuid}/sign`);
    const [w] = await waitFor(() => (hook.received.length ? hook.received : null));
    const h = w!.headers;
    expect(h['content-type']).toBe('application/json');
    expect(h['user-agent']).toBe('xumm-webhook');
    expect(h['x-xumm-attempt']).toBe('1');
    expect(h['x-xumm-payload']).toBe(created!.uuid);
    const ts = String(h['x-xumm-request-timestamp']);
    expect(ts).toMatch(/^\d{10}$/);
    expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(5);
    const expected = createHmac('sha1', sandbox.apiSecret.replace('-', ''))
      .update(ts + w!.rawBody)
      .digest('hex');
    expect(h['x-xumm-request-signature']).toBe(expected);
    expect(h['x-xumm-request-signature']).toMatch(/^[0-9a-f]{40}$/);
    // all hyphens stripped is a different key: must NOT match
    const wrong = createHmac('sha1', sandbox.apiSecret.replace(/-/g, ''))
      .update(ts + w!.rawBody)
      .digest('hex');
    expect(h['x-xumm-request-signature']).not.toBe(wrong);
    expect(xamanWebhookSignature(sandbox.apiSecret, ts, w!.rawBody)).toBe(expected);
    expect(w!.rawBody).toBe(JSON.stringify(JSON.parse(w!.rawBody))); // compact JSON

    const got = await sdk.payload.get(created!.uuid);
    expect(w!.body).toEqual({
      meta: {
        url: hook.url,
        application_uuidv4: sandbox.apiKey,
        payload_uuidv4: created!.uuid,
        opened_by_deeplink: true,
      },
      custom_meta: { identifier: 'wh-1', blob: { n: 1 }, instruction: 'Hey ❤️' },
      payloadResponse: {
        payload_uuidv4: created!.uuid,
        reference_call_uuidv4: expect.stringMatching(/^[0-9a-f-]{36}$/),
        signed: true,
        user_token: true,
        return_url: { app: `app://x/${created!.uuid}`, web: null },
        txid: got!.response.txid,
      },
      userToken: {
        user_token: user.userToken,
        token_issued: user.tokenIssued,
        token_expiration: expect.any(Number),
      },
    });
    expect(w!.body.userToken.token_expiration - Date.now() / 1000).toBeGreaterThan(30 * 86400 - 10);
    expect(w!.body).not.toHaveProperty('payloadResponse.hex');
    // the delivery log agrees
    const log = await http(sandbox.url, 'GET', '/sandbox/webhooks');
    expect(log.body).toHaveLength(1);
    expect(log.body[0]).toMatchObject({ payloadUuid: created!.uuid, attempt: 1, status: 200, ok: true });
    expect(log.body[0].body).toBe(w!.rawBody);
  });

  it('on reject: signed:false, txid "", userToken only when the user had a live token', async () => {
    const { sandbox, hook } = await setup();
    const withToken = sandbox.createUser();
    const a = await sdk.payload.create({
      txjson: tx(),
      user_token: withToken.userToken!,
      options: { multisign: true },
    });
    await http(sandbox.url, 'POST', `/sandbox/payloads/${a!.uuid}/reject`);
    const anon = await sdk.payload.create({ txjson: tx(), options: { multisign: true } });
    const noToken = sandbox.createUser({ withToken: false });
    await http(sandbox.url, 'POST', `/sandbox/payloads/${anon!.uuid}/reject`, { userToken: noToken.userId });
    await waitFor(() => hook.received.length === 2);
    const [first, second] = hook.received;
    expect(first!.body.payloadResponse).toMatchObject({ signed: false, txid: '', user_token: true });
    expect(first!.body.userToken.user_token).toBe(withToken.userToken);
    expect(second!.body.payloadResponse).toMatchObject({ signed: false, txid: '', user_token: false });
    expect(second!.body.userToken).toBeNull();
    expect(second!.body.meta.opened_by_deeplink).toBe(false);
    // a rejection issues no token
    expect(sandbox.getUser(noToken.userId).userToken).toBeNull();
  });

  it('no webhook on cancel or expiry; none when no URL is configured', async () => {
    const { sandbox, hook } = await setup();
    const a = await sdk.payload.create({ txjson: tx() });
    await sdk.payload.cancel(a!.uuid);
    const b = await sdk.payload.create({ txjson: tx() });
    sandbox.expire(b!.uuid);
    sandbox.setWebhookUrl(null);
    const user = sandbox.createUser();
    const c = await sdk.payload.create({ txjson: tx(), user_token: user.userToken! });
    sandbox.sign(c!.uuid);
    await sleep(100);
    expect(hook.received).toHaveLength(0);
    expect(sandbox.webhookDeliveries()).toHaveLength(0);
  });

  it('retries non-2xx with the configured delays, fresh timestamp and signature each time, up to 5 attempts', async () => {
    const { sandbox, hook } = await setup([500, 404, 302, 503, 500]);
    const user = sandbox.createUser();
    const c = await sdk.payload.create({ txjson: tx(), user_token: user.userToken! });
    const start = Date.now();
    sandbox.sign(c!.uuid);
    await waitFor(() => hook.received.length === 5, 5000, 'five attempts');
    await sleep(200);
    expect(hook.received).toHaveLength(5);
    expect(hook.received.map((r) => r.headers['x-xumm-attempt'])).toEqual(['1', '2', '3', '4', '5']);
    for (const r of hook.received) {
      expect(r.rawBody).toBe(hook.received[0]!.rawBody);
      expect(r.headers['x-xumm-request-signature']).toBe(
        xamanWebhookSignature(sandbox.apiSecret, String(r.headers['x-xumm-request-timestamp']), r.rawBody),
      );
    }
    const gaps = hook.received.slice(1).map((r, i) => r.at - hook.received[i]!.at);
    [30, 60, 90, 90].forEach((d, i) => expect(gaps[i]).toBeGreaterThanOrEqual(d - 5));
    expect(hook.received[0]!.at - start).toBeLessThan(1000);
    const log = sandbox.webhookDeliveries();
    expect(log.map((d) => [d.attempt, d.status, d.ok, d.retryInMs])).toEqual([
      [1, 500, false, 30],
      [2, 404, false, 60],
      [3, 302, false, 90],
      [4, 503, false, 90],
      [5, 500, false, null],
    ]);
  });

  it.each([201, 204])('%i counts as success (no retry)', async (status) => {
    const { sandbox, hook } = await setup([status]);
    const user = sandbox.createUser();
    const c = await sdk.payload.create({ txjson: tx(), user_token: user.userToken! });
    sandbox.sign(c!.uuid);
    await waitFor(() => hook.received.length === 1);
    await sleep(150);
    expect(hook.received).toHaveLength(1);
    expect(sandbox.webhookDeliveries()[0]).toMatchObject({ status, ok: true });
  });

  it('stops retrying once an attempt succeeds', async () => {
    const { sandbox, hook } = await setup([500, 200]);
    const user = sandbox.createUser();
    const c = await sdk.payload.create({ txjson: tx(), user_token: user.userToken! });
    sandbox.sign(c!.uuid);
    await waitFor(() => hook.received.length === 2);
    await sleep(250);
    expect(hook.received).toHaveLength(2);
  });

  it('a timeout or an unreachable URL is retried too', async () => {
    const { sandbox } = await setup([200], { webhookTimeoutMs: 50, webhookRetryDelaysMs: [10] });
    const { createServer } = await import('node:http');
    const silent = createServer(() => undefined); // never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    try {
      const put = await http(sandbox.url, 'PUT', '/sandbox/webhook', {
        url: `http://127.0.0.1:${port}/hook`,
      });
      expect(put.status).toBe(200);
      const user = sandbox.createUser();
      const c = await sdk.payload.create({ txjson: tx(), user_token: user.userToken! });
      sandbox.sign(c!.uuid);
      await waitFor(() => sandbox.webhookDeliveries().length === 2, 3000, 'two attempts');
      expect(sandbox.webhookDeliveries().map((d) => [d.status, d.error])).toEqual([
        [null, 'timeout'],
        [null, 'timeout'],
      ]);
      sandbox.setWebhookUrl('http://127.0.0.1:1/unreachable');
      const d = await sdk.payload.create({ txjson: tx(), user_token: user.userToken! });
      sandbox.sign(d!.uuid);
      await waitFor(() => sandbox.webhookDeliveries().length === 4, 3000, 'two more attempts');
      expect(sandbox.webhookDeliveries()[2]).toMatchObject({ status: null, ok: false, attempt: 1 });
    } finally {
      silent.closeAllConnections();
      await new Promise((r) => silent.close(r));
    }
  });

  it('the HMAC uses the configured secret (another app secret gives another signature)', async () => {
    const secret = 'cbbbbbbb-aaaa-4ccc-8ddd-eeeeeeeeeeee';
    const { sandbox, hook } = await setup([200], { apiSecret: secret });
    const user = sandbox.createUser();
    const c = await sdk.payload.create({ txjson: tx(), user_token: user.userToken! });
    sandbox.sign(c!.uuid);
    const [w] = await waitFor(() => (hook.received.length ? hook.received : null));
    const ts = String(w!.headers['x-xumm-request-timestamp']);
    expect(w!.headers['x-xumm-request-signature']).toBe(
      createHmac('sha1', 'cbbbbbbbaaaa-4ccc-8ddd-eeeeeeeeeeee')
        .update(ts + w!.rawBody)
        .digest('hex'),
    );
  });
});
