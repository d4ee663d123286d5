import { Wallet } from 'xrpl';
import { applySingleSigned } from '@app/sandbox';
import { FlowEnv, sandboxAction, startFlow, waitUntil } from './support/flow';
import { WebhookReceiver } from './support/webhook-receiver';

/**
 * Account health from the live ledger: what the treasury sent outside the service (the scan job),
 * and Delegate objects (read on refresh and by the drift job).
 */
describe('account health from the live ledger (REST API + worker + sandboxes + PostgreSQL)', () => {
  let env: FlowEnv;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    env = await startFlow({ env: { TX_SCAN_INTERVAL_MS: '200', WEBHOOK_DELIVERY_INTERVAL_MS: '100' } });
    receiver = await WebhookReceiver.start();
  }, 30_000);
  afterAll(async () => {
    await receiver?.close();
    await env?.close();
  }, 30_000);

  const health = async (accountId: string) =>
    (await env.call('GET', `/v1/accounts/${accountId}`)).body.health as {
      code: string;
      hash?: string;
      delegate?: string;
    }[];

  it('a payment sent with the account’s own key is an OUTSIDE_TRANSACTION warning, audited and delivered; payouts and received payments are not', async () => {
    const subscribed = await env.call('POST', '/v1/webhook-subscriptions', {
      url: receiver.url,
      events: ['account.outside_transaction'],
    });
    expect(subscribed.status).toBe(201);
    const setup = await env.setUp({ quorum: 2, signers: [{ weight: 1 }, { weight: 1 }, { weight: 1 }] });
    const accountId = await env.register(setup);

    // A payout made through the service.
    const proposal = await env.propose(accountId, '2000000');
    const [first, second] = proposal.signers;
    expect((await sandboxAction(env, first.payloadUuid, 'sign')).status).toBe(200);
    await env.waitForProposal(proposal.id, (p) => p.quorum.collectedWeight === 1);
    expect((await sandboxAction(env, second.payloadUuid, 'sign')).status).toBe(200);
    await env.waitForProposal(proposal.id, (p) => p.state === 'succeeded');
    // Someone pays the treasury: not a spend.
    await env.ledger.fund(setup.account.address, 5_000_000n);
    // The owner spends with the master key, outside the vote.
    const destination = Wallet.generate().classicAddress;
    await env.ledger.fund(destination, 20_000_000n);
    const { hash } = await applySingleSigned(env.ledger, Wallet.fromSeed(setup.account.seed), {
      TransactionType: 'Payment',
      Destination: destination,
      Amount: '3000000',
    });
    const scannedTo = env.ledger.validatedLedgerIndex();

    // The scan passed every ledger above (the payout's included).
    await waitUntil(
      async () => {
        const [row] = await env.db.dataSource.query<{ scanned: string }[]>(
          `SELECT tx_scan_ledger_index AS scanned FROM accounts WHERE id = $1`,
          [accountId],
        );
        return Number(row?.scanned) >= scannedTo;
      },
      15_000,
      'the scan to pass the outside payment',
    );
    const warnings = (await health(accountId)).filter((w) => w.code === 'OUTSIDE_TRANSACTION');
    expect(warnings).toEqual([expect.objectContaining({ code: 'OUTSIDE_TRANSACTION', hash })]);

    const audit = await env.call(
      'GET',
      `/v1/audit-events?action=account.outside_transaction&entityId=${accountId}`,
    );
    expect(audit.status).toBe(200);
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0].details).toMatchObject({
      hash,
      transactionType: 'Payment',
      amount: '3000000',
      destination,
    });

    await waitUntil(
      async () => receiver.accepted().some((r) => r.event.type === 'account.outside_transaction'),
      15_000,
      'account.outside_transaction at the receiver',
    );
    const delivered = receiver.accepted().filter((r) => r.event.type === 'account.outside_transaction');
    expect(delivered.map((r) => r.event.data)).toEqual([
      expect.objectContaining({ accountId, hash, amount: '3000000', destination }),
    ]);
  }, 60_000);

  it('a Delegate object on the account is a DELEGATE_PRESENT warning after a refresh', async () => {
    const setup = await env.setUp({ quorum: 2, signers: [{ weight: 1 }, { weight: 1 }] });
    const accountId = await env.register(setup);
    expect((await health(accountId)).map((w) => w.code)).not.toContain('DELEGATE_PRESENT');
    const delegate = Wallet.generate().classicAddress;
    env.ledger.putDelegate(setup.account.address, delegate, ['Payment']);
    const refreshed = await env.call('POST', `/v1/accounts/${accountId}/refresh`);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.health).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'DELEGATE_PRESENT', delegate })]),
    );
    expect((await health(accountId)).filter((w) => w.code === 'DELEGATE_PRESENT')).toHaveLength(1);
  }, 40_000);
});
