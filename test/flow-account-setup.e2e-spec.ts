import { Wallet } from 'xrpl';
import { FlowEnv, payment, sandboxAction, startFlow, waitUntil } from './support/flow';

const lsfDisableMaster = 0x00100000;

/**
 * Onboarding from scratch: a fresh account funded from genesis gets its SignerList and disables its
 * master key through single-signed owner payloads, is registered, its signers enrol by scanning, and
 * a payout succeeds by push to the tokens they enrolled.
 */
describe('account set-up from scratch (REST API + both sandboxes + PostgreSQL)', () => {
  let env: FlowEnv;
  beforeAll(async () => {
    env = await startFlow();
  }, 30_000);
  afterAll(async () => {
    await env?.close();
  }, 30_000);

  async function fundedOwner(): Promise<Wallet> {
    const owner = Wallet.generate();
    expect((await env.ledger.fund(owner.classicAddress, 100_000_000n)).result).toBe('tesSUCCESS');
    return owner;
  }

  const setupOf = async (id: string) => (await env.call('GET', `/v1/accounts/setup/${id}`)).body;
  const waitForSetup = (id: string, states: string[]) =>
    waitUntil(
      async () => {
        const s = await setupOf(id);
        return states.includes(s.state) ? s : undefined;
      },
      20_000,
      `set-up ${id} in ${states.join('|')}`,
    );

  it('sets the list, disables the master key, registers; signers enrol and a payout succeeds by push', async () => {
    const owner = await fundedOwner();
    const signers = [Wallet.generate(), Wallet.generate(), Wallet.generate()];
    for (const s of signers) await env.ledger.fund(s.classicAddress, 50_000_000n);

    const started = await env.call('POST', '/v1/accounts/setup', {
      address: owner.classicAddress,
      network: 'sandbox',
      label: 'fresh treasury',
      quorum: 2,
      signers: signers.map((s) => ({ address: s.classicAddress, weight: 1 })),
      disableMaster: true,
    });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({
      state: 'awaiting_signer_list',
      failure: null,
      accountId: null,
      steps: [
        {
          kind: 'signer_list',
          state: 'awaiting_signature',
          txJson: { TransactionType: 'SignerListSet', Account: owner.classicAddress, SignerQuorum: 2 },
          signLink: expect.stringContaining(started.body.steps[0].payloadUuid),
        },
      ],
    });
    const setupId = started.body.id as string;

    // A second set-up of the same account is refused while this one is open.
    const again = await env.call('POST', '/v1/accounts/setup', {
      address: owner.classicAddress,
      network: 'sandbox',
      quorum: 1,
      signers: [{ address: signers[0]!.classicAddress, weight: 1 }],
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('SETUP_IN_PROGRESS');

    // Step 1: the owner signs the SignerListSet; it validates; the master-key payload follows.
    expect(
      (await sandboxAction(env, started.body.steps[0].payloadUuid, 'sign', { seed: owner.seed })).status,
    ).toBe(200);
    const disabling = await waitForSetup(setupId, ['awaiting_disable_master', 'failed']);
    expect(disabling.state).toBe('awaiting_disable_master');
    expect(disabling.steps[0]).toMatchObject({ state: 'validated', resultCode: 'tesSUCCESS' });
    expect(disabling.steps[1]).toMatchObject({
      kind: 'disable_master',
      state: 'awaiting_signature',
      txJson: { TransactionType: 'AccountSet', SetFlag: 4, Account: owner.classicAddress },
    });
    expect(env.ledger.getAccount(owner.classicAddress)!.Flags & lsfDisableMaster).toBe(0);

    // Step 2: the owner disables the master key; the account is registered, its signers invited.
    expect(
      (await sandboxAction(env, disabling.steps[1].payloadUuid, 'sign', { seed: owner.seed })).status,
    ).toBe(200);
    const done = await waitForSetup(setupId, ['registered', 'failed']);
    expect(done).toMatchObject({ state: 'registered', failure: null, accountId: expect.any(String) });
    expect(done.steps[1]).toMatchObject({ state: 'validated', resultCode: 'tesSUCCESS' });
    expect(env.ledger.getAccount(owner.classicAddress)!.Flags & lsfDisableMaster).toBe(lsfDisableMaster);

    const account = (await env.call('GET', `/v1/accounts/${done.accountId}`)).body;
    expect(account).toMatchObject({ address: owner.classicAddress, signerList: { quorum: 2 } });
    expect(account.health.map((h: any) => h.code)).not.toContain('MASTER_KEY_ENABLED');
    for (const s of account.signers) expect(s.enrolment.state).toBe('pending');

    // The signers enrol by scanning their invitation.
    for (const wallet of signers.slice(0, 2)) {
      const signer = account.signers.find((s: any) => s.address === wallet.classicAddress);
      expect(
        (await sandboxAction(env, signer.enrolment.payloadUuid, 'sign', { seed: wallet.seed })).status,
      ).toBe(200);
    }
    await waitUntil(
      async () => {
        const a = (await env.call('GET', `/v1/accounts/${done.accountId}`)).body;
        return a.signers.filter((s: any) => s.hasUserToken).length === 2 ? a : undefined;
      },
      10_000,
      'two signers enrolled',
    );

    // A payout goes by push to the enrolled tokens and succeeds.
    const created = await env.call('POST', '/v1/proposals', {
      accountId: done.accountId,
      txjson: payment(Wallet.generate().classicAddress, '2000000'),
    });
    expect(created.status).toBe(201);
    const by = Object.fromEntries(created.body.signers.map((s: any) => [s.address, s]));
    for (const wallet of signers.slice(0, 2)) {
      expect(by[wallet.classicAddress]).toMatchObject({ pushed: true });
      expect((await sandboxAction(env, by[wallet.classicAddress].payloadUuid, 'sign')).status).toBe(200);
    }
    await env.waitForProposal(created.body.id, (p) => p.state === 'succeeded');
  }, 90_000);

  it('ends with SETUP_PAYLOAD_REJECTED when the owner declines, and the account stays unregistered', async () => {
    const owner = await fundedOwner();
    const started = await env.call('POST', '/v1/accounts/setup', {
      address: owner.classicAddress,
      network: 'sandbox',
      quorum: 1,
      signers: [{ address: Wallet.generate().classicAddress, weight: 1 }],
    });
    expect(started.status).toBe(201);
    expect((await sandboxAction(env, started.body.steps[0].payloadUuid, 'reject')).status).toBe(200);
    const failed = await waitForSetup(started.body.id, ['failed', 'registered']);
    expect(failed).toMatchObject({
      state: 'failed',
      failure: { code: 'SETUP_PAYLOAD_REJECTED' },
      steps: [{ state: 'failed' }],
    });
    const accounts = (await env.call('GET', '/v1/accounts')).body.items;
    expect(accounts.some((a: any) => a.address === owner.classicAddress)).toBe(false);
  }, 60_000);

  it('refuses a bad SignerList or an unfunded account with its code and stores nothing', async () => {
    const owner = await fundedOwner();
    const before = await env.rowCounts();
    const setups = async () =>
      (await env.db.dataSource.query<{ n: number }[]>('SELECT count(*)::int AS n FROM account_setups'))[0]!.n;
    const setupsBefore = await setups();
    const unreachable = await env.call('POST', '/v1/accounts/setup', {
      address: owner.classicAddress,
      network: 'sandbox',
      quorum: 3,
      signers: [{ address: Wallet.generate().classicAddress, weight: 1 }],
    });
    expect(unreachable.status).toBe(422);
    expect(unreachable.body.code).toBe('SIGNER_QUORUM_UNREACHABLE');
    const unfunded = await env.call('POST', '/v1/accounts/setup', {
      address: Wallet.generate().classicAddress,
      network: 'sandbox',
      quorum: 1,
      signers: [{ address: Wallet.generate().classicAddress, weight: 1 }],
    });
    expect(unfunded.body.code).toBe('ACCOUNT_NOT_ON_LEDGER');
    const unknown = await env.call('GET', '/v1/accounts/setup/00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('SETUP_NOT_FOUND');
    expect(await env.rowCounts()).toEqual(before);
    expect(await setups()).toBe(setupsBefore);
  });
});
