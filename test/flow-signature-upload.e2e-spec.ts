import { Wallet } from 'xrpl';
import { FlowEnv, payment, startFlow } from './support/flow';

/** A cold signer (hardware wallet, command-line signer) signs offline what GET /v1/proposals/:id shows. */
function signOffline(proposal: any, seed: string, tamper: Record<string, unknown> = {}): string {
  const tx = { ...structuredClone(proposal.multisigning.txJson), ...tamper };
  return Wallet.fromSeed(seed).sign(tx, true).tx_blob;
}

describe('signers outside Xaman upload their blob (REST API + both sandboxes + PostgreSQL)', () => {
  let env: FlowEnv;
  beforeAll(async () => {
    env = await startFlow();
  }, 30_000);
  afterAll(async () => {
    await env?.close();
  }, 30_000);

  it('an uploaded blob counts with a Xaman signature; a tampered one is refused and changes nothing', async () => {
    const setup = await env.setUp({ quorum: 2, signers: [{ weight: 1 }, { weight: 1 }, { weight: 1 }] });
    const accountId = await env.register(setup);
    const destination = Wallet.generate().classicAddress;
    const created = await env.call('POST', '/v1/proposals', {
      accountId,
      txjson: payment(destination, '3000000'),
    });
    expect(created.status).toBe(201);
    const proposal = created.body;
    expect(proposal.multisigning.txJson).toEqual(proposal.preparedTx);
    expect(proposal.multisigning.signingData).toHaveLength(3);
    expect(proposal.multisigning.signingData[0].hex).toMatch(/^534D5400/);

    const [cold, hot] = setup.signers;
    const tampered = await env.call('POST', `/v1/proposals/${proposal.id}/signatures`, {
      blob: signOffline(proposal, cold!.seed, { Amount: '999000000' }),
    });
    expect(tampered.status).toBe(422);
    expect(tampered.body.code).toBe('BLOB_TX_MISMATCH');
    const untouched = (await env.call('GET', `/v1/proposals/${proposal.id}`)).body;
    expect(untouched.quorum.collectedWeight).toBe(0);

    const uploaded = await env.call('POST', `/v1/proposals/${proposal.id}/signatures`, {
      blob: signOffline(proposal, cold!.seed),
    });
    expect(uploaded.status).toBe(200);
    expect(uploaded.body.signer).toBe(cold!.address);
    expect(uploaded.body.proposal.quorum.collectedWeight).toBe(1);

    const again = await env.call('POST', `/v1/proposals/${proposal.id}/signatures`, {
      blob: signOffline(proposal, cold!.seed),
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('SIGNER_ALREADY_ANSWERED');

    const hotRequest = proposal.signers.find((s: any) => s.address === hot!.address);
    const signed = await fetch(`${env.xaman.url}/sandbox/payloads/${hotRequest.payloadUuid}/sign`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(signed.status).toBe(200);
    await env.waitForProposal(proposal.id, (p) => p.state === 'succeeded');
    expect(env.ledger.getBalance(destination)).toBe(3_000_000n);

    const audit = await env.call(
      'GET',
      `/v1/audit-events?entityType=proposal&entityId=${proposal.id}&action=signature.accepted`,
    );
    const byUpload = audit.body.items.find((e: any) => e.details.transition === 'signedByUpload');
    expect(byUpload.details).toMatchObject({ source: 'upload', signer: cold!.address });
    expect(byUpload).toMatchObject({ actorType: 'api_key', actorId: expect.any(String) });
  }, 40_000);

  it('refuses a malformed body with VALIDATION_FAILED', async () => {
    const res = await env.call('POST', `/v1/proposals/00000000-0000-4000-8000-000000000000/signatures`, {
      blob: 'not hex',
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });
});
