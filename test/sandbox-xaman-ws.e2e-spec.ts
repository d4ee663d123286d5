/**
 * Xaman sandbox conformance: the `/sign/:uuid` WebSocket (reference §5): message sequence, keepalive
 * replies, resolve message, expiry, unknown payloads, and how xumm-sdk's subscribe consumes it.
 */
import WebSocket from 'ws';
import { Wallet } from 'xrpl';
import type { XummSdk, XummTypes } from 'xumm-sdk';
import { startXamanSandbox, type XamanSandbox } from '../libs/sandbox/src/xaman';
import { http, sdkFor, sleep, waitFor } from './support/xaman/helpers';

const MULTISIG = Wallet.generate().classicAddress;
const tx = (): XummTypes.XummJsonTransaction => ({
  TransactionType: 'Payment',
  Account: MULTISIG,
  Destination: Wallet.generate().classicAddress,
  Amount: '10',
  Fee: '24',
  Sequence: 3,
  SigningPubKey: '',
});

interface Client {
  ws: WebSocket;
  messages: any[];
  closed: Promise<{ code: number }>;
  next: (pred: (m: any) => boolean, what?: string) => Promise<any>;
}

async function connect(url: string): Promise<Client> {
  const ws = new WebSocket(url);
  const messages: any[] = [];
  ws.on('message', (data: WebSocket.RawData) => {
    messages.push(JSON.parse(Buffer.from(data as Buffer).toString('utf8')));
  });
  const closed = new Promise<{ code: number }>((resolve) =>
    ws.on('close', (code: number) => resolve({ code })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    messages,
    closed,
    next: (pred, what = 'message') => waitFor(() => messages.find(pred), 3000, what),
  };
}

describe('Xaman sandbox: WebSocket /sign/:uuid', () => {
  let sandbox: XamanSandbox;
  let sdk: XummSdk;
  const clients: Client[] = [];
  const open = async (uuid: string) => {
    const c = await connect(`${sandbox.wsUrl}/sign/${uuid}`);
    clients.push(c);
    return c;
  };

  beforeEach(async () => {
    sandbox = await startXamanSandbox({ port: 0, keepaliveIntervalMs: 60 });
    sdk = sdkFor(sandbox);
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.ws.terminate();
    await sandbox.close();
    jest.restoreAllMocks();
  });

  it('welcome first, then expires_in_seconds at once and every keepalive interval', async () => {
    const created = await sdk.payload.create({ txjson: tx(), options: { multisign: true, expire: 2 } });
    expect(created!.refs.websocket_status).toBe(`${sandbox.wsUrl}/sign/${created!.uuid}`);
    const c = await open(created!.uuid);
    await waitFor(() => c.messages.length >= 4, 3000, 'three keepalives');
    expect(c.messages[0]).toEqual({ message: `Welcome ${created!.uuid}` });
    const ka = c.messages.slice(1, 4);
    for (const m of ka) {
      expect(Object.keys(m)).toEqual(['expires_in_seconds']);
      expect(m.expires_in_seconds).toBeGreaterThan(100);
      expect(m.expires_in_seconds).toBeLessThanOrEqual(120);
    }
  });

  it('the keepalive interval defaults to 15 s', async () => {
    await sandbox.close();
    sandbox = await startXamanSandbox({ port: 0 });
    sdk = sdkFor(sandbox);
    const created = await sdk.payload.create({ txjson: tx() });
    const c = await open(created!.uuid);
    await c.next((m) => 'expires_in_seconds' in m);
    await sleep(300);
    expect(c.messages).toHaveLength(2);
  });

  it('answers every client frame with {"message":"Right back at you!"}', async () => {
    const created = await sdk.payload.create({ txjson: tx() });
    const c = await open(created!.uuid);
    await c.next((m) => 'expires_in_seconds' in m);
    c.ws.send(JSON.stringify({ ping: true }));
    c.ws.send('anything at all');
    await waitFor(
      () => c.messages.filter((m) => m.message === 'Right back at you!').length === 2,
      3000,
      'replies',
    );
  });

  it('opened, devapp_fetched on every API GET (also ci), then the resolve message', async () => {
    const user = sandbox.createUser();
    const signer = user.accounts[0]!.address;
    const created = await sdk.payload.create({
      txjson: tx(),
      user_token: user.userToken!,
      options: { multisign: true, signers: [signer] },
      custom_meta: { identifier: 'ws-1', blob: { k: 'v' }, instruction: 'go' },
    });
    const c = await open(created!.uuid);
    await sdk.payload.get(created!.uuid);
    await c.next((m) => m.devapp_fetched === true, 'devapp_fetched');
    await (sdk as any).Meta.call('payload/ci/ws-1', 'GET');
    await waitFor(
      () => c.messages.filter((m) => m.devapp_fetched).length === 2,
      3000,
      'second devapp_fetched',
    );
    await http(sandbox.url, 'POST', `/sandbox/payloads/${created!.uuid}/open`);
    await http(sandbox.url, 'POST', `/sandbox/payloads/${created!.uuid}/open`); // repeats on every app GET
    await waitFor(() => c.messages.filter((m) => m.opened === true).length === 2, 3000, 'opened twice');
    await http(sandbox.url, 'POST', `/sandbox/payloads/${created!.uuid}/sign`);
    const resolved = await c.next((m) => 'signed' in m, 'resolve message');
    const got = await sdk.payload.get(created!.uuid);
    expect(resolved).toEqual({
      payload_uuidv4: created!.uuid,
      reference_call_uuidv4: expect.stringMatching(/^[0-9a-f-]{36}$/),
      signed: true,
      user_token: true,
      return_url: { app: null, web: null },
      opened_by_deeplink: true,
      custom_meta: { identifier: 'ws-1', blob: { k: 'v' }, instruction: 'go' },
      txid: got!.response.txid,
    });
    const kinds = c.messages.map((m) => Object.keys(m)[0]);
    expect(kinds.indexOf('opened')).toBeLessThan(kinds.indexOf('payload_uuidv4'));
    // no keepalive after the resolve
    const count = c.messages.length;
    await sleep(200);
    expect(c.messages.filter((m, i) => i >= count && 'expires_in_seconds' in m)).toHaveLength(0);
  });

  it('rejection: signed:false, no txid', async () => {
    const user = sandbox.createUser({ withToken: false });
    const created = await sdk.payload.create({ txjson: tx(), options: { multisign: true } });
    const c = await open(created!.uuid);
    await http(sandbox.url, 'POST', `/sandbox/payloads/${created!.uuid}/reject`, { userToken: user.userId });
    const m = await c.next((x) => 'signed' in x);
    expect(m.signed).toBe(false);
    expect(m.user_token).toBe(false);
    expect(m.opened_by_deeplink).toBe(false);
    expect(m).not.toHaveProperty('txid');
  });

  it('{"expired":true} at expiry while connected; the socket stays open with negative keepalives', async () => {
    const created = await sdk.payload.create({ txjson: tx() });
    const c = await open(created!.uuid);
    await c.next((m) => 'expires_in_seconds' in m);
    await http(sandbox.url, 'POST', `/sandbox/payloads/${created!.uuid}/expire`);
    await c.next((m) => m.expired === true, 'expired');
    await waitFor(() =>
      c.messages.find((m) => m.expires_in_seconds !== undefined && m.expires_in_seconds <= 0),
    );
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('connecting to an expired payload: welcome, expired, then (negative) keepalives', async () => {
    const created = await sdk.payload.create({ txjson: tx() });
    await http(sandbox.url, 'POST', `/sandbox/payloads/${created!.uuid}/expire`);
    const c = await open(created!.uuid);
    await waitFor(() => c.messages.length >= 3, 3000, 'keepalive');
    expect(c.messages[0]).toEqual({ message: `Welcome ${created!.uuid}` });
    expect(c.messages[1]).toEqual({ expired: true });
    expect(c.messages[2].expires_in_seconds).toBeLessThanOrEqual(0);
  });

  it('connecting to a resolved payload: welcome, expired, nothing more', async () => {
    const user = sandbox.createUser();
    const created = await sdk.payload.create({
      txjson: tx(),
      user_token: user.userToken!,
      options: { multisign: true },
    });
    await http(sandbox.url, 'POST', `/sandbox/payloads/${created!.uuid}/sign`);
    const c = await open(created!.uuid);
    await sleep(250);
    expect(c.messages).toEqual([{ message: `Welcome ${created!.uuid}` }, { expired: true }]);
  });

  it('expiry happens by itself at expires_at (fake clock)', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    let c: Client;
    try {
      const created = await sdk.payload.create({ txjson: tx(), options: { expire: 1 } });
      c = await open(created!.uuid);
      jest.advanceTimersByTime(59_000);
      expect(c.messages.find((m) => m.expired)).toBeUndefined();
      jest.advanceTimersByTime(1_000);
    } finally {
      jest.useRealTimers();
    }
    await c.next((m) => m.expired === true, 'expired');
  });

  it('cancel sends no WebSocket message', async () => {
    const created = await sdk.payload.create({ txjson: tx() });
    const c = await open(created!.uuid);
    await c.next((m) => 'expires_in_seconds' in m);
    await sdk.payload.cancel(created!.uuid);
    await sleep(30);
    const kinds = c.messages.map((m) => Object.keys(m)[0]);
    expect(kinds.filter((k) => k !== 'expires_in_seconds' && k !== 'devapp_fetched')).toEqual(['message']);
  });

  it('unknown payload: a message, then close with code 1000', async () => {
    const c = await open('11111111-2222-4333-8444-555555555555');
    const { code } = await c.closed;
    expect(code).toBe(1000);
    expect(c.messages).toHaveLength(1);
    expect(typeof c.messages[0].message).toBe('string');
  });

  it('xumm-sdk subscribe: sees welcome, keepalive, opened and the resolve (refetched), never devapp_fetched', async () => {
    const user = sandbox.createUser({ behaviour: { action: 'reject', delayMs: 100 } });
    const seen: any[] = [];
    const sub = await sdk.payload.createAndSubscribe(
      { txjson: tx(), user_token: user.userToken!, options: { multisign: true } },
      (ev) => {
        seen.push(ev.data);
        if ('signed' in ev.data) return ev.data;
      },
    );
    const result: any = await sub.resolved;
    expect(result.signed).toBe(false);
    const kinds = seen.map((m) => Object.keys(m)[0]);
    expect(kinds[0]).toBe('message');
    expect(kinds).toContain('expires_in_seconds');
    expect(kinds).toContain('opened');
    expect(kinds).not.toContain('devapp_fetched');
    expect(kinds.indexOf('opened')).toBeLessThan(kinds.indexOf('payload_uuidv4'));
    // the sandbox still published devapp_fetched for the SDK's GET
    expect(sandbox.getPayloadRecord(sub.created.uuid).wsEvents.map((e) => e.message)).toContainEqual({
      devapp_fetched: true,
    });
  });

  it('resolveRaceMs reproduces the publish-before-store race: the SDK refetch still sees resolved:false', async () => {
    await sandbox.close();
    sandbox = await startXamanSandbox({ port: 0, resolveRaceMs: 300 });
    sdk = sdkFor(sandbox);
    const user = sandbox.createUser({ behaviour: { action: 'sign', delayMs: 50 } });
    const sub = await sdk.payload.createAndSubscribe(
      { txjson: tx(), user_token: user.userToken!, options: { multisign: true } },
      (ev) => {
        if ('signed' in ev.data) return ev;
      },
    );
    const ev: any = await sub.resolved;
    expect(ev.data.signed).toBe(true);
    expect(ev.payload.meta.resolved).toBe(false); // refetched too early
    expect(ev.payload.response.hex).toBeNull();
    const retry = await waitFor(
      async () => {
        const p = await sdk.payload.get(sub.created.uuid);
        return p!.meta.resolved ? p : null;
      },
      3000,
      'stored resolve',
    );
    expect(retry.response.txid).toBe(ev.data.txid);
  });

  it('xumm-sdk keepalive: its {"ping":true} every 2 s gets replies and the socket stays up', async () => {
    const created = await sdk.payload.create({ txjson: tx() });
    const sub = await sdk.payload.subscribe(created!.uuid, () => undefined);
    await sleep(2300);
    expect((sub.websocket as any).readyState).toBe(1);
    sub.resolve('done');
    await sub.resolved;
  }, 10_000);
});
