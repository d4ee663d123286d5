import { FlowEnv, sandboxAction, startFlow, waitUntil } from './support/flow';
import { verifyStandardWebhook, WebhookReceiver } from './support/webhook-receiver';

/**
 * Outbound webhooks end to end: an integrator's endpoint (node:http) subscribed to every event
 * receives a payout's events signed per Standard Webhooks, in the order they were emitted; it goes
 * down (500) during a second payout and, once it is back, receives everything it missed, in order.
 * Delivery is at least once: the receiver deduplicates by `webhook-id`.
 */
describe('outbound webhooks (REST API + worker + sandboxes + PostgreSQL + an HTTP receiver)', () => {
  let env: FlowEnv;
  let receiver: WebhookReceiver;
  let subscription: { id: string; secret: string };
  let accountId: string;
  let setup: Awaited<ReturnType<FlowEnv['setUp']>>;

  beforeAll(async () => {
    env = await startFlow({
      env: {
        WEBHOOK_DELIVERY_INTERVAL_MS: '100',
        WEBHOOK_RETRY_BASE_MS: '100',
        WEBHOOK_RETRY_MAX_MS: '400',
      },
    });
    receiver = await WebhookReceiver.start();
  }, 30_000);
  afterAll(async () => {
    await receiver?.close();
    await env?.close();
  }, 30_000);

  /** The outbox's events of one ordering key, in emission order, as the database holds them. */
  const emitted = async (key: string) =>
    (
      await env.db.dataSource.query<{ id: string; type: string }[]>(
        `SELECT id, type FROM webhook_events WHERE ordering_key = $1 ORDER BY sequence`,
        [key],
      )
    ).map((e) => `${e.type}:${e.id}`);
  /** What the receiver accepted of one ordering key (account events are keyed by account, the rest by proposal). */
  const receivedFor = (key: string) =>
    receiver
      .accepted()
      .filter(
        (r) =>
          (r.event.type.startsWith('account.') ? r.event.data.accountId : r.event.data.proposalId) === key,
      )
      .map((r) => `${r.event.type}:${r.id}`);

  async function payout(): Promise<string> {
    const proposal = await env.propose(accountId, '2000000');
    const [first, second] = proposal.signers;
    expect((await sandboxAction(env, first.payloadUuid, 'sign')).status).toBe(200);
    await env.waitForProposal(proposal.id, (p) => p.quorum.collectedWeight === 1);
    expect((await sandboxAction(env, second.payloadUuid, 'sign')).status).toBe(200);
    await env.waitForProposal(proposal.id, (p) => p.state === 'succeeded');
    return proposal.id;
  }

  it('an admin subscribes an endpoint; the secret is shown once; bad filters and URLs store nothing', async () => {
    const viewer = (await env.call('POST', '/v1/api-keys', { name: 'viewer', role: 'viewer' })).body.key;
    const forbidden = await env.call(
      'POST',
      '/v1/webhook-subscriptions',
      { url: receiver.url, events: ['*'] },
      {
        key: viewer,
      },
    );
    expect(forbidden.status).toBe(403);
    const badFilter = await env.call('POST', '/v1/webhook-subscriptions', {
      url: receiver.url,
      events: ['proposal.*', 'payments.*'],
    });
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.code).toBe('INVALID_EVENT_FILTER');
    const badUrl = await env.call('POST', '/v1/webhook-subscriptions', {
      url: 'ftp://x.example',
      events: ['*'],
    });
    expect(badUrl.status).toBe(400);
    expect(badUrl.body.code).toBe('INVALID_WEBHOOK_URL');
    const noEvents = await env.call('POST', '/v1/webhook-subscriptions', { url: receiver.url, events: [] });
    expect(noEvents.status).toBe(400);
    expect(noEvents.body.code).toBe('VALIDATION_FAILED');
    expect((await env.db.dataSource.query(`SELECT count(*)::int AS n FROM webhook_subscriptions`))[0].n).toBe(
      0,
    );

    const created = await env.call('POST', '/v1/webhook-subscriptions', {
      url: receiver.url,
      events: ['*'],
      description: 'ERP',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ url: receiver.url, events: ['*'], enabled: true });
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    subscription = { id: created.body.id, secret: created.body.secret };

    const listed = await env.call('GET', '/v1/webhook-subscriptions');
    expect(listed.body.items).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toContain(subscription.secret);
    expect(listed.body.items[0]).not.toHaveProperty('secret');
    const stored = await env.db.dataSource.query(`SELECT secret_ciphertext FROM webhook_subscriptions`);
    expect(stored[0].secret_ciphertext).not.toContain(subscription.secret.slice(6));
  });

  it("a payout's events arrive signed per Standard Webhooks, in emission order (created ... succeeded)", async () => {
    setup = await env.setUp({ quorum: 2, signers: [{ weight: 1 }, { weight: 1 }, { weight: 1 }] });
    accountId = await env.register(setup);
    const proposalId = await payout();

    await waitUntil(
      async () => receivedFor(proposalId).some((e) => e.startsWith('proposal.succeeded:')),
      20_000,
      'proposal.succeeded at the receiver',
    );
    // Everything the outbox holds for the proposal has arrived, in the same order.
    await waitUntil(
      async () => receivedFor(proposalId).length === (await emitted(proposalId)).length,
      20_000,
      'every event of the proposal',
    );
    expect(receivedFor(proposalId)).toEqual(await emitted(proposalId));

    const events = receiver.accepted().filter((r) => r.event.data.proposalId === proposalId);
    expect(events.filter((e) => e.event.type.startsWith('proposal.')).map((e) => e.event.type)).toEqual([
      'proposal.created',
      'proposal.quorum_reached',
      'proposal.submitted',
      'proposal.succeeded',
    ]);
    const types = events.map((e) => e.event.type);
    expect(types.filter((t) => t === 'signature.accepted')).toHaveLength(2);
    expect(types.indexOf('signature.accepted')).toBeLessThan(types.indexOf('proposal.quorum_reached'));
    expect(types).toContain('signature_request.created');
    expect(types).toContain('signature_request.cancelled');

    const succeeded = events.find((e) => e.event.type === 'proposal.succeeded')!.event;
    expect(succeeded.data).toMatchObject({
      proposalId,
      accountId,
      state: 'succeeded',
      resultCode: 'tesSUCCESS',
      hash: expect.stringMatching(/^[0-9A-F]{64}$/),
      ledgerIndex: expect.any(Number),
    });
    expect(succeeded.timestamp).toMatch(/^\d{4}-\d\d-\d\dT/);

    // Every delivery verifies with the subscription's secret, and with no other.
    for (const delivery of receiver.received) {
      expect(verifyStandardWebhook(subscription.secret, delivery, delivery.body)).toBe(true);
      expect(
        verifyStandardWebhook('whsec_' + Buffer.alloc(32, 1).toString('base64'), delivery, delivery.body),
      ).toBe(false);
      expect(verifyStandardWebhook(subscription.secret, delivery, delivery.body.replace('}', ' }'))).toBe(
        false,
      );
    }
    // The account's registration came on its own ordering key.
    expect(receivedFor(accountId).map((e) => e.split(':')[0])).toContain('account.registered');
  }, 60_000);

  it('the endpoint goes down during a payout; when it is back every event arrives, in order, none lost', async () => {
    receiver.status = 500;
    const failedBefore = receiver.received.filter((r) => r.answered === 500).length;
    const proposalId = await payout();
    // Down for a while: several attempts were refused, and the log shows the head waiting.
    await waitUntil(
      async () => receiver.received.filter((r) => r.answered === 500).length >= failedBefore + 3,
      20_000,
      'failed attempts while down',
    );
    const log = await env.call(
      'GET',
      `/v1/webhook-subscriptions/${subscription.id}/deliveries?status=pending`,
    );
    expect(log.status).toBe(200);
    expect(log.body.items.length).toBeGreaterThan(0);
    expect(log.body.items.some((d: any) => d.lastStatusCode === 500 && d.failingSince !== null)).toBe(true);
    // In order while down: nothing after the failing head of this proposal was attempted.
    const attempted = new Set(receiver.received.map((r) => r.id));
    const order = (await emitted(proposalId)).map((e) => e.split(':')[1]!);
    const firstUnattempted = order.findIndex((id) => !attempted.has(id));
    expect(firstUnattempted).toBeGreaterThan(0);
    expect(order.slice(firstUnattempted).some((id) => attempted.has(id))).toBe(false);

    receiver.status = 200;
    await waitUntil(
      async () => receivedFor(proposalId).length === (await emitted(proposalId)).length,
      30_000,
      'every event of the proposal after the outage',
    );
    expect(receivedFor(proposalId)).toEqual(await emitted(proposalId));
    expect(receivedFor(proposalId).at(-1)).toMatch(/^proposal\.succeeded:/);
    for (const delivery of receiver.received) {
      expect(verifyStandardWebhook(subscription.secret, delivery, delivery.body)).toBe(true);
    }
    const pending = await env.call(
      'GET',
      `/v1/webhook-subscriptions/${subscription.id}/deliveries?status=pending`,
    );
    expect(pending.body.items).toEqual([]);
    const subscriptionNow = await env.call('GET', `/v1/webhook-subscriptions/${subscription.id}`);
    expect(subscriptionNow.body.enabled).toBe(true);
  }, 90_000);

  it('the delivery log pages newest first; a resend sends the same webhook-id again', async () => {
    const page = await env.call('GET', `/v1/webhook-subscriptions/${subscription.id}/deliveries?limit=2`);
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(2);
    expect(page.body.nextCursor).toEqual(expect.any(String));
    const next = await env.call(
      'GET',
      `/v1/webhook-subscriptions/${subscription.id}/deliveries?limit=2&cursor=${page.body.nextCursor}`,
    );
    expect(next.body.items[0].id).not.toBe(page.body.items[1].id);
    const delivered = page.body.items[0];
    expect(delivered).toMatchObject({ status: 'delivered', lastStatusCode: 200 });

    const before = receiver.received.filter((r) => r.id === delivered.eventId).length;
    const resent = await env.call('POST', `/v1/webhook-deliveries/${delivered.id}/resend`);
    expect(resent.status).toBe(202);
    expect(resent.body).toMatchObject({ id: delivered.id, status: 'pending' });
    await waitUntil(
      async () => receiver.received.filter((r) => r.id === delivered.eventId).length > before,
      20_000,
      'the resent delivery',
    );
    expect((await env.call('POST', `/v1/webhook-deliveries/${crypto.randomUUID()}/resend`)).body.code).toBe(
      'WEBHOOK_DELIVERY_NOT_FOUND',
    );
    expect((await env.call('GET', `/v1/webhook-subscriptions/not-a-uuid/deliveries`)).status).toBe(400);
  }, 30_000);

  it('PATCH disables and re-enables; DELETE removes the subscription and its log', async () => {
    const disabled = await env.call('PATCH', `/v1/webhook-subscriptions/${subscription.id}`, {
      enabled: false,
    });
    expect(disabled.body).toMatchObject({ enabled: false, disabledReason: 'disabled by an operator' });
    const bad = await env.call('PATCH', `/v1/webhook-subscriptions/${subscription.id}`, { events: ['nope'] });
    expect(bad.body.code).toBe('INVALID_EVENT_FILTER');
    const enabled = await env.call('PATCH', `/v1/webhook-subscriptions/${subscription.id}`, {
      enabled: true,
      events: ['proposal.*'],
    });
    expect(enabled.body).toMatchObject({ enabled: true, events: ['proposal.*'], disabledAt: null });
    expect((await env.call('DELETE', `/v1/webhook-subscriptions/${subscription.id}`)).status).toBe(204);
    expect((await env.call('GET', `/v1/webhook-subscriptions/${subscription.id}`)).body.code).toBe(
      'WEBHOOK_SUBSCRIPTION_NOT_FOUND',
    );
    expect((await env.db.dataSource.query(`SELECT count(*)::int AS n FROM webhook_deliveries`))[0].n).toBe(0);
  });
});
