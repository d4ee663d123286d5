import { createHmac } from 'node:crypto';
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { multisign, Wallet } from 'xrpl';
import { PayloadWatches, ProposalRepository } from '@app/domain';
import { verifySignerBlob } from '@app/multisign';
import { applySingleSigned, GENESIS } from '@app/sandbox';
import { createApiApp } from '../apps/api/src/api.app';
import { createWorkerApp } from '../apps/worker/src/worker.app';
import { FlowEnv, payment, startFlow, sandboxAction } from './support/flow';

const signInXaman = (env: FlowEnv, uuid: string) => sandboxAction(env, uuid, 'sign');

async function auditCount(env: FlowEnv, proposalId: string, action: string): Promise<number> {
  const rows = await env.db.dataSource.query(
    `SELECT count(*)::int AS n FROM audit_events WHERE entity_id = $1 AND action = $2`,
    [proposalId, action],
  );
  return rows[0].n;
}

describe('coordination flow: exactly once, in any order, after any crash', () => {
  let env: FlowEnv;
  beforeAll(async () => {
    env = await startFlow({ env: { XRPL_REQUEST_TIMEOUT_MS: '1500' } });
  }, 30_000);
  afterAll(async () => {
    await env?.close();
  }, 30_000);

  it('50 concurrent webhooks for the last needed signature, across two API and two worker processes, combine and submit exactly once', async () => {
    const api2: INestApplication = await createApiApp(env.config);
    await api2.listen(0, '127.0.0.1');
    const url2 = await api2.getUrl();
    const worker2: INestApplicationContext = await createWorkerApp(env.config);
    try {
      const setup = await env.setUp({ quorum: 2, signers: [{ weight: 1 }, { weight: 1 }, { weight: 1 }] });
      const accountId = await env.register(setup);
      const destination = Wallet.generate().classicAddress;
      const created = await env.call('POST', '/v1/proposals', {
        accountId,
        txjson: payment(destination, '2000000'),
      });
      const id = created.body.id;
      const [first, last] = created.body.signers;
      expect((await signInXaman(env, first.payloadUuid)).status).toBe(200);
      await env.waitForProposal(id, (p) => p.quorum.collectedWeight === 1);

      // Let only the webhooks tell of the last signature: no socket watch, no Xaman-sent webhook.
      env.api.get(PayloadWatches).closeAll();
      api2.get(PayloadWatches).closeAll();
      env.xaman.setWebhookUrl(null);
      env.xaman.sign(last.payloadUuid);

      const now = Math.floor(Date.now() / 1000);
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_unused, i) => {
          const body = JSON.stringify({
            meta: { payload_uuidv4: last.payloadUuid, application_uuidv4: env.config.xaman.apiKey },
            payloadResponse: { payload_uuidv4: last.payloadUuid, signed: true, attempt: i },
          });
          const timestamp = String(now - (i % 5));
          const signature = createHmac('sha1', env.config.xaman.apiSecret.replace('-', ''))
            .update(timestamp + body)
            .digest('hex');
          return fetch(`${i % 2 === 0 ? env.url : url2}/v1/webhooks/xaman`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-xumm-request-timestamp': timestamp,
              'x-xumm-request-signature': signature,
            },
            body,
          }).then((r) => r.status);
        }),
      );
      expect(responses.every((s) => s === 200)).toBe(true);

      const done = await env.waitForProposal(id, (p) => p.state === 'succeeded');
      expect(await auditCount(env, id, 'proposal.quorum_reached')).toBe(1);
      expect(await auditCount(env, id, 'proposal.submitted')).toBe(1);
      expect(await auditCount(env, id, 'signature.accepted')).toBe(2);
      expect(done.submission.attempts).toBe(1);
      expect(env.ledger.findTransactions(setup.account.address, done.sequence)).toHaveLength(1);
      expect(env.ledger.getBalance(destination)).toBe(2_000_000n);
    } finally {
      env.xaman.setWebhookUrl(`${env.url}/v1/webhooks/xaman`);
      await worker2.close();
      await api2.close();
    }
  }, 60_000);

  it('two ticketed proposals for one account complete in either order', async () => {
    const setup = await env.setUp({
      quorum: 2,
      signers: [{ weight: 1 }, { weight: 1 }, { weight: 1 }],
      tickets: 2,
    });
    const accountId = await env.register(setup);
    const to1 = Wallet.generate().classicAddress;
    const to2 = Wallet.generate().classicAddress;
    const p1 = (await env.call('POST', '/v1/proposals', { accountId, txjson: payment(to1, '1000000') })).body;
    const p2 = (await env.call('POST', '/v1/proposals', { accountId, txjson: payment(to2, '2000000') })).body;
    expect(p1.sequence).toBe(0);
    expect(p2.sequence).toBe(0);
    expect(new Set([p1.ticketSequence, p2.ticketSequence])).toEqual(new Set(setup.tickets));

    // The later proposal completes first.
    for (const signer of p2.signers.slice(0, 2))
      expect((await signInXaman(env, signer.payloadUuid)).status).toBe(200);
    await env.waitForProposal(p2.id, (p) => p.state === 'succeeded');
    for (const signer of p1.signers.slice(1, 3))
      expect((await signInXaman(env, signer.payloadUuid)).status).toBe(200);
    await env.waitForProposal(p1.id, (p) => p.state === 'succeeded');
    expect(env.ledger.getBalance(to1)).toBe(1_000_000n);
    expect(env.ledger.getBalance(to2)).toBe(2_000_000n);
    expect(env.ledger.getTickets(setup.account.address)).toEqual([]);

    // With every Ticket used, the account Sequence serves one proposal; a second is refused.
    const p3 = await env.call('POST', '/v1/proposals', { accountId, txjson: payment(to1, '1000000') });
    expect(p3.status).toBe(201);
    expect(p3.body.ticketSequence).toBeNull();
    const p4 = await env.call('POST', '/v1/proposals', { accountId, txjson: payment(to1, '1000000') });
    expect(p4.status).toBe(409);
    expect(p4.body.code).toBe('NO_FREE_SEQUENCE');
    await env.call('POST', `/v1/proposals/${p3.body.id}/cancel`);
  }, 60_000);

  it('ends as superseded when another transaction consumed its Sequence', async () => {
    const setup = await env.setUp({ quorum: 2, signers: [{ weight: 1 }, { weight: 1 }] });
    const accountId = await env.register(setup);
    const created = await env.propose(accountId, '1000000');
    // The account's own key (still enabled) spends the Sequence on something else.
    await applySingleSigned(env.ledger, Wallet.fromSeed(setup.account.seed), {
      TransactionType: 'AccountSet',
    });
    for (const signer of created.signers)
      expect((await signInXaman(env, signer.payloadUuid)).status).toBe(200);
    const done = await env.waitForProposal(created.id, (p) => p.state === 'superseded');
    expect(done.result.reason).toMatch(/consumed by another transaction/);
  }, 40_000);

  it('settles by (Account, Sequence) when another signer subset of the same transaction validates (malleated hash)', async () => {
    const setup = await env.setUp({ quorum: 2, signers: [{ weight: 1 }, { weight: 1 }, { weight: 1 }] });
    const accountId = await env.register(setup);
    const destination = Wallet.generate().classicAddress;
    const created = (
      await env.call('POST', '/v1/proposals', { accountId, txjson: payment(destination, '4000000') })
    ).body;
    const [a, b, c] = setup.signers;
    // Signers a and c also signed the same transaction elsewhere; that variant reaches the ledger first.
    const alternate = multisign(
      [a!, c!].map((s) => Wallet.fromSeed(s.seed).sign(created.preparedTx, true).tx_blob),
    );
    const { hash: alternateHash } = env.ledger.faults.validateAlternate(alternate);
    const bySigner = (address: string) => created.signers.find((s: any) => s.address === address).payloadUuid;
    for (const s of [a!, b!]) expect((await signInXaman(env, bySigner(s.address))).status).toBe(200);
    const done = await env.waitForProposal(created.id, (p) => p.state === 'succeeded');
    expect(done.hash).not.toBe(alternateHash);
    expect(done.result).toMatchObject({ transactionResult: 'tesSUCCESS', hash: alternateHash });
    expect(env.ledger.getBalance(destination)).toBe(4_000_000n);
  }, 40_000);

  it('a submission lost mid-flight (no answer from the ledger) is resubmitted by the worker and settles', async () => {
    const setup = await env.setUp({ quorum: 1, signers: [{ weight: 1 }, { weight: 1 }] });
    const accountId = await env.register(setup);
    const destination = Wallet.generate().classicAddress;
    const created = (
      await env.call('POST', '/v1/proposals', { accountId, txjson: payment(destination, '6000000') })
    ).body;
    env.ledger.faults.dropSubmits = 1; // the first submit is swallowed: the client times out
    expect((await signInXaman(env, created.signers[0].payloadUuid)).status).toBe(200);
    const done = await env.waitForProposal(created.id, (p) => p.state === 'succeeded', 30_000);
    expect(done.submission.attempts).toBeGreaterThanOrEqual(1);
    expect(env.ledger.getBalance(destination)).toBe(6_000_000n);
    expect(env.ledger.findTransactions(setup.account.address, done.sequence)).toHaveLength(1);
  }, 60_000);

  it('a quorum stored by a process that died before combining is combined and settled by the worker', async () => {
    const setup = await env.setUp({ quorum: 1, signers: [{ weight: 1 }, { weight: 1 }] });
    const accountId = await env.register(setup);
    const destination = Wallet.generate().classicAddress;
    const created = (
      await env.call('POST', '/v1/proposals', { accountId, txjson: payment(destination, '3000000') })
    ).body;
    const signer = setup.signers[0]!;
    const uuid = created.signers.find((s: any) => s.address === signer.address).payloadUuid;
    // What a process did before it died: it verified and stored the signature, and never combined.
    const store = env.api.get(ProposalRepository);
    const request = (await store.findRequestByPayload(uuid))!;
    const proposal = (await store.find(created.id))!;
    const blob = Wallet.fromSeed(signer.seed).sign(created.preparedTx, true).tx_blob;
    const prepared = {
      txJson: proposal.preparedTx,
      encoded: proposal.preparedTxHex,
      account: setup.account.address,
      feeDrops: String(proposal.feeDrops),
      maxSignatures: proposal.maxSignatures,
      sequence: proposal.sequence,
      ticketSequence: proposal.ticketSequence,
      lastLedgerSequence: proposal.lastLedgerSequence,
      networkId: null,
    };
    const verdict = verifySignerBlob(prepared, blob, signer.address, {
      signerList: {
        quorum: 1,
        entries: setup.signers.map((s) => ({ account: s.address, weight: s.weight })),
      },
      signerFacts: { funded: true, masterDisabled: false, regularKey: null },
    });
    if (!verdict.ok) throw new Error(verdict.code);
    const stored = await store.recordSignature(
      request,
      ['created', 'opened'],
      { blobHex: blob, blobTxid: null, resolvedAt: new Date() },
      {
        signerAddress: signer.address,
        signingPubKey: verdict.signature.signingPubKey,
        txnSignature: verdict.signature.txnSignature,
        keyType: verdict.signature.keyType,
        weight: verdict.signature.weight,
      },
    );
    expect(stored).toBe(true);
    const done = await env.waitForProposal(created.id, (p) => p.state === 'succeeded', 20_000);
    expect(done.result.transactionResult).toBe('tesSUCCESS');
    expect(env.ledger.getBalance(destination)).toBe(3_000_000n);
  }, 40_000);

  it('an incoming payment that carries our Sequence number never supersedes a dropped submission, which is resubmitted and settles', async () => {
    const setup = await env.setUp({ quorum: 1, signers: [{ weight: 1 }] });
    const accountId = await env.register(setup);
    const created = await env.propose(accountId, '1000000');
    expect(created.ticketSequence).toBeNull();
    // Bring the genesis account's Sequence to exactly our proposal's.
    const genesis = Wallet.fromSeed(GENESIS.seed);
    const genesisSequence = () => env.ledger.getAccount(GENESIS.address, 'current')!.Sequence;
    expect(genesisSequence()).toBeLessThanOrEqual(created.sequence);
    while (genesisSequence() < created.sequence)
      await env.ledger.fund(Wallet.generate().classicAddress, 1_000_000n);
    // Our transaction is submitted but does not validate for now.
    env.ledger.faults.neverValidate = true;
    expect((await signInXaman(env, created.signers[0].payloadUuid)).status).toBe(200);
    await env.waitForProposal(created.id, (p) => p.state === 'submitted');
    env.ledger.faults.neverValidate = false;
    // Someone else's transaction with the same Sequence number lands in our account's history.
    await applySingleSigned(env.ledger, genesis, {
      TransactionType: 'Payment',
      Destination: setup.account.address,
      Amount: '1',
    });
    const history = env.ledger.findTransactions(GENESIS.address, created.sequence);
    expect(history).toHaveLength(1);
    // The dropped transaction is resubmitted (reliable submission) and settles as ours: the other
    // account's transaction with the same Sequence never supersedes it.
    const after = await env.waitForProposal(created.id, (p) => p.state !== 'submitted', 20_000);
    expect(after.state).toBe('succeeded');
    expect(after.result.transactionResult).toBe('tesSUCCESS');
    expect(after.submission.attempts).toBeGreaterThan(1);
    expect(env.ledger.findTransactions(setup.account.address, created.sequence)).toHaveLength(1);
  }, 60_000);

  it('concurrent retries with one Idempotency-Key all answer the same proposal', async () => {
    const setup = await env.setUp({ quorum: 1, signers: [{ weight: 1 }, { weight: 1 }] });
    const accountId = await env.register(setup);
    const body = { accountId, txjson: payment(Wallet.generate().classicAddress, '1000000') };
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        env.call('POST', '/v1/proposals', body, { headers: { 'idempotency-key': 'retry-me-42' } }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    const count = await env.db.dataSource.query(
      `SELECT count(*)::int AS n FROM proposals WHERE account_id = $1`,
      [accountId],
    );
    expect(count[0].n).toBe(1);
  }, 40_000);
});
