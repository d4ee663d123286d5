import { Wallet } from 'xrpl';
import { applySingleSigned } from '@app/sandbox';
import { FlowEnv, sandboxAction, startFlow } from './support/flow';

describe('SignerList drift (worker job and refresh)', () => {
  let env: FlowEnv;
  beforeAll(async () => {
    env = await startFlow({ env: { SIGNER_LIST_CHECK_INTERVAL_MS: '300' } });
  }, 30_000);
  afterAll(async () => {
    await env?.close();
  }, 30_000);

  it('invalidates a collecting proposal when the SignerList changes on ledger, and withdraws its payloads', async () => {
    // The proposal takes a Ticket, so the SignerListSet below (on the account Sequence) changes the
    // list without also spending the proposal's number (which would supersede it instead).
    const setup = await env.setUp({
      quorum: 2,
      signers: [{ weight: 1 }, { weight: 1 }, { weight: 1 }],
      tickets: 1,
    });
    const accountId = await env.register(setup);
    const created = await env.propose(accountId, '1000000');
    expect(created.state).toBe('collecting');
    expect(created.ticketSequence).toBe(setup.tickets[0]);

    // The account's owner raises the quorum to 3 behind the service's back.
    await applySingleSigned(env.ledger, Wallet.fromSeed(setup.account.seed), {
      TransactionType: 'SignerListSet',
      SignerQuorum: 3,
      SignerEntries: setup.signers.map((s) => ({ SignerEntry: { Account: s.address, SignerWeight: 1 } })),
    });

    const invalidated = await env.waitForProposal(created.id, (p) => p.state === 'invalidated', 15_000);
    expect(invalidated.result.reason).toMatch(/SignerList/);
    await env.waitForProposal(
      created.id,
      (p) => p.signers.every((s: any) => s.state === 'cancelled'),
      10_000,
    );
    for (const signer of created.signers) {
      expect((env.xaman.getPayloadRecord(signer.payloadUuid).platform as any).meta.cancelled).toBe(true);
    }
    const account = (await env.call('GET', `/v1/accounts/${accountId}`)).body;
    expect(account.signerList.quorum).toBe(3);

    // A new proposal is prepared under the new list.
    const again = await env.propose(accountId, '1000000');
    expect(again.quorum.required).toBe(3);
  }, 40_000);

  it('POST /v1/accounts/:id/refresh reports a key change without invalidating: keys are checked live, so the proposal completes with the new key', async () => {
    const setup = await env.setUp({ quorum: 1, signers: [{ weight: 1 }, { weight: 1 }] });
    const accountId = await env.register(setup);
    const unchanged = await env.call('POST', `/v1/accounts/${accountId}/refresh`);
    expect(unchanged.status).toBe(200);
    expect(unchanged.body).toMatchObject({ changed: false, invalidatedProposalIds: [] });
    const created = await env.propose(accountId, '1000000');
    // A signer gives its account a regular key: its key facts changed, its place in the list did not.
    const regular = Wallet.generate();
    const signer = setup.signers[0]!;
    await applySingleSigned(env.ledger, Wallet.fromSeed(signer.seed), {
      TransactionType: 'SetRegularKey',
      RegularKey: regular.classicAddress,
    });
    const refreshed = await env.call('POST', `/v1/accounts/${accountId}/refresh`);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.changed).toBe(true);
    expect(refreshed.body.invalidatedProposalIds).toEqual([]);
    const listed = refreshed.body.signers.find((s: any) => s.address === signer.address);
    expect(listed.keyFacts.regularKey).toBe(regular.classicAddress);
    // The proposal is still collecting, and a signature with the new regular key counts.
    const uuid = created.signers.find((s: any) => s.address === signer.address).payloadUuid;
    expect((await env.call('GET', `/v1/proposals/${created.id}`)).body.state).toBe('collecting');
    const signed = await sandboxAction(env, uuid, 'sign', { keySeed: regular.seed });
    expect(signed.status).toBe(200);
    const done = await env.waitForProposal(created.id, (p) => p.state === 'succeeded', 15_000);
    expect(done.signers.find((s: any) => s.address === signer.address).signatureCounted).toBe(true);
  }, 40_000);

  it('ends a collecting proposal as superseded once its Sequence is used by another transaction', async () => {
    const setup = await env.setUp({ quorum: 2, signers: [{ weight: 1 }, { weight: 1 }] });
    const accountId = await env.register(setup);
    const created = await env.propose(accountId, '1000000');
    expect(created.ticketSequence).toBeNull();
    await applySingleSigned(env.ledger, Wallet.fromSeed(setup.account.seed), {
      TransactionType: 'AccountSet',
    });
    const superseded = await env.waitForProposal(created.id, (p) => p.state === 'superseded', 15_000);
    expect(superseded.result.reason).toMatch(/Sequence \d+ was used by another transaction/);
    await env.waitForProposal(
      created.id,
      (p) => p.signers.every((s: any) => s.state === 'cancelled'),
      10_000,
    );
  }, 40_000);
});
