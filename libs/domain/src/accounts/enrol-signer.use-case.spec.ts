import { encode, encodeForSigning } from 'ripple-binary-codec';
import { sign } from 'ripple-keypairs';
import { Wallet } from 'xrpl';
import { buildDomain, Domain } from '../../test/fakes';
import {
  alice,
  bob,
  blobFor,
  carolRegularKey,
  mallory,
  operator,
  propose,
  registerTreasury,
  requestOf,
} from '../../test/domain.fixtures';
import { AccountRecord, SignerRecord } from '../records';
import { XAMAN_ACTOR } from '../shared/actor';
import { enrolmentStateOf } from './enrolment-state';

const DAY = 86_400_000;
const TOKEN = '7d1e5b7c-4c1e-4f3a-9a55-0b6f2d8e9a01';
const NEW_TOKEN = '7d1e5b7c-4c1e-4f3a-9a55-0b6f2d8e9a02';

/** A Xaman SignIn blob: the pseudo-transaction {Account, SigningPubKey} single-signed by `key`. */
function signInBlob(key: Wallet, account: string, tamper = false): string {
  const tx = { Account: account, SigningPubKey: key.publicKey };
  const signature = sign(encodeForSigning(tx), key.privateKey);
  const TxnSignature = tamper
    ? signature.replace(/^../, signature.startsWith('00') ? '11' : '00')
    : signature;
  return encode({ ...tx, TxnSignature });
}

describe('signer enrolment (EnrolSigner + ResolveEnrolment) and the token life cycle (SignerTokens)', () => {
  let d: Domain;
  let account: AccountRecord;
  const signer = async (address = alice.classicAddress): Promise<SignerRecord> =>
    (await d.accounts.signersOf(account.id)).find((s) => s.address === address)!;
  const stateOf = async (address = alice.classicAddress) =>
    enrolmentStateOf(await signer(address), d.clock.now(), d.settings.tokenExpiryWarningMs);

  beforeEach(async () => {
    d = buildDomain();
    account = await registerTreasury(d);
  });

  /** The signer scans the enrolment QR: `key` signs the SignIn as `as`, Xaman issues `token`. */
  async function enrolWith(key: Wallet, as: string, token = TOKEN, tamper = false) {
    const invitation = await d.enrolling.execute(account.id, alice.classicAddress, operator);
    d.xaman.signIn(invitation.payloadUuid, signInBlob(key, as, tamper), as, token);
    return { invitation, outcome: await d.signals.signal(invitation.payloadUuid, 'webhook') };
  }

  it('creates a SignIn payload with sign link, QR, deep link and expiry; the signer shows pending', async () => {
    const invitation = await d.enrolling.execute(account.id, alice.classicAddress, operator);
    expect(invitation).toMatchObject({
      state: 'pending',
      pushed: false,
      signLink: d.xaman.signLinkFor(invitation.payloadUuid),
      qrPng: expect.stringContaining(invitation.payloadUuid),
      deepLink: expect.stringContaining(invitation.payloadUuid),
    });
    expect(invitation.expiresAt.getTime()).toBe(d.clock.now().getTime() + 60 * 60_000);
    expect(await stateOf()).toBe('pending');
  });

  it('stores the issued token, encrypted, with the expiry Xaman reports, once the signature proves the account', async () => {
    const expiresAt = new Date(d.clock.now().getTime() + 30 * DAY);
    d.xaman.userTokens.set(TOKEN, { active: true, expiresAt });
    const { outcome } = await enrolWith(alice, alice.classicAddress);
    expect(outcome).toBe('signed');
    const stored = await signer();
    expect(stored.userTokenCiphertext).not.toContain(TOKEN);
    expect(d.cipher.decrypt(stored.userTokenCiphertext!)).toBe(TOKEN);
    expect(stored.userTokenExpiresAt).toEqual(expiresAt);
    expect(await stateOf()).toBe('enrolled');
    expect(await d.audit.list({ action: 'signer.enrolled', limit: 5 })).toHaveLength(1);
  });

  it('pushes the enrolment when the signer already has a live token, and re-enrolment replaces the token', async () => {
    await enrolWith(alice, alice.classicAddress, TOKEN);
    const { invitation } = await enrolWith(alice, alice.classicAddress, NEW_TOKEN);
    expect(invitation.pushed).toBe(true);
    expect(d.xaman.signIns.at(-1)!.userToken).toBe(TOKEN);
    expect(d.cipher.decrypt((await signer()).userTokenCiphertext!)).toBe(NEW_TOKEN);
  });

  it.each([
    [
      'another account signs',
      () => signInBlob(mallory, mallory.classicAddress),
      mallory.classicAddress,
      'ENROLMENT_WRONG_ACCOUNT',
    ],
    [
      'a key that is not the account’s signs for it',
      () => signInBlob(mallory, alice.classicAddress),
      alice.classicAddress,
      'ENROLMENT_KEY_NOT_AUTHORISED',
    ],
    [
      'the signature is tampered with',
      () => signInBlob(alice, alice.classicAddress, true),
      alice.classicAddress,
      'ENROLMENT_SIGNATURE_INVALID',
    ],
    ['the blob is not a SignIn blob', () => 'ABCDEF', alice.classicAddress, 'ENROLMENT_BLOB_MALFORMED'],
  ])('refuses the enrolment when %s: nothing is stored, the reason is', async (_case, blob, as, code) => {
    const invitation = await d.enrolling.execute(account.id, alice.classicAddress, operator);
    d.xaman.signIn(invitation.payloadUuid, blob(), as, TOKEN);
    expect(await d.signals.signal(invitation.payloadUuid, 'webhook')).toBe('refused');
    expect(await signer()).toMatchObject({
      userTokenCiphertext: null,
      enrolmentState: 'none',
      enrolmentRefusalCode: code,
    });
    expect(await stateOf()).toBe('none');
  });

  it('refuses a master key the account disabled, and accepts its current RegularKey', async () => {
    d.ledger.change(alice.classicAddress, {
      masterDisabled: true,
      regularKey: carolRegularKey.classicAddress,
    });
    expect((await enrolWith(alice, alice.classicAddress)).outcome).toBe('refused');
    expect((await signer()).enrolmentRefusalCode).toBe('ENROLMENT_MASTER_DISABLED');
    expect((await enrolWith(carolRegularKey, alice.classicAddress)).outcome).toBe('signed');
    expect(await stateOf()).toBe('enrolled');
  });

  it('a rejected SignIn stores nothing and says so', async () => {
    const invitation = await d.enrolling.execute(account.id, alice.classicAddress, operator);
    d.xaman.reject(invitation.payloadUuid);
    expect(await d.signals.signal(invitation.payloadUuid, 'webhook')).toBe('rejected');
    expect(await signer()).toMatchObject({
      enrolmentRefusalCode: 'ENROLMENT_REJECTED',
      userTokenCiphertext: null,
    });
  });

  it('refuses to enrol an address outside the SignerList', async () => {
    await expect(d.enrolling.execute(account.id, mallory.classicAddress, operator)).rejects.toMatchObject({
      code: 'SIGNER_NOT_FOUND',
    });
  });

  it("moves the token's expiry forward after its signer signs a payload (Xaman's expiry, not a guess)", async () => {
    d.xaman.userTokens.set(TOKEN, { active: true, expiresAt: new Date(d.clock.now().getTime() + 30 * DAY) });
    await enrolWith(alice, alice.classicAddress);
    d.clock.advance(10 * DAY);
    const later = new Date(d.clock.now().getTime() + 30 * DAY);
    d.xaman.userTokens.set(TOKEN, { active: true, expiresAt: later });
    const proposal = await propose(d, account.id);
    const uuid = (await requestOf(d, proposal.id, alice.classicAddress)).xamanPayloadUuid!;
    d.xaman.sign(uuid, blobFor(proposal, alice));
    expect(await d.resolving.execute(uuid, 'webhook', XAMAN_ACTOR)).toBe('signed');
    await d.tokens.idle(); // the refresh runs beside the resolution, not inside it
    expect((await signer()).userTokenExpiresAt).toEqual(later);
  });

  it('flags a token with less than the warning window left, audited once per expiry; an expired one is dropped', async () => {
    const soon = new Date(d.clock.now().getTime() + 3 * DAY);
    d.xaman.userTokens.set(TOKEN, { active: true, expiresAt: soon });
    await enrolWith(alice, alice.classicAddress);
    expect(await stateOf()).toBe('expiring');
    await d.tokens.verifyAll();
    await d.tokens.verifyAll();
    const warnings = await d.audit.list({ action: 'signer.token_expiring', limit: 5 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.details).toMatchObject({
      address: alice.classicAddress,
      expiresAt: soon.toISOString(),
    });
    d.clock.advance(4 * DAY);
    d.xaman.userTokens.set(TOKEN, { active: false, expiresAt: soon });
    await d.tokens.verifyAll();
    expect(await stateOf()).toBe('expired');
    expect((await signer()).userTokenCiphertext).toBeNull();
  });

  it('a token Xaman issues with a verified multisign blob becomes the signer’s (the blob proved who signed)', async () => {
    const proposal = await propose(d, account.id);
    const uuid = (await requestOf(d, proposal.id, bob.classicAddress)).xamanPayloadUuid!;
    d.xaman.sign(uuid, blobFor(proposal, bob));
    d.xaman.payloads.set(uuid, { ...d.xaman.payloads.get(uuid)!, issuedUserToken: NEW_TOKEN });
    expect(await d.resolving.execute(uuid, 'webhook', XAMAN_ACTOR)).toBe('signed');
    expect(d.cipher.decrypt((await signer(bob.classicAddress)).userTokenCiphertext!)).toBe(NEW_TOKEN);
  });
});
