import { createHmac } from 'node:crypto';
import { decode, Wallet } from 'xrpl';
import { FlowEnv, payment, startFlow, waitUntil, sandboxAction } from './support/flow';

const sign = (env: FlowEnv, uuid: string, body: Record<string, unknown> = {}) =>
  sandboxAction(env, uuid, 'sign', body);
const reject = (env: FlowEnv, uuid: string) => sandboxAction(env, uuid, 'reject');

function signedWebhook(secret: string, body: unknown, timestamp = Math.floor(Date.now() / 1000)) {
  const raw = JSON.stringify(body);
  const signature = createHmac('sha1', secret.replace('-', ''))
    .update(String(timestamp) + raw)
    .digest('hex');
  return {
    raw,
    headers: {
      'content-type': 'application/json',
      'x-xumm-request-timestamp': String(timestamp),
      'x-xumm-request-signature': signature,
    },
  };
}

describe('coordination flow: nothing is trusted (REST API + both sandboxes + PostgreSQL)', () => {
  let env: FlowEnv;
  beforeAll(async () => {
    env = await startFlow();
  }, 30_000);
  afterAll(async () => {
    await env?.close();
  }, 30_000);

  it('refuses a tampered blob, a blob signed as another account, a disabled master key, a forged and a replayed webhook; the honest signers still complete it', async () => {
    const setup = await env.setUp({
      quorum: 2,
      signers: [
        { weight: 1 }, // honest
        { weight: 1, algorithm: 'secp256k1' }, // honest
        { weight: 1 }, // tampers
        { weight: 1 }, // signs as someone else
        { weight: 1, regularKey: true, masterDisabled: true }, // uses its disabled master key
      ],
    });
    const [honest1, honest2, tamperer, impostor, disabled] = setup.signers;
    const accountId = await env.register(setup);
    const destination = Wallet.generate().classicAddress;
    const created = await env.call('POST', '/v1/proposals', {
      accountId,
      txjson: payment(destination, '5000000'),
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const uuidOf = (address: string) =>
      created.body.signers.find((s: any) => s.address === address).payloadUuid;

    // 1. A wallet that signs a modified transaction (Amount raised).
    expect((await sign(env, uuidOf(tamperer!.address), { tamper: { Amount: '900000000' } })).status).toBe(
      200,
    );
    // 2. A wallet that puts another signer's account in Signer.Account (test-only misbehaviour).
    expect(
      (await sign(env, uuidOf(impostor!.address), { signAs: honest1!.address, ignoreSigners: true })).status,
    ).toBe(200);
    // 3. A signer whose master key is disabled on ledger signs with the master key anyway.
    expect((await sign(env, uuidOf(disabled!.address), { useRegularKey: false })).status).toBe(200);

    const refused = await env.waitForProposal(id, (p) =>
      [tamperer, impostor, disabled].every(
        (s) => p.signers.find((x: any) => x.address === s!.address).state === 'refused',
      ),
    );
    const stateOf = (address: string) => refused.signers.find((s: any) => s.address === address);
    expect(stateOf(tamperer!.address)).toMatchObject({
      refusalCode: 'BLOB_TX_MISMATCH',
      signatureCounted: false,
    });
    expect(stateOf(tamperer!.address).refusalReason).toContain('Amount');
    expect(stateOf(impostor!.address)).toMatchObject({
      refusalCode: 'SIGNER_ACCOUNT_MISMATCH',
      signatureCounted: false,
    });
    expect(stateOf(disabled!.address)).toMatchObject({
      refusalCode: 'SIGNER_MASTER_DISABLED',
      signatureCounted: false,
    });
    expect(refused.state).toBe('collecting');
    expect(refused.quorum.collectedWeight).toBe(0);

    // 4. A forged webhook (wrong secret) claiming the honest signer signed: refused, nothing read or counted.
    const forged = signedWebhook('00000000-0000-4000-8000-000000000000', {
      meta: { payload_uuidv4: uuidOf(honest1!.address) },
      payloadResponse: { signed: true },
    });
    const forgedRes = await fetch(`${env.url}/v1/webhooks/xaman`, {
      method: 'POST',
      headers: forged.headers,
      body: forged.raw,
    });
    expect(forgedRes.status).toBe(401);
    expect(((await forgedRes.json()) as any).code).toBe('WEBHOOK_SIGNATURE_INVALID');

    // 5. A genuine webhook replayed byte for byte: refused as a replay.
    const delivered = env.xaman
      .webhookDeliveries()
      .find(
        (d: any) =>
          d.payloadUuid === uuidOf(tamperer!.address) ||
          JSON.stringify(d).includes(uuidOf(tamperer!.address)),
      );
    expect(delivered).toBeDefined();
    const replay = await fetch(`${env.url}/v1/webhooks/xaman`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-xumm-request-timestamp': (delivered as any).headers['x-xumm-request-timestamp'],
        'x-xumm-request-signature': (delivered as any).headers['x-xumm-request-signature'],
      },
      body: (delivered as any).body,
    });
    expect(replay.status).toBe(409);
    expect(((await replay.json()) as any).code).toBe('WEBHOOK_REPLAYED');

    const stillCollecting = (await env.call('GET', `/v1/proposals/${id}`)).body;
    expect(stillCollecting.state).toBe('collecting');
    expect(stillCollecting.quorum.collectedWeight).toBe(0);

    // The honest signers complete it.
    expect((await sign(env, uuidOf(honest1!.address))).status).toBe(200);
    expect((await sign(env, uuidOf(honest2!.address))).status).toBe(200);
    const done = await env.waitForProposal(id, (p) => p.state === 'succeeded');
    expect(env.ledger.getBalance(destination)).toBe(5_000_000n);
    const onLedger = env.ledger.getTransaction(done.result.hash)!;
    const signers = (decode(onLedger.blob) as any).Signers.map((s: any) => s.Signer.Account).sort();
    expect(signers).toEqual([honest1!.address, honest2!.address].sort());
    // The refused signatures never counted and are recorded with their reasons in the audit log.
    const audit = await env.db.dataSource.query(
      `SELECT details->>'refusalCode' AS code FROM audit_events WHERE action = 'signature_request.refused' ORDER BY id`,
    );
    expect(audit.map((a: any) => a.code).sort()).toEqual(
      ['BLOB_TX_MISMATCH', 'SIGNER_ACCOUNT_MISMATCH', 'SIGNER_MASTER_DISABLED'].sort(),
    );
  }, 60_000);

  it('accepts a signature made with the signer’s current RegularKey', async () => {
    const setup = await env.setUp({
      quorum: 1,
      signers: [{ weight: 1, regularKey: true, masterDisabled: true }, { weight: 1 }],
    });
    const accountId = await env.register(setup);
    const destination = Wallet.generate().classicAddress;
    const created = await env.call('POST', '/v1/proposals', {
      accountId,
      txjson: payment(destination, '3000000'),
    });
    const uuid = created.body.signers.find((s: any) => s.address === setup.signers[0]!.address).payloadUuid;
    expect((await sign(env, uuid, { useRegularKey: true })).status).toBe(200);
    const done = await env.waitForProposal(created.body.id, (p) => p.state === 'succeeded');
    expect(done.signers.find((s: any) => s.address === setup.signers[0]!.address).signatureCounted).toBe(
      true,
    );
    expect(env.ledger.getBalance(destination)).toBe(3_000_000n);
  }, 40_000);

  it('ends as rejected once rejections make the quorum unreachable, and cancels the remaining payloads', async () => {
    const setup = await env.setUp({ quorum: 2, signers: [{ weight: 1 }, { weight: 1 }, { weight: 1 }] });
    const accountId = await env.register(setup);
    const created = await env.call('POST', '/v1/proposals', {
      accountId,
      txjson: payment(Wallet.generate().classicAddress, '1000000'),
    });
    const [a, b, c] = created.body.signers;
    expect((await reject(env, a.payloadUuid)).status).toBe(200);
    const afterOne = await env.waitForProposal(
      created.body.id,
      (p) => p.signers[0].state === 'rejected' || p.signers.some((s: any) => s.state === 'rejected'),
    );
    expect(afterOne.state).toBe('collecting'); // 2 of the remaining 2 can still sign
    expect((await reject(env, b.payloadUuid)).status).toBe(200);
    // The state changes first; the payloads are withdrawn right after (durably, by the worker if need be).
    const rejected = await env.waitForProposal(
      created.body.id,
      (p) =>
        p.state === 'rejected' && p.signers.find((s: any) => s.address === c.address).state !== 'created',
    );
    expect(rejected.result.reason).toMatch(/quorum can no longer be reached/);
    const third = rejected.signers.find((s: any) => s.address === c.address);
    expect(third.state).toBe('cancelled');
    const record = env.xaman.getPayloadRecord(c.payloadUuid);
    expect((record.platform as any).meta.cancelled).toBe(true);
    // A late signature on the cancelled payload is impossible (Xaman refuses it) and nothing changes.
    expect((await sign(env, c.payloadUuid)).status).toBeGreaterThanOrEqual(400);
    expect((await env.call('GET', `/v1/proposals/${created.body.id}`)).body.state).toBe('rejected');
  }, 40_000);

  it('cancel stops counting: unopened payloads are cancelled, opened ones are reported', async () => {
    const setup = await env.setUp({ quorum: 2, signers: [{ weight: 1 }, { weight: 1 }, { weight: 1 }] });
    const accountId = await env.register(setup);
    const created = await env.call('POST', '/v1/proposals', {
      accountId,
      txjson: payment(Wallet.generate().classicAddress, '1000000'),
    });
    const [a, b] = created.body.signers;
    await fetch(`${env.xaman.url}/sandbox/payloads/${a.payloadUuid}/open`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    const cancelled = await env.call('POST', `/v1/proposals/${created.body.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.proposal.state).toBe('cancelled');
    const opened = cancelled.body.payloads.find((p: any) => p.signer === a.address);
    expect(opened).toMatchObject({ cancelled: false, reason: 'ALREADY_OPENED' });
    expect(cancelled.body.payloads.find((p: any) => p.signer === b.address)).toMatchObject({
      cancelled: true,
      reason: 'OK',
    });
    // The opened payload can still be signed in Xaman, but it no longer counts.
    expect((await sign(env, a.payloadUuid)).status).toBe(200);
    await waitUntil(
      async () =>
        (await env.call('GET', `/v1/proposals/${created.body.id}`)).body.signers[0].state === 'signed' ||
        undefined,
      10_000,
      'late signature recorded',
    ).catch(() => undefined);
    const after = (await env.call('GET', `/v1/proposals/${created.body.id}`)).body;
    expect(after.state).toBe('cancelled');
    expect(after.quorum.collectedWeight).toBe(0);
    expect((await env.call('POST', `/v1/proposals/${created.body.id}/cancel`)).body.code).toBe(
      'PROPOSAL_NOT_CANCELLABLE',
    );
  }, 40_000);
});
