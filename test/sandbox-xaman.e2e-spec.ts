/**
 * Xaman platform sandbox: the coordination service's happy path, driven only through the real
 * xumm-sdk (setEndpoint) and plain HTTP for the control API.
 */
import { decode } from 'ripple-binary-codec';
import { hashes, Wallet } from 'xrpl';
import type { XummSdk, XummTypes } from 'xumm-sdk';
import { startXamanSandbox, xamanWebhookSignature, type XamanSandbox } from '../libs/sandbox/src/xaman';
import { getByCustomIdentifier, http, sdkFor, startWebhookReceiver, waitFor } from './support/xaman/helpers';

const MULTISIG = Wallet.generate();
const DEST = Wallet.generate().classicAddress;

function multisignTx(): XummTypes.XummJsonTransaction {
  return {
    TransactionType: 'Payment',
    Account: MULTISIG.classicAddress,
    Destination: DEST,
    Amount: '1000000',
    Fee: '36',
    Sequence: 5,
    LastLedgerSequence: 90000000,
    SigningPubKey: '',
  };
}

describe('Xaman sandbox: coordination happy path (xumm-sdk)', () => {
  let sandbox: XamanSandbox;
  let sdk: XummSdk;
  let hook: Awaited<ReturnType<typeof startWebhookReceiver>>;

  beforeEach(async () => {
    hook = await startWebhookReceiver();
    sandbox = await startXamanSandbox({
      port: 0,
      webhookUrl: hook.url,
      webhookRetryDelaysMs: [20, 20, 20, 20],
    });
    sdk = sdkFor(sandbox);
  });
  afterEach(async () => {
    await sandbox.close();
    await hook.close();
  });

  it('answers ping with the application details', async () => {
    const app = await sdk.ping();
    expect(app.application.uuidv4).toBe(sandbox.apiKey);
    expect(app.application.webhookurl).toBe(hook.url);
  });

  it('push → phone signs via control API → webhook (HMAC) → GET shows the multisign blob', async () => {
    const user = await http(sandbox.url, 'POST', '/sandbox/users', {});
    expect(user.status).toBe(201);
    const signer: string = user.body.accounts[0].address;
    const userToken: string = user.body.userToken;

    const created = await sdk.payload.create({
      txjson: multisignTx(),
      user_token: userToken,
      options: { multisign: true, submit: false, expire: 10, signers: [signer] },
      custom_meta: {
        identifier: 'req-1:' + signer.slice(0, 10),
        instruction: 'Please co-sign',
        blob: { r: 1 },
      },
    });
    expect(created).not.toBeNull();
    expect(created!.pushed).toBe(true);
    expect(created!.next.no_push_msg_received).toBe(`${sandbox.url}/sign/${created!.uuid}/qr`);
    expect(created!.refs.websocket_status).toBe(`${sandbox.wsUrl}/sign/${created!.uuid}`);

    const before = await sdk.payload.get(created!.uuid);
    expect(before!.meta.resolved).toBe(false);
    expect(before!.meta.multisign).toBe(true);
    expect(before!.meta.signers).toEqual([signer]);
    expect(before!.response.hex).toBeNull();

    const signed = await http(sandbox.url, 'POST', `/sandbox/payloads/${created!.uuid}/sign`, {});
    expect(signed.status).toBe(200);

    const got = await sdk.payload.get(created!.uuid);
    expect(got!.meta).toMatchObject({ resolved: true, signed: true, app_opened: true, pushed: true });
    const hex = got!.response.hex!;
    expect(got!.response.txid).toBe(hashes.hashSignedTx(hex));
    expect(got!.response.account).toBe(MULTISIG.classicAddress);
    expect(got!.response.multisign_account).toBe(signer);
    const tx = decode(hex) as any;
    expect(tx.SigningPubKey).toBe('');
    expect(tx.TxnSignature).toBeUndefined();
    expect(tx.Signers).toHaveLength(1);
    expect(tx.Signers[0].Signer.Account).toBe(signer);
    expect(tx.Sequence).toBe(5);
    expect(tx.Fee).toBe('36');

    const [wh] = await waitFor(() => (hook.received.length > 0 ? hook.received : null));
    expect(wh!.headers['x-xumm-request-signature']).toBe(
      xamanWebhookSignature(sandbox.apiSecret, String(wh!.headers['x-xumm-request-timestamp']), wh!.rawBody),
    );
    expect(wh!.body.payloadResponse).toMatchObject({
      payload_uuidv4: created!.uuid,
      signed: true,
      txid: got!.response.txid,
    });
    expect(wh!.body.userToken.user_token).toBe(userToken);

    const byCi = await getByCustomIdentifier(sdk, 'req-1:' + signer.slice(0, 10));
    expect(byCi.meta.uuid).toBe(created!.uuid);
  });

  it('prepareSign signs now and resolves later: nothing changes until the commit, which refuses a payload cancelled meanwhile', async () => {
    const user = await http(sandbox.url, 'POST', '/sandbox/users', {});
    const signer: string = user.body.accounts[0].address;
    const create = () =>
      sdk.payload.create({
        txjson: multisignTx(),
        user_token: user.body.userToken,
        options: { multisign: true, submit: false, expire: 10, signers: [signer] },
      });
    const first = (await create())!;
    const commit = sandbox.prepareSign(first.uuid);
    expect((await sdk.payload.get(first.uuid))!.meta).toMatchObject({ resolved: false, app_opened: false });
    expect(hook.received).toEqual([]);
    expect(commit().signedTx).toMatchObject({ Account: MULTISIG.classicAddress });
    const got = await sdk.payload.get(first.uuid);
    expect(got!.meta).toMatchObject({ resolved: true, signed: true, app_opened: true });
    expect(got!.response.multisign_account).toBe(signer);
    await waitFor(() => (hook.received.length > 0 ? hook.received : null));

    const second = (await create())!;
    const late = sandbox.prepareSign(second.uuid);
    expect((await sdk.payload.cancel(second.uuid))!.result.cancelled).toBe(true);
    expect(() => late()).toThrow();
    expect((await sdk.payload.get(second.uuid))!.meta.signed).toBe(false);
  });

  it('behaviour sign: a pushed payload is signed automatically and the subscription resolves', async () => {
    const user = sandbox.createUser({ behaviour: { action: 'sign', delayMs: 50 } });
    const signer = user.accounts[0]!.address;
    const events: any[] = [];
    const sub = await sdk.payload.createAndSubscribe(
      {
        txjson: multisignTx(),
        user_token: user.userToken!,
        options: { multisign: true, submit: false, signers: [signer] },
      },
      (ev) => {
        events.push(ev.data);
        if ('signed' in ev.data) return ev;
      },
    );
    const ev: any = await sub.resolved;
    expect(ev.data.signed).toBe(true);
    expect(ev.payload.meta.signed).toBe(true);
    expect(events.map((e) => Object.keys(e)[0])).toEqual(
      expect.arrayContaining(['message', 'expires_in_seconds', 'opened']),
    );
  });

  it('cancel before open is OK; a user token can be verified', async () => {
    const user = sandbox.createUser();
    const created = await sdk.payload.create({ txjson: multisignTx(), options: { multisign: true } });
    expect(created!.pushed).toBe(false);
    expect(created!.next.no_push_msg_received).toBeUndefined();
    const cancelled = await sdk.payload.cancel(created!.uuid);
    expect(cancelled!.result).toEqual({ cancelled: true, reason: 'OK' });
    const tokens = await sdk.verifyUserTokens([user.userToken!]);
    expect(tokens[0]).toMatchObject({ user_token: user.userToken, active: true });
  });
});
