import { Wallet } from 'xrpl';
import { FlowEnv, payment, sandboxAction, startFlow, waitUntil } from './support/flow';

const CLOSED = ['succeeded', 'failed', 'expired', 'cancelled', 'rejected', 'superseded', 'invalidated'];

const OPEN_REQUEST = ['queued', 'created', 'opened'];
/** Closed, and every sign request settled too (payloads are withdrawn right after the transition). */
const settled = (p: any) =>
  CLOSED.includes(p.state) && p.signers.every((s: any) => !OPEN_REQUEST.includes(s.state));

describe('proposal lifecycle: the signing deadline', () => {
  let env: FlowEnv;
  beforeAll(async () => {
    env = await startFlow();
  }, 30_000);
  afterAll(async () => {
    await env?.close();
  }, 30_000);

  const payloadMeta = (uuid: string) => (env.xaman.getPayloadRecord(uuid).platform as any).meta;
  const idsIn = async (state: string) =>
    ((await env.call('GET', `/v1/proposals?state=${state}&limit=100`)).body.items as any[]).map((p) => p.id);

  it('a proposal past its deadline with unopened payloads ends expired, not rejected, whichever of Xaman and the deadline sweep comes first', async () => {
    const spec = { quorum: 2, signers: [{ weight: 1 }, { weight: 1 }, { weight: 1 }] };
    // One with a 1-minute window, one with the default window (1440 minutes).
    const [untouched, reportedFirst] = await Promise.all(
      [
        { setup: await env.setUp(spec), window: { expiresInMinutes: 1 } },
        { setup: await env.setUp(spec), window: {} },
      ].map(async ({ setup, window }) => {
        const accountId = await env.register(setup);
        const created = await env.call('POST', '/v1/proposals', {
          accountId,
          txjson: payment(Wallet.generate().classicAddress, '1000000'),
          ...window,
        });
        expect(created.status).toBe(201);
        return created.body;
      }),
    );
    // The second proposal's payloads lapse at Xaman before our deadline (Xaman's expiry fires first):
    // its {"expired":true} reaches us first. That is not a refusal: the proposal keeps collecting.
    for (const signer of reportedFirst.signers) env.xaman.expire(signer.payloadUuid);
    const lapsed = await env.waitForProposal(reportedFirst.id, (p) =>
      p.signers.every((s: any) => s.state === 'expired'),
    );
    expect(lapsed.state).toBe('collecting');

    // Time passes: both deadlines are behind us (moved in the database rather than waited for).
    await env.db.dataSource.query(
      `UPDATE proposals SET deadline = now() - interval '1 second' WHERE id = ANY($1)`,
      [[untouched.id, reportedFirst.id]],
    );
    for (const proposal of [untouched, reportedFirst]) {
      const closed = await env.waitForProposal(proposal.id, settled, 15_000);
      expect({ state: closed.state, reason: closed.result.reason }).toEqual({
        state: 'expired',
        reason: 'The signing deadline passed before the quorum was reached',
      });
      for (const signer of closed.signers) {
        expect({ state: signer.state, refusalCode: signer.refusalCode }).toEqual({
          state: expect.stringMatching(/^(cancelled|expired)$/),
          refusalCode: null,
        });
        const meta = payloadMeta(signer.payloadUuid);
        expect(meta.resolved).toBe(false);
        expect(meta.cancelled || meta.expired).toBe(true);
      }
    }
    // The untouched one's payloads were withdrawn by the sweep.
    const withdrawn = (await env.call('GET', `/v1/proposals/${untouched.id}`)).body;
    expect(withdrawn.signers.map((s: any) => s.state)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    const expired = await idsIn('expired');
    expect(expired).toEqual(expect.arrayContaining([untouched.id, reportedFirst.id]));
    const rejected = await idsIn('rejected');
    expect(rejected).not.toContain(untouched.id);
    expect(rejected).not.toContain(reportedFirst.id);
  }, 40_000);
});

describe('proposal lifecycle: dropped transactions, withdrawn payloads', () => {
  let env: FlowEnv;
  beforeAll(async () => {
    env = await startFlow();
  }, 30_000);
  afterAll(async () => {
    await env?.close();
  }, 30_000);

  const payloadMeta = (uuid: string) => (env.xaman.getPayloadRecord(uuid).platform as any).meta;
  it('a transaction the ledger dropped after a provisional tesSUCCESS is resubmitted (same blob) and settles once the ledger takes it', async () => {
    const setup = await env.setUp({ quorum: 1, signers: [{ weight: 1 }, { weight: 1 }] });
    const accountId = await env.register(setup);
    const destination = Wallet.generate().classicAddress;
    const created = (
      await env.call('POST', '/v1/proposals', { accountId, txjson: payment(destination, '7000000') })
    ).body;

    env.ledger.faults.neverValidate = true; // answered provisionally, never validated
    try {
      expect((await sandboxAction(env, created.signers[0].payloadUuid, 'sign')).status).toBe(200);
      const submitted = await env.waitForProposal(
        created.id,
        (p) => p.state === 'submitted' && p.submission.lastResult !== null,
      );
      expect(submitted.submission.lastResult).toBe('tesSUCCESS');
      // A few validated ledgers later the transaction is gone: not applied, its Sequence unused.
      const after = env.ledger.validatedLedgerIndex() + 3;
      await waitUntil(async () => env.ledger.validatedLedgerIndex() >= after, 10_000, 'three more ledgers');
      expect(env.ledger.getTransaction(submitted.hash)).toBeUndefined();
      expect(env.ledger.findTransactions(setup.account.address, submitted.sequence)).toEqual([]);
      expect(submitted.lastLedgerSequence).toBeGreaterThan(env.ledger.validatedLedgerIndex() + 100);
    } finally {
      env.ledger.faults.neverValidate = false;
    }

    const done = await env.waitForProposal(created.id, (p) => p.state !== 'submitted', 30_000);
    expect(done.state).toBe('succeeded');
    expect(done.result).toMatchObject({ transactionResult: 'tesSUCCESS', hash: done.hash });
    expect(env.ledger.getBalance(destination)).toBe(7_000_000n);
    expect(env.ledger.findTransactions(setup.account.address, done.sequence)).toHaveLength(1);
    // Resubmitted, and always the same blob.
    const ours = env.submissions.filter((s) => s.transactionType === 'Payment' && s.hash === done.hash);
    expect(ours.length).toBeGreaterThanOrEqual(2);
    expect(done.submission.attempts).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('payloads of the signers not needed are withdrawn at Xaman after settlement even when the cancel at quorum time failed', async () => {
    const setup = await env.setUp({
      quorum: 2,
      signers: [{ weight: 1 }, { weight: 1 }, { weight: 1 }, { weight: 1 }],
    });
    const accountId = await env.register(setup);
    const destination = Wallet.generate().classicAddress;
    const created = (
      await env.call('POST', '/v1/proposals', { accountId, txjson: payment(destination, '8000000') })
    ).body;
    const [first, second, ...unneeded] = created.signers;
    // Xaman fails the next two payload cancels: the ones made inline when the quorum is reached.
    env.xaman.injectFault({ shape: 'hard', endpoint: 'payload', method: 'DELETE', count: unneeded.length });

    for (const signer of [first, second])
      expect((await sandboxAction(env, signer.payloadUuid, 'sign')).status).toBe(200);
    await env.waitForProposal(created.id, (p) => p.state === 'succeeded');
    expect(env.ledger.getBalance(destination)).toBe(8_000_000n);

    // The fault is spent; the worker must finish what the inline cancel could not.
    let last: unknown;
    await waitUntil(
      async () => {
        last = unneeded.map((s: any) => payloadMeta(s.payloadUuid));
        if (!unneeded.every((s: any) => payloadMeta(s.payloadUuid).cancelled === true)) return false;
        // Xaman says cancelled a moment before the worker records it: wait for both.
        const now = (await env.call('GET', `/v1/proposals/${created.id}`)).body;
        return unneeded.every(
          (signer: any) => now.signers.find((s: any) => s.address === signer.address).state === 'cancelled',
        );
      },
      20_000,
      'the unneeded payloads to be cancelled at Xaman',
    ).catch((error: Error) => {
      throw new Error(`${error.message}; Xaman meta: ${JSON.stringify(last)}`);
    });
    const after = (await env.call('GET', `/v1/proposals/${created.id}`)).body;
    for (const signer of unneeded) {
      expect(after.signers.find((s: any) => s.address === signer.address).state).toBe('cancelled');
    }
  }, 60_000);
});
