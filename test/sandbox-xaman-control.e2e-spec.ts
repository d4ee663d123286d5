/**
 * Xaman sandbox conformance: the control API (simulated phones) over plain HTTP, checked through
 * xumm-sdk: users with real keys, behaviours, open/sign/reject/expire, regular keys, tampering and the
 * test-only wallet misbehaviours, refusals that leave the payload unchanged.
 */
import { decode, encodeForMultisigning } from 'ripple-binary-codec';
import { verify } from 'ripple-keypairs';
import { Wallet } from 'xrpl';
import type { XummSdk, XummTypes } from 'xumm-sdk';
import { startXamanSandbox, XamanSandboxError, type XamanSandbox } from '../libs/sandbox/src/xaman';
import { http, sdkFor, sleep, waitFor } from './support/xaman/helpers';

const MULTISIG = Wallet.generate().classicAddress;
const DEST = Wallet.generate().classicAddress;
const msTx = (): XummTypes.XummJsonTransaction => ({
  TransactionType: 'Payment',
  Account: MULTISIG,
  Destination: DEST,
  Amount: '5000',
  Fee: '36',
  Sequence: 11,
  LastLedgerSequence: 500,
  SigningPubKey: '',
});

describe('Xaman sandbox: control API', () => {
  let sandbox: XamanSandbox;
  let sdk: XummSdk;
  const post = (path: string, body: unknown = {}) => http(sandbox.url, 'POST', path, body);
  const put = (path: string, body: unknown = {}) => http(sandbox.url, 'PUT', path, body);

  beforeEach(async () => {
    sandbox = await startXamanSandbox({ port: 0 });
    sdk = sdkFor(sandbox);
  });
  afterEach(async () => {
    await sandbox.close();
  });

  async function createFor(userToken: string | null, signers?: string[]) {
    const c = await sdk.payload.create({
      txjson: msTx(),
      ...(userToken ? { user_token: userToken } : {}),
      options: { multisign: true, submit: false, ...(signers ? { signers } : {}) },
    });
    return c!;
  }
  const signerOf = async (uuid: string) => {
    const got = await sdk.payload.get(uuid);
    const tx = decode(got!.response.hex!) as any;
    return { got: got!, tx, signer: tx.Signers[0].Signer };
  };

  describe('POST /sandbox/users', () => {
    it('generates a key when no seed is given; answers {userToken, accounts:[{address}]}', async () => {
      const r = await post('/sandbox/users');
      expect(r.status).toBe(201);
      expect(r.body.userToken).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(r.body.accounts).toHaveLength(1);
      const a = r.body.accounts[0];
      expect(Wallet.fromSeed(a.seed).classicAddress).toBe(a.address);
      expect(a.regularKey).toBeNull();
      expect(r.body.tokenActive).toBe(true);
      const [v] = await sdk.verifyUserTokens([r.body.userToken]);
      expect(v).toMatchObject({ active: true, issued: r.body.tokenIssued, expires: r.body.tokenExpires });
    });
    it('uses given seeds (master + regular key), several accounts per user, secp256k1 on request', async () => {
      const master = Wallet.generate();
      const regular = Wallet.generate();
      const r = await post('/sandbox/users', {
        accounts: [{ seed: master.seed, regularKeySeed: regular.seed }, {}, { algorithm: 'secp256k1' }],
      });
      expect(r.status).toBe(201);
      expect(r.body.accounts.map((a: any) => a.address)[0]).toBe(master.classicAddress);
      expect(r.body.accounts[0].regularKey).toMatchObject({
        address: regular.classicAddress,
        seed: regular.seed,
      });
      expect(r.body.accounts).toHaveLength(3);
      expect(r.body.accounts[2].publicKey).toMatch(/^0[23]/);
      const get = await http(sandbox.url, 'GET', `/sandbox/users/${r.body.userToken}`);
      expect(get.body).toEqual(r.body);
      const byId = await http(sandbox.url, 'GET', `/sandbox/users/${r.body.userId}`);
      expect(byId.body.userId).toBe(r.body.userId);
      const all = await http(sandbox.url, 'GET', '/sandbox/users');
      expect(all.body.map((x: any) => x.userId)).toEqual([r.body.userId]);
    });
    it('accounts and regular keys can be added or changed later', async () => {
      const u = (await post('/sandbox/users')).body;
      const extra = Wallet.generate();
      const added = await post(`/sandbox/users/${u.userToken}/accounts`, { seed: extra.seed });
      expect(added.status).toBe(201);
      expect(added.body.accounts.map((a: any) => a.address)).toEqual([
        u.accounts[0].address,
        extra.classicAddress,
      ]);
      const rk = Wallet.generate();
      const set = await put(`/sandbox/users/${u.userToken}/accounts/${extra.classicAddress}/regular-key`, {
        seed: rk.seed,
      });
      expect(set.status).toBe(200);
      expect(set.body.accounts[1].regularKey.address).toBe(rk.classicAddress);
      const c = await createFor(u.userToken, [extra.classicAddress]);
      await post(`/sandbox/payloads/${c.uuid}/sign`, { useRegularKey: true });
      expect((await signerOf(c.uuid)).signer).toMatchObject({
        Account: extra.classicAddress,
        SigningPubKey: rk.publicKey,
      });
      const cleared = await put(
        `/sandbox/users/${u.userToken}/accounts/${extra.classicAddress}/regular-key`,
        {
          seed: null,
        },
      );
      expect(cleared.body.accounts[1].regularKey).toBeNull();
      const missing = await put(`/sandbox/users/${u.userToken}/accounts/${DEST}/regular-key`, { seed: null });
      expect([missing.status, missing.body.error.code]).toEqual([404, 'ACCOUNT_NOT_OWNED']);
    });
    it('refuses bad input with 4xx JSON errors', async () => {
      const bad = await post('/sandbox/users', { accounts: [{ seed: 'nope' }] });
      expect([bad.status, bad.body.error.code]).toEqual([400, 'INVALID_SEED']);
      const notArray = await post('/sandbox/users', { accounts: {} });
      expect([notArray.status, notArray.body.error.code]).toEqual([400, 'INVALID_BODY']);
      const seed = Wallet.generate().seed!;
      await post('/sandbox/users', { accounts: [{ seed }] });
      const taken = await post('/sandbox/users', { accounts: [{ seed }] });
      expect([taken.status, taken.body.error.code]).toEqual([409, 'ACCOUNT_TAKEN']);
      const json = await http(sandbox.url, 'POST', '/sandbox/users', '{oops');
      expect([json.status, json.body.error.code]).toEqual([400, 'INVALID_JSON']);
      const unknown = await http(sandbox.url, 'GET', '/sandbox/users/00000000-0000-4000-8000-000000000000');
      expect([unknown.status, unknown.body.error.code]).toEqual([404, 'USER_NOT_FOUND']);
      const route = await http(sandbox.url, 'DELETE', '/sandbox/users');
      expect([route.status, route.body.error.code]).toEqual([404, 'NOT_FOUND']);
    });
  });

  describe('PUT /sandbox/users/:userToken/behaviour', () => {
    it('sign after delayMs: opens (push) then signs; the payload is untouched before the delay', async () => {
      const u = (await post('/sandbox/users')).body;
      const b = await put(`/sandbox/users/${u.userToken}/behaviour`, { action: 'sign', delayMs: 300 });
      expect(b.status).toBe(200);
      expect(b.body.behaviour).toEqual({ action: 'sign', delayMs: 300 });
      const c = await createFor(u.userToken);
      await sleep(100);
      expect((await sdk.payload.get(c.uuid))!.meta).toMatchObject({ app_opened: false, resolved: false });
      await waitFor(() => sandbox.getPayloadRecord(c.uuid).resolvedByUserId, 3000, 'auto sign');
      const got = await sdk.payload.get(c.uuid);
      expect(got!.meta).toMatchObject({
        app_opened: true,
        resolved: true,
        signed: true,
        opened_by_deeplink: true,
      });
      expect(got!.payload.origintype).toBe('PUSH_NOTIFICATION');
      const events = sandbox.getPayloadRecord(c.uuid).wsEvents.map((e) => Object.keys(e.message)[0]);
      expect(events.indexOf('opened')).toBeLessThan(events.indexOf('payload_uuidv4'));
    });
    it('reject', async () => {
      const u = (await post('/sandbox/users')).body;
      await put(`/sandbox/users/${u.userToken}/behaviour`, { action: 'reject', delayMs: 0 });
      const c = await createFor(u.userToken);
      await waitFor(() => sandbox.getPayloadRecord(c.uuid).resolvedByUserId, 3000, 'auto reject');
      expect((await sdk.payload.get(c.uuid))!.meta).toMatchObject({ resolved: true, signed: false });
    });
    it('ignore (the default): nothing happens', async () => {
      const u = (await post('/sandbox/users')).body;
      expect(u.behaviour).toEqual({ action: 'ignore' });
      const c = await createFor(u.userToken);
      await sleep(1200);
      expect((await sdk.payload.get(c.uuid))!.meta).toMatchObject({ app_opened: false, resolved: false });
    });
    it('only for pushed payloads: not when the token expired', async () => {
      const u = (await post('/sandbox/users')).body;
      await put(`/sandbox/users/${u.userToken}/behaviour`, { action: 'sign', delayMs: 0 });
      await post(`/sandbox/users/${u.userToken}/expire-token`);
      const c = await createFor(u.userToken);
      expect(c.pushed).toBe(false);
      await sleep(100);
      expect((await sdk.payload.get(c.uuid))!.meta.resolved).toBe(false);
    });
    it('a payload cancelled before the phone acts stays cancelled', async () => {
      const u = (await post('/sandbox/users')).body;
      await put(`/sandbox/users/${u.userToken}/behaviour`, { action: 'sign', delayMs: 150 });
      const c = await createFor(u.userToken);
      expect((await sdk.payload.cancel(c.uuid))!.result.reason).toBe('OK');
      await sleep(300);
      expect((await sdk.payload.get(c.uuid))!.meta).toMatchObject({
        cancelled: true,
        resolved: false,
        app_opened: false,
      });
    });
    it('the phone cannot sign a payload for signers it does not hold (forced signer)', async () => {
      const u = (await post('/sandbox/users')).body;
      await put(`/sandbox/users/${u.userToken}/behaviour`, { action: 'sign', delayMs: 0 });
      const c = await createFor(u.userToken, [Wallet.generate().classicAddress]);
      await sleep(100);
      expect((await sdk.payload.get(c.uuid))!.meta.resolved).toBe(false);
    });
    it('default behaviour: startXamanSandbox({defaultBehaviour}) and PUT /sandbox/behaviour', async () => {
      await sandbox.close();
      sandbox = await startXamanSandbox({ port: 0, defaultBehaviour: { action: 'sign', delayMs: 0 } });
      sdk = sdkFor(sandbox);
      const u = (await post('/sandbox/users')).body;
      expect(u.behaviour).toEqual({ action: 'sign', delayMs: 0 });
      const c = await createFor(u.userToken);
      await waitFor(() => sandbox.getPayloadRecord(c.uuid).resolvedByUserId, 3000, 'auto sign');
      const r = await put('/sandbox/behaviour', { action: 'reject', delayMs: 0 });
      expect(r.status).toBe(200);
      const d = await createFor(u.userToken);
      await waitFor(() => sandbox.getPayloadRecord(d.uuid).resolvedByUserId, 3000, 'auto reject');
      expect((await sdk.payload.get(d.uuid))!.meta.signed).toBe(false);
    });
    it('validates the body', async () => {
      const u = (await post('/sandbox/users')).body;
      const r = await put(`/sandbox/users/${u.userToken}/behaviour`, { action: 'dance' });
      expect([r.status, r.body.error.code]).toEqual([400, 'INVALID_BODY']);
      const d = await put(`/sandbox/users/${u.userToken}/behaviour`, { action: 'sign', delayMs: -1 });
      expect(d.status).toBe(400);
    });
  });

  describe('POST /sandbox/payloads/:uuid/sign', () => {
    it('useRegularKey: Signer.Account is the account, SigningPubKey its regular key', async () => {
      const regular = Wallet.generate();
      const u = (await post('/sandbox/users', { accounts: [{ regularKeySeed: regular.seed }] })).body;
      const c = await createFor(u.userToken, [u.accounts[0].address]);
      const r = await post(`/sandbox/payloads/${c.uuid}/sign`, { useRegularKey: true });
      expect(r.status).toBe(200);
      const { got, tx, signer } = await signerOf(c.uuid);
      expect(signer.Account).toBe(u.accounts[0].address);
      expect(signer.SigningPubKey).toBe(regular.publicKey);
      const { Signers: _s, ...unsigned } = tx;
      expect(
        verify(encodeForMultisigning(unsigned, signer.Account), signer.TxnSignature, signer.SigningPubKey),
      ).toBe(true);
      expect(got.response.multisign_account).toBe(u.accounts[0].address);
    });
    it('useRegularKey without a regular key is refused', async () => {
      const u = (await post('/sandbox/users')).body;
      const c = await createFor(u.userToken);
      const r = await post(`/sandbox/payloads/${c.uuid}/sign`, { useRegularKey: true });
      expect([r.status, r.body.error.code]).toEqual([400, 'NO_REGULAR_KEY']);
      expect((await sdk.payload.get(c.uuid))!.meta).toMatchObject({ resolved: false, app_opened: false });
    });
    it('tamper: a valid signature over a modified transaction (null deletes a field)', async () => {
      const u = (await post('/sandbox/users')).body;
      const c = await createFor(u.userToken);
      const r = await post(`/sandbox/payloads/${c.uuid}/sign`, {
        tamper: { Amount: '999999999', LastLedgerSequence: null },
      });
      expect(r.status).toBe(200);
      const { got, tx, signer } = await signerOf(c.uuid);
      expect(tx.Amount).toBe('999999999');
      expect(tx.LastLedgerSequence).toBeUndefined();
      expect(got.payload.request_json).toMatchObject({ Amount: '5000', LastLedgerSequence: 500 }); // request unchanged
      const { Signers: _s, ...unsigned } = tx;
      expect(
        verify(encodeForMultisigning(unsigned, signer.Account), signer.TxnSignature, signer.SigningPubKey),
      ).toBe(true);
      expect(r.body.signedTx.Amount).toBe('999999999');
    });
    it('tamper that cannot be encoded is refused and the payload is unchanged', async () => {
      const u = (await post('/sandbox/users')).body;
      const c = await createFor(u.userToken);
      const r = await post(`/sandbox/payloads/${c.uuid}/sign`, { tamper: { Destination: 'garbage' } });
      expect([r.status, r.body.error.code]).toEqual([400, 'SIGN_FAILED']);
      expect((await sdk.payload.get(c.uuid))!.meta).toMatchObject({ resolved: false, app_opened: false });
    });
    it('TEST-ONLY signAs: another address in Signer.Account (signature made for that address)', async () => {
      const u = (await post('/sandbox/users')).body;
      const c = await createFor(u.userToken);
      const someoneElse = Wallet.generate().classicAddress;
      const r = await post(`/sandbox/payloads/${c.uuid}/sign`, { signAs: someoneElse });
      expect(r.status).toBe(200);
      const { got, signer } = await signerOf(c.uuid);
      expect(signer.Account).toBe(someoneElse);
      expect(signer.SigningPubKey).toBe(u.accounts[0].publicKey);
      expect(got.response.multisign_account).toBe(someoneElse);
      const bad = await post(`/sandbox/payloads/${(await createFor(u.userToken)).uuid}/sign`, {
        signAs: 'x',
      });
      expect(bad.status).toBe(400);
    });
    it('TEST-ONLY keySeed: sign with an arbitrary key', async () => {
      const u = (await post('/sandbox/users')).body;
      const c = await createFor(u.userToken);
      const stranger = Wallet.generate();
      await post(`/sandbox/payloads/${c.uuid}/sign`, { keySeed: stranger.seed });
      const { signer } = await signerOf(c.uuid);
      expect(signer.Account).toBe(u.accounts[0].address);
      expect(signer.SigningPubKey).toBe(stranger.publicKey);
    });
    it('TEST-ONLY ignoreSigners: an account outside options.signers signs (the app would refuse)', async () => {
      const u = (await post('/sandbox/users')).body;
      const c = await createFor(u.userToken, [Wallet.generate().classicAddress]);
      const refused = await post(`/sandbox/payloads/${c.uuid}/sign`, { account: u.accounts[0].address });
      expect([refused.status, refused.body.error.code]).toEqual([403, 'SIGNER_NOT_ALLOWED']);
      const r = await post(`/sandbox/payloads/${c.uuid}/sign`, {
        account: u.accounts[0].address,
        ignoreSigners: true,
      });
      expect(r.status).toBe(200);
      expect((await signerOf(c.uuid)).signer.Account).toBe(u.accounts[0].address);
    });
    it('without options.signers, a user holding the tx Account itself has it preselected (as Xaman does)', async () => {
      const multisig = Wallet.generate();
      const u = (await post('/sandbox/users', { accounts: [{}, { seed: multisig.seed }] })).body;
      const c = await sdk.payload.create({
        txjson: { ...msTx(), Account: multisig.classicAddress },
        user_token: u.userToken,
        options: { multisign: true },
      });
      await post(`/sandbox/payloads/${c!.uuid}/sign`);
      expect((await signerOf(c!.uuid)).signer.Account).toBe(multisig.classicAddress);
      // with options.signers, only those
      const d = await sdk.payload.create({
        txjson: { ...msTx(), Account: multisig.classicAddress },
        user_token: u.userToken,
        options: { multisign: true, signers: [u.accounts[0].address] },
      });
      await post(`/sandbox/payloads/${d!.uuid}/sign`);
      expect((await signerOf(d!.uuid)).signer.Account).toBe(u.accounts[0].address);
    });
    it('account not held by the user is refused', async () => {
      const u = (await post('/sandbox/users')).body;
      const c = await createFor(u.userToken);
      const r = await post(`/sandbox/payloads/${c.uuid}/sign`, { account: Wallet.generate().classicAddress });
      expect([r.status, r.body.error.code]).toEqual([400, 'ACCOUNT_NOT_OWNED']);
    });
    it('payload not pushed: sign link resolved with an explicit userToken, or with a seed', async () => {
      const u = (await post('/sandbox/users')).body;
      const c = await createFor(null);
      const none = await post(`/sandbox/payloads/${c.uuid}/sign`);
      expect([none.status, none.body.error.code]).toEqual([400, 'NO_USER']);
      const r = await post(`/sandbox/payloads/${c.uuid}/sign`, { userToken: u.userToken, deeplink: false });
      expect(r.status).toBe(200);
      const { got, signer } = await signerOf(c.uuid);
      expect(signer.Account).toBe(u.accounts[0].address);
      expect(got.meta).toMatchObject({ pushed: false, opened_by_deeplink: false });
      expect(got.payload.origintype).toBe('QR');

      const w = Wallet.generate();
      const d = await createFor(null);
      const bySeed = await post(`/sandbox/payloads/${d.uuid}/sign`, { seed: w.seed });
      expect(bySeed.status).toBe(200);
      const s2 = await signerOf(d.uuid);
      expect(s2.signer.Account).toBe(w.classicAddress);
      // the wallet became a user and got a token by signing
      const issued = s2.got.application.issued_user_token!;
      expect(sandbox.getUser(issued).accounts[0]!.address).toBe(w.classicAddress);
    });
    it('payload not pushed but options.signers names a sandbox user: that user signs', async () => {
      const u = (await post('/sandbox/users')).body;
      const c = await createFor(null, [u.accounts[0].address]);
      expect((await post(`/sandbox/payloads/${c.uuid}/sign`)).status).toBe(200);
      expect((await signerOf(c.uuid)).signer.Account).toBe(u.accounts[0].address);
    });
    it('an already resolved payload is refused and stays as it was', async () => {
      const u = (await post('/sandbox/users')).body;
      const c = await createFor(u.userToken);
      await post(`/sandbox/payloads/${c.uuid}/sign`);
      const before = await sdk.payload.get(c.uuid);
      for (const action of ['sign', 'reject', 'open', 'expire']) {
        const r = await post(`/sandbox/payloads/${c.uuid}/${action}`);
        expect([action, r.status, r.body.error.code]).toEqual([action, 409, 'ALREADY_RESOLVED']);
      }
      const after = await sdk.payload.get(c.uuid);
      expect(after!.response).toEqual(before!.response);
      expect(after!.meta).toEqual(before!.meta);
    });
    it('an expired payload is refused (sign, reject, open, expire)', async () => {
      const u = (await post('/sandbox/users')).body;
      const c = await createFor(u.userToken);
      await post(`/sandbox/payloads/${c.uuid}/expire`);
      for (const action of ['sign', 'reject', 'open', 'expire']) {
        const r = await post(`/sandbox/payloads/${c.uuid}/${action}`);
        expect([action, r.status, r.body.error.code]).toEqual([action, 409, 'EXPIRED']);
      }
      // allowLate needs an open before expiry
      const late = await post(`/sandbox/payloads/${c.uuid}/sign`, { allowLate: true });
      expect(late.status).toBe(409);
      expect((await sdk.payload.get(c.uuid))!.meta).toMatchObject({ resolved: false, app_opened: false });
    });
    it('unknown payload and unknown user → 404', async () => {
      const r = await post('/sandbox/payloads/11111111-2222-4333-8444-555555555555/sign');
      expect([r.status, r.body.error.code]).toEqual([404, 'PAYLOAD_NOT_FOUND']);
      const c = await createFor(null);
      const u = await post(`/sandbox/payloads/${c.uuid}/sign`, { userToken: 'nobody' });
      expect([u.status, u.body.error.code]).toEqual([404, 'USER_NOT_FOUND']);
    });
    it('signmethod is reported as payload.signmethod and response.approved_with', async () => {
      const u = (await post('/sandbox/users')).body;
      const c = await createFor(u.userToken);
      await post(`/sandbox/payloads/${c.uuid}/sign`, { signmethod: 'PIN' });
      const got = await sdk.payload.get(c.uuid);
      expect(got!.payload.signmethod).toBe('PIN');
      expect(got!.response.approved_with).toBe('PIN');
    });
  });

  describe('open, reject, expire, records', () => {
    it('open: deeplink false = QR; response is the payload record', async () => {
      const c = await createFor(null);
      const r = await post(`/sandbox/payloads/${c.uuid}/open`, { deeplink: false });
      expect(r.status).toBe(200);
      expect(r.body.platform.meta).toMatchObject({ app_opened: true, opened_by_deeplink: false });
      expect(r.body.platform.payload.origintype).toBe('QR');
      const d = await createFor(null);
      const deep = await post(`/sandbox/payloads/${d.uuid}/open`, { deeplink: true });
      expect(deep.body.platform.meta.opened_by_deeplink).toBe(true);
      expect(deep.body.platform.payload.origintype).toBe('DEEP_LINK');
    });
    it('reject by a token-less user or anonymously', async () => {
      const c = await createFor(null);
      const r = await post(`/sandbox/payloads/${c.uuid}/reject`);
      expect(r.status).toBe(200);
      expect(r.body.platform.meta).toMatchObject({ resolved: true, signed: false });
      expect(r.body.platform.application.issued_user_token).toBeNull();
    });
    it('a rejection extends a live token (and reports it), it never mints one', async () => {
      const u = (await post('/sandbox/users')).body;
      const c = await createFor(u.userToken);
      await post(`/sandbox/payloads/${c.uuid}/reject`);
      expect((await sdk.payload.get(c.uuid))!.application.issued_user_token).toBe(u.userToken);
    });
    it('GET /sandbox/payloads and /sandbox/payloads/:uuid have no side effects', async () => {
      const c = await createFor(null);
      const one = await http(sandbox.url, 'GET', `/sandbox/payloads/${c.uuid}`);
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({
        uuid: c.uuid,
        userId: null,
        apiOpenCount: 0,
        wsEvents: [],
        signedTx: null,
      });
      const all = await http(sandbox.url, 'GET', '/sandbox/payloads');
      expect(all.body.map((p: any) => p.uuid)).toContain(c.uuid);
    });
    it('in-process helpers throw XamanSandboxError with the same status and code', async () => {
      const c = await createFor(null);
      sandbox.expire(c.uuid);
      let err: unknown;
      try {
        sandbox.sign(c.uuid);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(XamanSandboxError);
      expect(err).toMatchObject({ status: 409, code: 'EXPIRED' });
    });
  });
});
