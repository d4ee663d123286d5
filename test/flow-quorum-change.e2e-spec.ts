import { Wallet } from 'xrpl';
import { applySingleSigned } from '@app/sandbox';
import { FlowEnv, sandboxAction, startFlow, waitUntil } from './support/flow';

describe('quorum changes through SignerListSet proposals (REST API + both sandboxes + PostgreSQL)', () => {
  let env: FlowEnv;
  beforeAll(async () => {
    env = await startFlow();
  }, 30_000);
  afterAll(async () => {
    await env?.close();
  }, 30_000);

  const sign = async (proposal: any, address: string) => {
    const request = proposal.signers.find((s: any) => s.address === address);
    expect((await sandboxAction(env, request.payloadUuid, 'sign')).status).toBe(200);
  };

  it('2-of-3 becomes 3-of-4: adds a signer, invalidates the open proposal, the next payout needs 3', async () => {
    const setup = await env.setUp({
      quorum: 2,
      signers: [{ weight: 1 }, { weight: 1 }, { weight: 1 }],
      tickets: 3,
    });
    const accountId = await env.register(setup);
    const [a, b, c] = setup.signers;
    const open = await env.propose(accountId);
    expect(open.state).toBe('collecting');

    const newcomer = await env.setUp({ quorum: 1, signers: [{ weight: 1 }] });
    const added = newcomer.signers[0]!;
    const change = await env.call('POST', `/v1/accounts/${accountId}/signer-list`, {
      quorum: 3,
      signers: [...setup.signers, added].map((s) => ({ address: s.address, weight: 1 })),
    });
    expect(change.status).toBe(201);
    expect(change.body).toMatchObject({ transactionType: 'SignerListSet', state: 'collecting' });
    expect(change.body.quorum.required).toBe(2);
    await sign(change.body, a!.address);
    await sign(change.body, b!.address);
    await env.waitForProposal(change.body.id, (p) => p.state === 'succeeded');

    // Refreshed at once: the old proposal is invalidated and the newcomer needs enrolment.
    await env.waitForProposal(open.id, (p) => p.state === 'invalidated');
    const account = (await env.call('GET', `/v1/accounts/${accountId}`)).body;
    expect(account.signerList.quorum).toBe(3);
    expect(account.signers.map((s: any) => s.address).sort()).toEqual(
      [a!.address, b!.address, c!.address, added.address].sort(),
    );
    expect(account.signers.find((s: any) => s.address === added.address).enrolment).toMatchObject({
      state: 'none',
      needsEnrolment: true,
    });

    // The next payout needs three signatures.
    const next = await env.propose(accountId);
    expect(next.quorum.required).toBe(3);
    await sign(next, a!.address);
    await sign(next, b!.address);
    await env.waitForProposal(next.id, (p) => p.quorum.collectedWeight === 2);
    expect((await env.call('GET', `/v1/proposals/${next.id}`)).body.state).toBe('collecting');
    await sign(next, c!.address);
    await env.waitForProposal(next.id, (p) => p.state === 'succeeded');
  }, 60_000);

  it('removing a signer deletes its token', async () => {
    const setup = await env.setUp({ quorum: 1, signers: [{ weight: 1 }, { weight: 1 }] });
    const accountId = await env.register(setup);
    const [keep, drop] = setup.signers;
    const change = await env.call('POST', `/v1/accounts/${accountId}/signer-list`, {
      quorum: 1,
      signers: [{ address: keep!.address, weight: 1 }],
    });
    expect(change.status).toBe(201);
    await sign(change.body, keep!.address);
    await env.waitForProposal(change.body.id, (p) => p.state === 'succeeded');
    await waitUntil(
      async () => (await env.call('GET', `/v1/accounts/${accountId}`)).body.signers.length === 1,
      10_000,
      'signer removed',
    );
    const [row] = await env.db.dataSource.query(
      `SELECT user_token_ciphertext, in_signer_list FROM signers WHERE address = $1`,
      [drop!.address],
    );
    expect(row).toEqual({ user_token_ciphertext: null, in_signer_list: false });
  }, 60_000);

  it('every rule failure has its stable code and stores nothing', async () => {
    const setup = await env.setUp({ quorum: 1, signers: [{ weight: 1 }, { weight: 1 }] });
    const accountId = await env.register(setup);
    const [s1, s2] = setup.signers.map((s) => s.address);
    const cases: [unknown, number, string][] = [
      [{ quorum: 1, signers: [] }, 422, 'SIGNER_LIST_SIZE'],
      [
        {
          quorum: 1,
          signers: Array.from({ length: 33 }, () => ({
            address: Wallet.generate().classicAddress,
            weight: 1,
          })),
        },
        422,
        'SIGNER_LIST_SIZE',
      ],
      [
        {
          quorum: 1,
          signers: [
            { address: s1, weight: 1 },
            { address: s1, weight: 1 },
          ],
        },
        422,
        'SIGNER_LIST_DUPLICATE',
      ],
      [
        { quorum: 1, signers: [{ address: setup.account.address, weight: 1 }] },
        422,
        'SIGNER_LIST_INCLUDES_ACCOUNT',
      ],
      [{ quorum: 1, signers: [{ address: s1, weight: 0 }] }, 422, 'SIGNER_WEIGHT_INVALID'],
      [{ quorum: -1, signers: [{ address: s1, weight: 1 }] }, 422, 'SIGNER_QUORUM_INVALID'],
      [
        {
          quorum: 3,
          signers: [
            { address: s1, weight: 1 },
            { address: s2, weight: 1 },
          ],
        },
        422,
        'SIGNER_QUORUM_UNREACHABLE',
      ],
      [{ quorum: 1, signers: [{ address: 'rNotAnAddress', weight: 1 }] }, 400, 'INVALID_ADDRESS'],
      [{ quorum: 'two', signers: [] }, 400, 'VALIDATION_FAILED'],
    ];
    const before = await env.rowCounts();
    for (const [body, status, code] of cases) {
      const res = await env.call('POST', `/v1/accounts/${accountId}/signer-list`, body);
      expect({ code: res.body.code, status: res.status }).toEqual({ code, status });
    }
    expect(await env.rowCounts()).toEqual(before);
    const proposer = (await env.call('POST', '/v1/api-keys', { name: 'p', role: 'proposer' })).body.key;
    const forbidden = await env.call(
      'POST',
      `/v1/accounts/${accountId}/signer-list`,
      { quorum: 1, signers: [{ address: s1, weight: 1 }] },
      { key: proposer },
    );
    expect(forbidden.status).toBe(403);
  }, 60_000);

  it('refuses to remove the list when the account would have no way left to sign', async () => {
    const setup = await env.setUp({ quorum: 1, signers: [{ weight: 1 }] });
    await applySingleSigned(env.ledger, Wallet.fromSeed(setup.account.seed), {
      TransactionType: 'AccountSet',
      SetFlag: 4,
    });
    const accountId = await env.register(setup);
    const res = await env.call('POST', `/v1/accounts/${accountId}/signer-list`, { quorum: 0, signers: [] });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('SIGNER_LIST_REMOVAL_NO_KEY');
  });
});
