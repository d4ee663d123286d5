import { Wallet } from 'xrpl';
import { MultisigSetup } from '@app/sandbox';
import { callJson } from './support/api';
import { FlowEnv, payment, sandboxAction, startFlow, startPeers, submitCounts } from './support/flow';

const ACCOUNTS = 6;
const SETTLED = ['succeeded', 'failed', 'expired', 'cancelled', 'rejected', 'superseded', 'invalidated'];

/**
 * Two API and two worker processes (Nest apps with their own pools and socket watches) on one
 * database, ledgers closing every 50 ms, and many proposals signed at once: each proposal's payloads
 * are watched by the API that created it, webhooks go to the other API, both workers follow every
 * validated ledger.
 */
describe('two API and two worker processes, many proposals signed at once', () => {
  let env: FlowEnv;
  let peers: Awaited<ReturnType<typeof startPeers>>;
  const flows: { setup: MultisigSetup; destination: string; drops: bigint; created: any; done: any }[] = [];

  beforeAll(async () => {
    env = await startFlow({ ledgerCloseIntervalMs: 50 });
    peers = await startPeers(env, { apis: 1, workers: 1 });
    const apiUrls = [env.url, peers.urls[0]!];
    env.xaman.setWebhookUrl(`${apiUrls[1]}/v1/webhooks/xaman`);

    // Each account: 2-of-5, 3 Tickets + its Sequence = 4 proposals, created one after another
    // through alternating APIs.
    for (let a = 0; a < ACCOUNTS; a++) {
      const setup = await env.setUp({
        quorum: 2,
        signers: Array.from({ length: 5 }, () => ({ weight: 1 })),
        tickets: 3,
      });
      const accountId = await env.register(setup);
      for (let n = 0; n < 4; n++) {
        const destination = Wallet.generate().classicAddress;
        const drops = BigInt(1_000_000 + flows.length);
        const created = await callJson(
          apiUrls[flows.length % 2]!,
          'POST',
          '/v1/proposals',
          { accountId, txjson: payment(destination, String(drops)) },
          env.adminKey,
        );
        if (created.status !== 201) throw new Error(`proposal refused: ${JSON.stringify(created.body)}`);
        flows.push({ setup, destination, drops, created: created.body, done: null });
      }
    }

    // Every quorum signature of every proposal at once.
    const signed = await Promise.all(
      flows.flatMap((f) =>
        f.created.signers.slice(0, 2).map((s: any) => sandboxAction(env, s.payloadUuid, 'sign')),
      ),
    );
    if (signed.some((r) => r.status !== 200)) throw new Error('a sandbox sign was refused');
    // The submitter records the ledger's answer after the ledger took the transaction, and a worker
    // may see it validated first: a succeeded proposal is read once its answer is recorded too.
    for (const flow of flows)
      flow.done = await env.waitForProposal(
        flow.created.id,
        (p) => SETTLED.includes(p.state) && (p.state !== 'succeeded' || p.submission.lastResult !== null),
        60_000,
      );
  }, 180_000);

  afterAll(async () => {
    await peers?.close();
    await env?.close();
  }, 60_000);

  it('every flow pays out exactly once: one validated ledger transaction per Sequence/Ticket, every balance exact', () => {
    expect(flows).toHaveLength(ACCOUNTS * 4);
    for (const { setup, destination, drops, done } of flows) {
      expect(done.state).toBe('succeeded');
      const number = done.ticketSequence ?? done.sequence;
      expect(env.ledger.findTransactions(setup.account.address, number)).toHaveLength(1);
      expect(env.ledger.getBalance(destination)).toBe(drops);
    }
  });

  it('no combined blob is submitted twice, and a succeeded proposal shows the submit result that counted', () => {
    const counts = submitCounts(env);
    const seen = flows.map(({ done }) => ({
      id: done.id,
      submits: counts.get(done.hash) ?? 0,
      lastResult: done.submission.lastResult,
    }));
    expect(seen).toEqual(flows.map(({ done }) => ({ id: done.id, submits: 1, lastResult: 'tesSUCCESS' })));
  });
});
