import { Wallet } from 'xrpl';
import { FlowEnv, payment, startFlow } from './support/flow';

describe('coordination flow: payouts (REST API + both sandboxes + PostgreSQL)', () => {
  let env: FlowEnv;
  beforeAll(async () => {
    env = await startFlow();
  }, 30_000);
  afterAll(async () => {
    await env?.close();
  }, 30_000);

  it('2-of-3 with equal weights pays out, proven from a validated ledger', async () => {
    const setup = await env.setUp({
      quorum: 2,
      signers: [{ weight: 1 }, { weight: 1, algorithm: 'secp256k1' }, { weight: 1 }],
    });
    const accountId = await env.register(setup);
    const destination = Wallet.generate().classicAddress;

    const created = await env.call('POST', '/v1/proposals', {
      accountId,
      txjson: payment(destination, '25000000'),
      expiresInMinutes: 30,
      instruction: 'Pay the supplier',
    });
    expect(created.status).toBe(201);
    const proposal = created.body;
    expect(proposal.state).toBe('collecting');
    expect(proposal.preparedTx).toMatchObject({
      Account: setup.account.address,
      SigningPubKey: '',
      Fee: String(Math.ceil(10 * 1.2) * 3),
    });
    expect(proposal.quorum).toMatchObject({
      required: 2,
      collectedWeight: 0,
      reached: false,
      maxSignatures: 2,
    });
    expect(proposal.signers).toHaveLength(3);
    for (const signer of proposal.signers) {
      expect(signer).toMatchObject({ state: 'created', pushed: true, payloadUuid: expect.any(String) });
      expect(signer.signLink).toMatch(/\/sign\//);
    }

    // Two signers sign in Xaman (sandbox phones).
    const [first, second] = proposal.signers;
    const signRes = await fetch(`${env.xaman.url}/sandbox/payloads/${first.payloadUuid}/sign`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(signRes.status).toBe(200);
    await env.waitForProposal(proposal.id, (p) => p.quorum.collectedWeight === 1);
    await fetch(`${env.xaman.url}/sandbox/payloads/${second.payloadUuid}/sign`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });

    const done = await env.waitForProposal(proposal.id, (p) => p.state === 'succeeded');
    expect(done.result).toMatchObject({
      transactionResult: 'tesSUCCESS',
      ledgerIndex: expect.any(Number),
      deliveredAmount: '25000000',
    });
    expect(done.hash).toMatch(/^[0-9A-F]{64}$/);
    expect(env.ledger.getBalance(destination)).toBe(25_000_000n);
    // The third signer's request was cancelled once the quorum was met.
    expect(done.signers.find((s: any) => s.address === proposal.signers[2].address).state).toBe('cancelled');
  }, 40_000);

  it('a weighted list (quorum 3; weights 2, 1, 1, 1) pays out with the heavy signer and one more', async () => {
    const setup = await env.setUp({
      quorum: 3,
      signers: [{ weight: 2 }, { weight: 1 }, { weight: 1 }, { weight: 1 }],
    });
    const accountId = await env.register(setup);
    const destination = Wallet.generate().classicAddress;
    const created = await env.call('POST', '/v1/proposals', {
      accountId,
      txjson: payment(destination, '7000000'),
    });
    expect(created.status).toBe(201);
    expect(created.body.quorum.maxSignatures).toBe(3);
    const bySigner = Object.fromEntries(created.body.signers.map((s: any) => [s.address, s]));
    const heavy = setup.signers[0]!;
    const light = setup.signers[3]!;
    for (const signer of [heavy, light]) {
      const res = await fetch(
        `${env.xaman.url}/sandbox/payloads/${bySigner[signer.address].payloadUuid}/sign`,
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' },
      );
      expect(res.status).toBe(200);
    }
    const done = await env.waitForProposal(created.body.id, (p) => p.state === 'succeeded');
    expect(done.quorum).toMatchObject({ required: 3, collectedWeight: 3, reached: true });
    expect(env.ledger.getBalance(destination)).toBe(7_000_000n);
  }, 40_000);
});
