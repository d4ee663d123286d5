import { buildDomain, Domain, xamanErrors } from '../../test/fakes';
import { alice, bob, operator, propose, registerTreasury, requestOf } from '../../test/domain.fixtures';
import { AccountRecord } from '../records';
import { WORKER_ACTOR } from '../shared/actor';

const ALICE_TOKEN = '0c9a3a1e-6f53-4c55-9e6a-3f3b0a2d7c11';

describe('DispatchSignRequest', () => {
  let d: Domain;
  let account: AccountRecord;

  beforeEach(async () => {
    d = buildDomain();
    account = await registerTreasury(d);
  });

  const failEveryCreate = (make: () => Error, times = 3) => {
    for (let i = 0; i < times; i++) d.xaman.createErrors.push(make());
  };

  it("pushes through the signer's live user_token, decrypted from storage", async () => {
    await d.updatingSigner.execute(account.id, alice.classicAddress, { userToken: ALICE_TOKEN }, operator);
    const proposal = await propose(d, account.id);
    const sent = d.xaman.created.find((c) => c.signer === alice.classicAddress)!;
    expect(sent.userToken).toBe(ALICE_TOKEN);
    expect(await requestOf(d, proposal.id, alice.classicAddress)).toMatchObject({
      state: 'created',
      pushed: true,
    });
    expect(d.xaman.created.find((c) => c.signer === bob.classicAddress)!.userToken).toBeNull();
  });

  it('sends no token once it expired: the signer gets a sign link instead of a push', async () => {
    // Xaman's own expiry: 30 days from now, never moved (the signer signed nothing meanwhile).
    d.xaman.userTokens.set(ALICE_TOKEN, {
      active: true,
      expiresAt: new Date(d.clock.now().getTime() + 30 * 86_400_000),
    });
    await d.updatingSigner.execute(account.id, alice.classicAddress, { userToken: ALICE_TOKEN }, operator);
    d.clock.advance(31 * 24 * 3600 * 1000);
    const proposal = await propose(d, account.id);
    expect(d.xaman.created.find((c) => c.signer === alice.classicAddress)!.userToken).toBeNull();
    const request = await requestOf(d, proposal.id, alice.classicAddress);
    expect(request).toMatchObject({ pushed: false });
    expect(request.signLink).toBe(d.xaman.signLinkFor(request.xamanPayloadUuid!));
  });

  it('checks the token at Xaman before pushing: a revoked one is dropped and the signer must enrol again', async () => {
    await d.updatingSigner.execute(account.id, alice.classicAddress, { userToken: ALICE_TOKEN }, operator);
    d.xaman.userTokens.set(ALICE_TOKEN, { active: false, expiresAt: null });
    const proposal = await propose(d, account.id);
    expect(d.xaman.created.find((c) => c.signer === alice.classicAddress)!.userToken).toBeNull();
    expect(await requestOf(d, proposal.id, alice.classicAddress)).toMatchObject({ pushed: false });
    const signer = (await d.accounts.signersOf(account.id)).find((s) => s.address === alice.classicAddress)!;
    expect(signer).toMatchObject({ userTokenCiphertext: null, enrolmentState: 'expired' });
    expect(await d.audit.list({ action: 'signer.token_expired', limit: 5 })).toHaveLength(1);
  });

  it('creates a multisign payload for the prepared transaction, only for that signer, expiring with the proposal', async () => {
    const proposal = await propose(d, account.id, { expiresInMinutes: 90 });
    const sent = d.xaman.created.find((c) => c.signer === alice.classicAddress)!;
    expect(sent.txjson).toEqual(proposal.preparedTx);
    expect(sent).toMatchObject({ expireMinutes: 90, forceNetwork: 'TESTNET' });
    expect(d.watches.size).toBe(3);
  });

  it('finds the payload an earlier attempt created when Xaman answers 409 (no duplicate, pushed unknown)', async () => {
    let lost = 0;
    d.xaman.duringCreate = async () => {
      if (lost++ < 3) throw xamanErrors.rateLimited(); // Xaman stored it, the answer never arrived
    };
    const proposal = await propose(d, account.id);
    expect((await requestOf(d, proposal.id, alice.classicAddress)).state).toBe('queued');
    d.clock.advance(1_000);
    await d.dispatching.dispatchDue(WORKER_ACTOR);
    const request = await requestOf(d, proposal.id, alice.classicAddress);
    const atXaman = [...d.xaman.payloads.values()].filter((p) => p.signers?.includes(alice.classicAddress));
    expect(atXaman).toHaveLength(1);
    expect(request).toMatchObject({
      state: 'created',
      xamanPayloadUuid: atXaman[0]!.uuid,
      pushed: null,
      signLink: d.xaman.signLinkFor(atXaman[0]!.uuid),
    });
  });

  it('keeps a request queued after a retryable failure, with a back-off that doubles per attempt', async () => {
    failEveryCreate(xamanErrors.rateLimited);
    const proposal = await propose(d, account.id);
    const start = d.clock.now().getTime();
    let request = await requestOf(d, proposal.id, alice.classicAddress);
    expect(request).toMatchObject({ state: 'queued', createAttempts: 1, lastError: 'Too many requests' });
    expect(request.nextAttemptAt!.getTime() - start).toBe(1_000);

    d.clock.advance(999);
    expect(await d.dispatching.dispatchDue(WORKER_ACTOR)).toBe(0);

    d.clock.advance(1);
    failEveryCreate(xamanErrors.rateLimited);
    expect(await d.dispatching.dispatchDue(WORKER_ACTOR)).toBe(3);
    request = await requestOf(d, proposal.id, alice.classicAddress);
    expect(request.createAttempts).toBe(2);
    expect(request.nextAttemptAt!.getTime() - d.clock.now().getTime()).toBe(2_000);

    d.clock.advance(2_000);
    failEveryCreate(xamanErrors.rateLimited);
    await d.dispatching.dispatchDue(WORKER_ACTOR);
    request = await requestOf(d, proposal.id, alice.classicAddress);
    expect(request.nextAttemptAt!.getTime() - d.clock.now().getTime()).toBe(4_000);

    d.clock.advance(4_000);
    await d.dispatching.dispatchDue(WORKER_ACTOR);
    expect((await requestOf(d, proposal.id, alice.classicAddress)).state).toBe('created');
  });

  it('fails a request Xaman refuses for good, and the proposal keeps collecting', async () => {
    failEveryCreate(xamanErrors.refused);
    const proposal = await propose(d, account.id);
    const requests = await d.proposals.requestsOf(proposal.id);
    expect(requests.map((r) => r.state)).toEqual(['failed', 'failed', 'failed']);
    expect(requests[0]!.lastError).toBe('Invalid payload');
    expect((await d.proposals.find(proposal.id))!.state).toBe('collecting');
  });

  it('withdraws a queued request of a closed proposal without creating a payload', async () => {
    failEveryCreate(xamanErrors.rateLimited);
    const proposal = await propose(d, account.id);
    await d.changes.proposal(proposal.id, 'cancelled', operator); // closed, payloads not yet withdrawn
    d.clock.advance(1_000);
    await d.dispatching.dispatchDue(WORKER_ACTOR);
    expect((await d.proposals.requestsOf(proposal.id)).map((r) => r.state)).toEqual([
      'cancelled',
      'cancelled',
      'cancelled',
    ]);
    expect(d.xaman.created).toHaveLength(0);
  });

  it('cancels at Xaman a payload created while its request was withdrawn', async () => {
    d.xaman.duringCreate = async () => {
      const identifier = d.xaman.created.at(-1)!.identifier;
      const request = d.proposals.requests.find((r) => r.customIdentifier === identifier)!;
      await d.changes.request(request.id, 'withdrawn', operator);
    };
    await propose(d, account.id);
    expect(d.xaman.cancelCalls.sort()).toEqual(d.xaman.created.map((c) => c.uuid).sort());
    expect([...d.xaman.payloads.values()].every((p) => p.cancelled)).toBe(true);
  });

  it('never sends a request twice: a second dispatch of a sent request does nothing', async () => {
    const proposal = await propose(d, account.id);
    const request = await requestOf(d, proposal.id, alice.classicAddress);
    await d.dispatching.execute(request.id, WORKER_ACTOR);
    await d.dispatching.execute(request.id, WORKER_ACTOR, true);
    expect(d.xaman.created).toHaveLength(3);
  });
});
