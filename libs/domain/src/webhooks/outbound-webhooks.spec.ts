import { createHmac } from 'node:crypto';
import { buildDomain, Domain } from '../../test/fakes';
import {
  alice,
  bob,
  mallory,
  operator,
  propose,
  proposalOf,
  registerTreasury,
  signAtXaman,
  signs,
  treasury,
} from '../../test/domain.fixtures';
import { WORKER_ACTOR } from '../shared/actor';
import { eventMatches, isValidEventPattern, WEBHOOK_EVENT_TYPES } from './webhook-events';

/** Standard Webhooks verification from the spec (not the service's signer). */
function verifies(secret: string, headers: Record<string, string>, body: string): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const content = `${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`;
  const expected = createHmac('sha256', key).update(content).digest('base64');
  return (headers['webhook-signature'] ?? '').split(' ').includes(`v1,${expected}`);
}

async function subscribed(d: Domain, events: string[] = ['*']) {
  return d.creatingSubscription.execute({ url: 'https://erp.example/hooks', events }, operator);
}

const typesOf = (d: Domain, key: string) => d.webhookStore.emitted(key).map((e) => e.type);

describe('outbound webhooks: events in the outbox', () => {
  it('a payout emits its proposal, request and signature events in order, in the units of work of the changes', async () => {
    const d = buildDomain();
    await subscribed(d);
    const account = await registerTreasury(d);
    const proposal = await propose(d, account.id);
    await signs(d, proposal, alice);
    await signs(d, proposal, bob);
    const submitted = await proposalOf(d, proposal.id);
    d.ledger.validate(submitted.combinedBlob!);
    await d.settling.follow(proposal.id);

    const types = typesOf(d, proposal.id);
    expect(types.filter((t) => t.startsWith('proposal.'))).toEqual([
      'proposal.created',
      'proposal.quorum_reached',
      'proposal.submitted',
      'proposal.succeeded',
    ]);
    expect(types.filter((t) => t === 'signature_request.created')).toHaveLength(3);
    expect(types.filter((t) => t === 'signature.accepted')).toHaveLength(2);
    expect(types.lastIndexOf('signature.accepted')).toBeLessThan(types.indexOf('proposal.quorum_reached'));
    expect(types).toContain('signature_request.cancelled');
    const succeeded = d.webhookStore.emitted(proposal.id).at(-1)!;
    expect(succeeded.data).toMatchObject({
      proposalId: proposal.id,
      accountId: account.id,
      state: 'succeeded',
      resultCode: 'tesSUCCESS',
      from: ['submitted'],
      transition: 'settledSuccess',
    });
    expect(typesOf(d, account.id)).toEqual(['account.registered']);
    // Every event went to the subscription, and the timings were observed.
    expect(d.webhookStore.deliveries.size).toBe(d.webhookStore.events.size);
    expect(d.metrics.count('signature.accepted')).toBe(2);
    expect(d.metrics.timings.map((t) => [t.name, t.label])).toEqual([
      ['quorumToSubmitted', undefined],
      ['quorumToValidated', 'succeeded'],
    ]);
    expect((await proposalOf(d, proposal.id)).quorumReachedAt).toEqual(d.clock.now());
  });

  it('a refused blob emits signature_request.refused and signature.refused with its code, and is counted', async () => {
    const d = buildDomain();
    await subscribed(d);
    const account = await registerTreasury(d);
    const proposal = await propose(d, account.id);
    const uuid = await signAtXaman(d, proposal, mallory, alice.classicAddress);
    await d.signals.signal(uuid, 'webhook');
    const refused = d.webhookStore.emitted(proposal.id).find((e) => e.type === 'signature.refused')!;
    expect(refused.data).toMatchObject({ signer: alice.classicAddress, refusalCode: expect.any(String) });
    expect(typesOf(d, proposal.id)).toContain('signature_request.refused');
    expect(d.metrics.count(`signature.refused:${refused.data.refusalCode as string}`)).toBe(1);
  });

  it('nothing is emitted when the change rolls back', async () => {
    const d = buildDomain();
    await subscribed(d);
    const account = await registerTreasury(d);
    const proposal = await propose(d, account.id);
    const before = d.webhookStore.events.size;
    d.uow.failNextCommit = new Error('commit failed');
    await expect(d.closing.cancel(proposal.id, operator)).rejects.toThrow('commit failed');
    expect(d.webhookStore.events.size).toBe(before);
    expect((await proposalOf(d, proposal.id)).state).toBe('collecting');
  });

  it('a subscription gets only what its filters select; no subscription, no delivery', async () => {
    const d = buildDomain();
    const account = await registerTreasury(d, { tickets: [7] });
    await propose(d, account.id);
    expect(d.webhookStore.deliveries.size).toBe(0);
    const { subscription } = await subscribed(d, ['proposal.*', 'signature.refused']);
    await propose(d, account.id, {
      txjson: { TransactionType: 'Payment', Destination: bob.classicAddress, Amount: '1' },
    });
    const delivered = d.webhookStore.deliveries.filter((x) => x.subscriptionId === subscription.id);
    expect(delivered.map((x) => x.eventType)).toEqual(['proposal.created']);
  });

  it('the drift job emits account events only for a change; an operator refresh always', async () => {
    const d = buildDomain();
    await subscribed(d);
    const account = await registerTreasury(d);
    await d.refreshing.execute(account.id, WORKER_ACTOR);
    expect(typesOf(d, account.id)).toEqual(['account.registered']);
    await d.refreshing.execute(account.id, operator);
    expect(typesOf(d, account.id)).toEqual(['account.registered', 'account.refreshed']);
    d.ledger.setAccount(treasury.classicAddress, {
      sequence: 100,
      signerList: { quorum: 1, entries: [{ account: alice.classicAddress, weight: 1 }] },
    });
    await d.refreshing.execute(account.id, WORKER_ACTOR);
    expect(typesOf(d, account.id).slice(-2)).toEqual(['account.refreshed', 'account.signer_list_changed']);
  });

  it('filters: "*", a group wildcard or a known type; token expiry and outside transactions are defined', () => {
    expect(
      ['*', 'proposal.*', 'account.*', 'signer.*', 'proposal.succeeded'].every(isValidEventPattern),
    ).toBe(true);
    expect(['', 'proposal', 'proposal.paid', 'payments.*', '*.*'].some(isValidEventPattern)).toBe(false);
    expect(WEBHOOK_EVENT_TYPES).toEqual(
      expect.arrayContaining(['signer.token_expiring', 'account.outside_transaction']),
    );
    expect(eventMatches(['proposal.*'], 'proposal.failed')).toBe(true);
    expect(eventMatches(['proposal.*'], 'signature.accepted')).toBe(false);
  });
});

describe('outbound webhooks: subscriptions', () => {
  it('a bad URL or filter stores nothing; the secret is whsec_ and stored encrypted', async () => {
    const d = buildDomain();
    await expect(subscribed(d, ['nope.*'])).rejects.toMatchObject({ code: 'INVALID_EVENT_FILTER' });
    await expect(subscribed(d, [])).rejects.toMatchObject({ code: 'INVALID_EVENT_FILTER' });
    await expect(
      d.creatingSubscription.execute({ url: 'ftp://erp.example', events: ['*'] }, operator),
    ).rejects.toMatchObject({ code: 'INVALID_WEBHOOK_URL' });
    await expect(
      d.creatingSubscription.execute({ url: 'https://u:p@erp.example', events: ['*'] }, operator),
    ).rejects.toMatchObject({ code: 'INVALID_WEBHOOK_URL' });
    expect(d.webhookStore.subscriptions.size).toBe(0);
    const { subscription, secret } = await subscribed(d);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(subscription.secretCiphertext).not.toContain(secret.slice(6));
    expect(d.cipher.decrypt(subscription.secretCiphertext)).toBe(secret);
    await expect(d.updatingSubscription.execute('nope', { enabled: false }, operator)).rejects.toMatchObject({
      code: 'WEBHOOK_SUBSCRIPTION_NOT_FOUND',
    });
  });
});

describe('DeliverWebhooks', () => {
  async function withEvents() {
    const d = buildDomain({}, { retryBaseMs: 1_000, retryMaxMs: 8_000, disableAfterMs: 60_000 });
    const { subscription, secret } = await subscribed(d);
    const account = await registerTreasury(d);
    const proposal = await propose(d, account.id);
    return { d, subscription, secret, account, proposal };
  }

  it('delivers every due event signed per Standard Webhooks, in emission order per key', async () => {
    const { d, secret, proposal } = await withEvents();
    const result = await d.delivering.runDue();
    expect(result).toMatchObject({ failed: 0, disabled: 0 });
    expect(result.delivered).toBe(d.webhookStore.events.size);
    const received = d.transport.received.map((r) => ({ ...r, event: JSON.parse(r.body) }));
    expect(received.every((r) => verifies(secret, r.headers, r.body))).toBe(true);
    expect(
      received.filter((r) => r.event.data.proposalId === proposal.id).map((r) => r.headers['webhook-id']),
    ).toEqual(d.webhookStore.emitted(proposal.id).map((e) => e.id));
    expect(received[0]!.headers['webhook-timestamp']).toBe(
      String(Math.floor(d.clock.now().getTime() / 1000)),
    );
    expect(d.metrics.count('webhook:delivered')).toBe(result.delivered);
    expect(await d.delivering.runDue()).toEqual({ delivered: 0, failed: 0, disabled: 0 });
  });

  it('a failing endpoint holds the key in order and is retried with exponential back-off', async () => {
    const { d, proposal } = await withEvents();
    d.transport.answer = 500;
    await d.delivering.runDue();
    const headId = d.webhookStore.emitted(proposal.id)[0]!.id;
    const attempts = () => d.transport.received.filter((r) => r.headers['webhook-id'] === headId).length;
    expect(attempts()).toBe(1);
    // Nothing later of the proposal was tried while its first event fails.
    expect(
      d.transport.received.some(
        (r) => JSON.parse(r.body).data.proposalId === proposal.id && r.headers['webhook-id'] !== headId,
      ),
    ).toBe(false);
    d.clock.advance(999);
    await d.delivering.runDue();
    expect(attempts()).toBe(1);
    d.clock.advance(1);
    await d.delivering.runDue();
    expect(attempts()).toBe(2);
    d.clock.advance(1_999);
    d.transport.answer = 'network-error';
    await d.delivering.runDue();
    expect(attempts()).toBe(2);
    d.clock.advance(1);
    await d.delivering.runDue();
    expect(attempts()).toBe(3);
    const head = d.webhookStore.deliveries.find((x) => x.eventId === headId)!;
    expect(head).toMatchObject({
      status: 'pending',
      attempts: 3,
      lastStatusCode: null,
      lastError: expect.stringContaining('ECONNREFUSED'),
    });
    d.transport.answer = 200;
    d.clock.advance(4_000);
    await d.delivering.runDue();
    const order = d.transport.received
      .filter((r) => JSON.parse(r.body).data.proposalId === proposal.id)
      .map((r) => r.headers['webhook-id']);
    const deduped = order.filter((id, i) => order.indexOf(id) === i);
    expect(deduped).toEqual(d.webhookStore.emitted(proposal.id).map((e) => e.id));
  });

  it('disables a subscription whose oldest undelivered event has failed longer than the limit; re-enabled, it resumes', async () => {
    const { d, subscription } = await withEvents();
    d.transport.answer = 503;
    await d.delivering.runDue();
    d.clock.advance(59_999);
    expect((await d.delivering.runDue()).disabled).toBe(0);
    d.clock.advance(1);
    expect((await d.delivering.runDue()).disabled).toBe(1);
    expect(d.metrics.count('webhook:subscription_disabled')).toBe(1);
    const disabled = await d.subscriptionQueries.get(subscription.id);
    expect(disabled).toMatchObject({ enabled: false, disabledReason: expect.stringContaining('failed') });
    d.transport.answer = 200;
    const sent = d.transport.received.length;
    d.clock.advance(60_000);
    await d.delivering.runDue();
    expect(d.transport.received.length).toBe(sent);
    await d.updatingSubscription.execute(subscription.id, { enabled: true }, operator);
    const resumed = await d.delivering.runDue();
    expect(resumed.delivered).toBe(d.webhookStore.events.size);
    expect(d.webhookStore.deliveries.filter((x) => x.status === 'pending')).toEqual([]);
  });

  it('a resend sends the same webhook-id again; an unknown delivery is WEBHOOK_DELIVERY_NOT_FOUND', async () => {
    const { d } = await withEvents();
    await d.delivering.runDue();
    const [first] = d.webhookStore.deliveries.all();
    await d.resending.execute(first!.id, operator);
    await d.delivering.runDue();
    expect(d.transport.received.filter((r) => r.headers['webhook-id'] === first!.eventId)).toHaveLength(2);
    await expect(d.resending.execute('00000000-0000-4000-8000-000000000000', operator)).rejects.toMatchObject(
      {
        code: 'WEBHOOK_DELIVERY_NOT_FOUND',
      },
    );
  });
});
