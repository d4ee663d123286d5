/**
 * Xaman sandbox conformance: payload semantics (reference §2–§4, §6, §7): the meta truth table, expiry,
 * cancel rules and quirks, push rules, options.signers, multisign blobs, response fields, user tokens.
 * Only xumm-sdk and plain HTTP for the control API.
 */
import { decode, encodeForMultisigning, encodeForSigning } from 'ripple-binary-codec';
import { decodeAccountID } from 'ripple-address-codec';
import { verify } from 'ripple-keypairs';
import { hashes, Wallet } from 'xrpl';
import type { XummSdk, XummTypes } from 'xumm-sdk';
import { startXamanSandbox, type XamanSandbox } from '../libs/sandbox/src/xaman';
import { getByCustomIdentifier, http, sdkFor } from './support/xaman/helpers';

const MULTISIG = Wallet.generate();
const DEST = Wallet.generate().classicAddress;
const msTx = (extra: Record<string, unknown> = {}): XummTypes.XummJsonTransaction => ({
  TransactionType: 'Payment',
  Account: MULTISIG.classicAddress,
  Destination: DEST,
  Amount: '2500000',
  Fee: '48',
  Sequence: 7,
  LastLedgerSequence: 12345,
  SigningPubKey: '',
  ...extra,
});

describe('Xaman sandbox: payload semantics', () => {
  let sandbox: XamanSandbox;
  let sdk: XummSdk;
  const ctl = (path: string, body: unknown = {}) => http(sandbox.url, 'POST', path, body);

  beforeEach(async () => {
    sandbox = await startXamanSandbox({ port: 0 });
    sdk = sdkFor(sandbox);
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterEach(async () => {
    await sandbox.close();
    jest.restoreAllMocks();
  });

  async function createMs(
    userToken?: string,
    signers?: string[],
    extra: Partial<XummTypes.XummPostPayloadBodyJson> = {},
  ) {
    const created = await sdk.payload.create({
      txjson: msTx(),
      ...(userToken ? { user_token: userToken } : {}),
      options: { multisign: true, submit: false, ...(signers ? { signers } : {}) },
      ...extra,
    });
    expect(created).not.toBeNull();
    return created!;
  }

  describe('create response and push', () => {
    it('unresolved GET: every response field null, meta defaults, timestamps without ms', async () => {
      const created = await sdk.payload.create({
        txjson: msTx({
          DestinationTag: 9,
          Memos: [{ Memo: { MemoData: Buffer.from('hi').toString('hex') } }],
        }),
        options: {
          multisign: true,
          submit: false,
          expire: 5,
          force_network: 'TESTNET',
          return_url: { web: 'https://x.test/{id}?c={cid}' },
        },
        custom_meta: { identifier: 'meta-1', instruction: 'Sign please' },
      });
      const got = await sdk.payload.get(created!.uuid);
      expect(got!.meta).toEqual({
        exists: true,
        uuid: created!.uuid,
        multisign: true,
        submit: false,
        pathfinding: false,
        pathfinding_fallback: false,
        force_network: 'TESTNET',
        destination: DEST,
        resolved_destination: DEST,
        resolved: false,
        signed: false,
        cancelled: false,
        expired: false,
        pushed: false,
        app_opened: false,
        opened_by_deeplink: null,
        immutable: false,
        forceAccount: false,
        return_url_app: null,
        return_url_web: `https://x.test/${created!.uuid}?c=meta-1`,
        is_xapp: false,
        signers: null,
      });
      expect(Object.values(got!.response).every((v) => v === null)).toBe(true);
      expect(got!.application).toMatchObject({
        uuidv4: sandbox.apiKey,
        issued_user_token: null,
        disabled: 0,
      });
      expect(got!.payload).toMatchObject({
        tx_type: 'Payment',
        tx_destination: DEST,
        tx_destination_tag: 9,
        origintype: null,
        signmethod: null,
        computed: { Memos: [{ Memo: { MemoData: 'hi' } }] },
      });
      expect(got!.payload.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      const span = Date.parse(got!.payload.expires_at) - Date.parse(got!.payload.created_at);
      expect(Math.abs(span - 5 * 60_000)).toBeLessThanOrEqual(1000);
      expect(got!.payload.expires_in_seconds).toBeGreaterThan(290);
      expect(got!.payload.expires_in_seconds).toBeLessThanOrEqual(300);
      expect(got!.custom_meta).toEqual({ identifier: 'meta-1', blob: null, instruction: 'Sign please' });
    });

    it('default expiry is 1440 minutes', async () => {
      const created = await sdk.payload.create({ txjson: msTx() });
      const got = await sdk.payload.get(created!.uuid);
      expect(Date.parse(got!.payload.expires_at) - Date.parse(got!.payload.created_at)).toBe(1440 * 60_000);
    });

    it('pushed only for a valid, unexpired token of this app; no_push_msg_received only when pushed', async () => {
      const user = sandbox.createUser();
      const good = await createMs(user.userToken!);
      expect(good.pushed).toBe(true);
      expect(good.next.no_push_msg_received).toBeDefined();
      expect((await sdk.payload.get(good.uuid))!.meta.pushed).toBe(true);

      for (const token of ['c5bc4ccc-28fa-4080-b702-0d3aac97b993', 'not-a-uuid', 42]) {
        const c = await sdk.payload.create({ txjson: msTx(), user_token: token as string });
        expect(c!.pushed).toBe(false);
        expect(c!.next.no_push_msg_received).toBeUndefined();
        expect(c!.next.always).toBe(`${sandbox.url}/sign/${c!.uuid}`);
      }
      const expired = await http(sandbox.url, 'POST', `/sandbox/users/${user.userToken}/expire-token`);
      expect(expired.status).toBe(200);
      expect(expired.body.tokenActive).toBe(false);
      const late = await createMs(user.userToken!);
      expect(late.pushed).toBe(false);
      expect(late.next.no_push_msg_received).toBeUndefined();
      const [v] = await sdk.verifyUserTokens([user.userToken!]);
      expect(v).toMatchObject({ user_token: user.userToken, active: false });
    });
  });

  describe('meta truth table', () => {
    it('signed by user: resolved, signed', async () => {
      const u = sandbox.createUser();
      const c = await createMs(u.userToken!);
      expect((await ctl(`/sandbox/payloads/${c.uuid}/sign`)).status).toBe(200);
      expect((await sdk.payload.get(c.uuid))!.meta).toMatchObject({
        resolved: true,
        signed: true,
        cancelled: false,
        expired: false,
      });
    });
    it('rejected by user: resolved, not signed; response strings empty', async () => {
      const u = sandbox.createUser();
      const c = await createMs(u.userToken!);
      expect((await ctl(`/sandbox/payloads/${c.uuid}/reject`)).status).toBe(200);
      const got = await sdk.payload.get(c.uuid);
      expect(got!.meta).toMatchObject({ resolved: true, signed: false, cancelled: false, app_opened: true });
      expect(got!.response).toMatchObject({ hex: '', txid: '', account: '', multisign_account: '' });
      expect(got!.response.resolved_at).toEqual(expect.any(String));
    });
    it('cancelled, user did not interact: cancelled and expired', async () => {
      const c = await createMs();
      await sdk.payload.cancel(c.uuid);
      const got = await sdk.payload.get(c.uuid);
      expect(got!.meta).toMatchObject({ resolved: false, signed: false, cancelled: true, expired: true });
      expect(got!.payload.expires_in_seconds).toBeLessThanOrEqual(0);
    });
    it('expired, user did not interact: expired only', async () => {
      const c = await createMs();
      expect((await ctl(`/sandbox/payloads/${c.uuid}/expire`)).status).toBe(200);
      const got = await sdk.payload.get(c.uuid);
      expect(got!.meta).toMatchObject({ resolved: false, signed: false, cancelled: false, expired: true });
    });
    it('expired but opened before expiry and signed after: resolved, signed, expired (allowLate)', async () => {
      const u = sandbox.createUser();
      const c = await createMs(u.userToken!);
      await ctl(`/sandbox/payloads/${c.uuid}/open`);
      await ctl(`/sandbox/payloads/${c.uuid}/expire`);
      const refused = await ctl(`/sandbox/payloads/${c.uuid}/sign`);
      expect([refused.status, refused.body.error.code]).toEqual([409, 'EXPIRED']);
      expect((await ctl(`/sandbox/payloads/${c.uuid}/sign`, { allowLate: true })).status).toBe(200);
      expect((await sdk.payload.get(c.uuid))!.meta).toMatchObject({
        resolved: true,
        signed: true,
        expired: true,
      });
    });
    it('expiry happens by itself at expires_at', async () => {
      jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
      try {
        const c = await createMs(undefined, undefined, { options: { multisign: true, expire: 1 } });
        expect((await sdk.payload.get(c.uuid))!.meta.expired).toBe(false);
        jest.advanceTimersByTime(60_001);
        const got = await sdk.payload.get(c.uuid);
        expect(got!.meta.expired).toBe(true);
        expect(got!.payload.expires_in_seconds).toBeLessThan(0);
        expect(sandbox.getPayloadRecord(c.uuid).wsEvents.map((e) => e.message)).toContainEqual({
          expired: true,
        });
      } finally {
        jest.useRealTimers();
      }
    });
  });

  describe('cancel (DELETE) rules, order and quirks', () => {
    it('OK: meta is the state before the cancel with expired forced true', async () => {
      const c = await createMs(undefined, undefined, { custom_meta: { identifier: 'c-ok' } });
      const del = await sdk.payload.cancel(c.uuid);
      expect(del!.result).toEqual({ cancelled: true, reason: 'OK' });
      expect(del!.meta).toMatchObject({ uuid: c.uuid, cancelled: false, expired: true, app_opened: false });
      expect(del!.custom_meta).toEqual({ identifier: 'c-ok', blob: null, instruction: null });
    });
    it('ALREADY_CANCELLED', async () => {
      const c = await createMs();
      await sdk.payload.cancel(c.uuid);
      const del = await sdk.payload.cancel(c.uuid);
      expect(del!.result).toEqual({ cancelled: false, reason: 'ALREADY_CANCELLED' });
      expect(del!.meta).toMatchObject({ cancelled: true, expired: true });
    });
    it('ALREADY_RESOLVED (before expiry and opened checks)', async () => {
      const u = sandbox.createUser();
      const c = await createMs(u.userToken!);
      await ctl(`/sandbox/payloads/${c.uuid}/reject`);
      expect((await sdk.payload.cancel(c.uuid))!.result).toEqual({
        cancelled: false,
        reason: 'ALREADY_RESOLVED',
      });
    });
    it('ALREADY_EXPIRED (before the opened check)', async () => {
      const c = await createMs();
      await ctl(`/sandbox/payloads/${c.uuid}/open`);
      await ctl(`/sandbox/payloads/${c.uuid}/expire`);
      expect((await sdk.payload.cancel(c.uuid))!.result).toEqual({
        cancelled: false,
        reason: 'ALREADY_EXPIRED',
      });
    });
    it('ALREADY_OPENED: once opened in the app it cannot be cancelled, and can still be signed', async () => {
      const u = sandbox.createUser();
      const c = await createMs(u.userToken!);
      const opened = await ctl(`/sandbox/payloads/${c.uuid}/open`);
      expect(opened.status).toBe(200);
      const del = await http(sandbox.url, 'DELETE', `/api/v1/platform/payload/${c.uuid}`, undefined, {
        'x-api-key': sandbox.apiKey,
        'x-api-secret': sandbox.apiSecret,
      });
      expect(del.status).toBe(200);
      expect(del.body.result).toEqual({ cancelled: false, reason: 'ALREADY_OPENED' });
      expect(del.body.meta).toMatchObject({ app_opened: true, cancelled: false, expired: true });
      const got = await sdk.payload.get(c.uuid);
      expect(got!.meta).toMatchObject({ cancelled: false, expired: false, app_opened: true });
      expect((await ctl(`/sandbox/payloads/${c.uuid}/sign`)).status).toBe(200);
    });
    it('a cancelled payload can no longer be opened, signed or rejected', async () => {
      const u = sandbox.createUser();
      const c = await createMs(u.userToken!);
      await sdk.payload.cancel(c.uuid);
      for (const action of ['open', 'sign', 'reject']) {
        const r = await ctl(`/sandbox/payloads/${c.uuid}/${action}`);
        expect([r.status, r.body.error.code]).toEqual([409, 'CANCELLED']);
      }
    });
  });

  describe('multisign signing, as the Xaman app does it (§6)', () => {
    it('never fills Sequence/Fee/LastLedgerSequence/NetworkID, keeps Account, forces SigningPubKey ""', async () => {
      const u = sandbox.createUser();
      const signer = u.accounts[0]!.address;
      const c = await sdk.payload.create({
        txjson: {
          TransactionType: 'Payment',
          Account: MULTISIG.classicAddress,
          Destination: DEST,
          Amount: '1',
        },
        user_token: u.userToken!,
        options: { multisign: true, submit: true, signers: [signer] },
      });
      await ctl(`/sandbox/payloads/${c!.uuid}/sign`);
      const got = await sdk.payload.get(c!.uuid);
      const tx = decode(got!.response.hex!) as Record<string, any>;
      expect(tx.Account).toBe(MULTISIG.classicAddress);
      for (const f of ['Sequence', 'Fee', 'LastLedgerSequence', 'NetworkID', 'TxnSignature']) {
        expect(tx[f]).toBeUndefined();
      }
      expect(tx.SigningPubKey).toBe('');
      // never submitted, even with submit:true
      expect(got!.response).toMatchObject({
        dispatched_to: '',
        dispatched_result: '',
        dispatched_nodetype: '',
        dispatched_to_node: false,
      });
    });
    it('sets Account to the signer only when absent (a useless blob, as Xaman produces)', async () => {
      const u = sandbox.createUser();
      const tx = msTx();
      delete tx.Account;
      const c = await sdk.payload.create({
        txjson: tx,
        user_token: u.userToken!,
        options: { multisign: true },
      });
      await ctl(`/sandbox/payloads/${c!.uuid}/sign`);
      const got = await sdk.payload.get(c!.uuid);
      expect(got!.response.account).toBe(u.accounts[0]!.address);
      expect((decode(got!.response.hex!) as any).Account).toBe(u.accounts[0]!.address);
    });
    it('blob: exactly one Signers entry whose signature verifies over the multisigning data; txid = hash', async () => {
      const u = sandbox.createUser({ accounts: [{}, {}] });
      const second = u.accounts[1]!;
      const c = await createMs(u.userToken!, [second.address]);
      const signed = await ctl(`/sandbox/payloads/${c.uuid}/sign`);
      expect(signed.status).toBe(200);
      const got = await sdk.payload.get(c.uuid);
      const hex = got!.response.hex!;
      const tx = decode(hex) as any;
      expect(tx.Signers).toHaveLength(1);
      const s = tx.Signers[0].Signer;
      expect(s.Account).toBe(second.address); // the account options.signers allows, not the first one
      expect(s.SigningPubKey).toBe(second.publicKey);
      const { Signers: _s, ...unsigned } = tx;
      expect(unsigned).toEqual({ ...msTx(), SigningPubKey: '' });
      expect(verify(encodeForMultisigning(unsigned, s.Account), s.TxnSignature, s.SigningPubKey)).toBe(true);
      expect(got!.response.txid).toBe(hashes.hashSignedTx(hex));
      expect(got!.response).toMatchObject({
        account: MULTISIG.classicAddress,
        multisign_account: second.address,
        environment_nodetype: 'SANDBOX',
        environment_networkid: 0,
        signer_pubkey: second.publicKey,
      });
      expect(got!.payload).toMatchObject({ signmethod: 'BIOMETRIC', origintype: 'PUSH_NOTIFICATION' });
      // the same blob is what xrpl.js Wallet.sign(tx, signAs) produces
      const w = Wallet.fromSeed(second.seed);
      expect(w.sign({ ...(msTx() as any) }, second.address).tx_blob).toBe(hex);
    });
    it('a template that already carries Signers keeps them; the new entry is appended, sorted by AccountID', async () => {
      const other = Wallet.generate();
      const base = msTx();
      const existing = decode(other.sign(base as any, true).tx_blob) as any;
      const u = sandbox.createUser({ accounts: [{ algorithm: 'secp256k1' }] });
      const c = await sdk.payload.create({
        txjson: { ...base, Signers: existing.Signers },
        user_token: u.userToken!,
        options: { multisign: true },
      });
      expect((await ctl(`/sandbox/payloads/${c!.uuid}/sign`)).status).toBe(200);
      const tx = decode((await sdk.payload.get(c!.uuid))!.response.hex!) as any;
      expect(tx.Signers).toHaveLength(2);
      const ids = tx.Signers.map((x: any) => Buffer.from(decodeAccountID(x.Signer.Account)).toString('hex'));
      expect([...ids].sort()).toEqual(ids);
      const mine = tx.Signers.find((x: any) => x.Signer.Account === u.accounts[0]!.address).Signer;
      expect(mine.SigningPubKey).toMatch(/^0[23]/); // secp256k1
      const { Signers: _s, ...unsigned } = tx;
      expect(
        verify(encodeForMultisigning(unsigned, mine.Account), mine.TxnSignature, mine.SigningPubKey),
      ).toBe(true);
    });
    it('environment_networkid follows the NetworkID of the transaction', async () => {
      const u = sandbox.createUser();
      const c = await sdk.payload.create({
        txjson: msTx({ NetworkID: 21337 }),
        user_token: u.userToken!,
        options: { multisign: true },
      });
      await ctl(`/sandbox/payloads/${c!.uuid}/sign`);
      expect((await sdk.payload.get(c!.uuid))!.response.environment_networkid).toBe(21337);
    });
  });

  describe('options.signers enforced', () => {
    it('a user holding none of the signers is refused (403) and the payload is unchanged', async () => {
      const u = sandbox.createUser();
      const other = Wallet.generate().classicAddress;
      const c = await createMs(u.userToken!, [other]);
      const before = sandbox.getPayloadRecord(c.uuid).platform;
      const r = await ctl(`/sandbox/payloads/${c.uuid}/sign`);
      expect([r.status, r.body.error.code]).toEqual([403, 'SIGNER_NOT_ALLOWED']);
      const after = sandbox.getPayloadRecord(c.uuid).platform;
      expect(after).toEqual({
        ...before,
        payload: { ...(before.payload as object), expires_in_seconds: expect.any(Number) },
      });
      expect((after.meta as any).app_opened).toBe(false);
    });
    it('an explicit account outside options.signers is refused; inside is accepted', async () => {
      const u = sandbox.createUser({ accounts: [{}, {}] });
      const [a, b] = u.accounts;
      const c = await createMs(u.userToken!, [b!.address]);
      const r = await ctl(`/sandbox/payloads/${c.uuid}/sign`, { account: a!.address });
      expect([r.status, r.body.error.code]).toEqual([403, 'SIGNER_NOT_ALLOWED']);
      expect((await sdk.payload.get(c.uuid))!.meta.resolved).toBe(false);
      const ok = await ctl(`/sandbox/payloads/${c.uuid}/sign`, { account: b!.address });
      expect(ok.status).toBe(200);
      expect((await sdk.payload.get(c.uuid))!.response.multisign_account).toBe(b!.address);
    });
    it('without options.signers, the user first account signs', async () => {
      const u = sandbox.createUser({ accounts: [{}, {}] });
      const c = await createMs(u.userToken!);
      await ctl(`/sandbox/payloads/${c.uuid}/sign`);
      expect((await sdk.payload.get(c.uuid))!.response.multisign_account).toBe(u.accounts[0]!.address);
    });
  });

  describe('single-sign payloads, SignIn and user tokens (§7)', () => {
    it('a signed SignIn (QR, user without token) issues a token: issued_user_token, user-tokens active', async () => {
      const u = sandbox.createUser({ withToken: false });
      expect(u.userToken).toBeNull();
      const c = await sdk.payload.create({ txjson: { TransactionType: 'SignIn' } });
      expect(c!.pushed).toBe(false);
      const noUser = await ctl(`/sandbox/payloads/${c!.uuid}/sign`);
      expect([noUser.status, noUser.body.error.code]).toEqual([400, 'NO_USER']);
      const r = await ctl(`/sandbox/payloads/${c!.uuid}/sign`, { userToken: u.userId });
      expect(r.status).toBe(200);
      const got = await sdk.payload.get(c!.uuid);
      const token = got!.application.issued_user_token!;
      expect(token).toMatch(/^[0-9a-f-]{36}$/);
      expect(got!.meta).toMatchObject({ signed: true, opened_by_deeplink: false, multisign: false });
      expect(got!.payload.origintype).toBe('QR');
      expect(got!.response).toMatchObject({ account: u.accounts[0]!.address, multisign_account: '' });
      const tx = decode(got!.response.hex!) as any;
      expect(tx.TransactionType).toBeUndefined();
      expect(tx.Account).toBe(u.accounts[0]!.address);
      expect(
        verify(
          encodeForSigning({ Account: tx.Account, SigningPubKey: tx.SigningPubKey }),
          tx.TxnSignature,
          tx.SigningPubKey,
        ),
      ).toBe(true);
      expect(got!.response.txid).toBe(hashes.hashSignedTx(got!.response.hex!));
      const v = await sdk.verifyUserToken(token);
      expect(v).toMatchObject({ user_token: token, active: true });
      expect(v!.expires! - v!.issued!).toBe(30 * 86400);
      // the new token pushes from now on
      const next = await createMs(token);
      expect(next.pushed).toBe(true);
      expect(sandbox.getUser(token).userToken).toBe(token);
    });
    it('a SignIn by a user whose token expired mints a new token; the old one stays inactive', async () => {
      const u = sandbox.createUser();
      sandbox.expireUserToken(u.userToken!);
      const c = await sdk.payload.create({ txjson: { TransactionType: 'SignIn' } });
      await ctl(`/sandbox/payloads/${c!.uuid}/sign`, { userToken: u.userToken });
      const got = await sdk.payload.get(c!.uuid);
      const fresh = got!.application.issued_user_token!;
      expect(fresh).not.toBe(u.userToken);
      const tokens = await sdk.verifyUserTokens([u.userToken!, fresh]);
      expect(tokens.map((t) => t.active)).toEqual([false, true]);
    });
    it('a signed resolve extends a live token (same token); issued_user_token moves to the newest payload', async () => {
      const u = sandbox.createUser();
      const first = await createMs(u.userToken!);
      await ctl(`/sandbox/payloads/${first.uuid}/sign`);
      expect((await sdk.payload.get(first.uuid))!.application.issued_user_token).toBe(u.userToken);
      const second = await createMs(u.userToken!);
      await ctl(`/sandbox/payloads/${second.uuid}/sign`);
      expect((await sdk.payload.get(second.uuid))!.application.issued_user_token).toBe(u.userToken);
      expect((await sdk.payload.get(first.uuid))!.application.issued_user_token).toBeNull();
    });
    it('a non-multisign Payment: Account overwritten with the signer, single signature', async () => {
      const u = sandbox.createUser();
      const c = await sdk.payload.create({ txjson: msTx(), user_token: u.userToken! });
      await ctl(`/sandbox/payloads/${c!.uuid}/sign`);
      const got = await sdk.payload.get(c!.uuid);
      const tx = decode(got!.response.hex!) as any;
      expect(tx.Account).toBe(u.accounts[0]!.address);
      expect(tx.SigningPubKey).toBe(u.accounts[0]!.publicKey);
      expect(tx.Signers).toBeUndefined();
      expect(got!.response.multisign_account).toBe('');
    });
    it('user-tokens: unknown tokens are inactive without dates', async () => {
      const r = await sdk.verifyUserTokens(['c5bc4ccc-28fa-4080-b702-0d3aac97b993']);
      expect(r).toEqual([{ user_token: 'c5bc4ccc-28fa-4080-b702-0d3aac97b993', active: false }]);
      expect(await sdk.verifyUserToken('c5bc4ccc-28fa-4080-b702-0d3aac97b993')).toMatchObject({
        active: false,
      });
    });
  });

  it('payload/ci returns the same document as payload/:uuid and counts as a fetch', async () => {
    const c = await createMs(undefined, undefined, { custom_meta: { identifier: 'ci/with slash' } });
    const byCi = await getByCustomIdentifier(sdk, 'ci/with slash');
    const byUuid = await sdk.payload.get(c.uuid);
    expect(byCi.meta).toEqual(byUuid!.meta);
    expect(sandbox.getPayloadRecord(c.uuid).apiOpenCount).toBe(2);
  });
});
