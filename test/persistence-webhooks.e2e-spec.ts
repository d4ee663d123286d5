import { TypeormUnitOfWork, TypeormWebhookRepository } from '@app/persistence';
import { webhookEvent, WebhookEventType } from '@app/domain';
import { createTestDatabase, TestDatabase } from './support/database';
import { waitUntil } from './support/flow';
import { at } from './support/persistence-fixtures';

describe('persistence: the webhook outbox, leases and per-key order (real PostgreSQL)', () => {
  let db: TestDatabase;
  let webhooks: TypeormWebhookRepository;
  let uow: TypeormUnitOfWork;

  beforeAll(async () => {
    db = await createTestDatabase();
    webhooks = new TypeormWebhookRepository(db.dataSource.manager);
    uow = new TypeormUnitOfWork(db.dataSource);
  });
  afterAll(() => db.destroy());
  beforeEach(() => db.truncateAll());

  const subscribe = (events: string[], url = 'http://127.0.0.1:1/hooks') =>
    webhooks.insertSubscription(
      { url, events, description: null, secretCiphertext: 'v1.x.y.z', createdBy: null },
      at(0),
    );
  const emit = (type: WebhookEventType, key: string, seconds = 0) =>
    uow.run((tx) => tx.outbox.emit(webhookEvent(type, key, { key }, at(seconds))));
  const claimTypes = async (seconds: number, limit = 50) =>
    (await webhooks.claimDue(at(seconds), at(seconds + 60), limit)).map(
      (c) => `${c.event.data.key as string}:${c.event.type}`,
    );

  it('stores an event with one delivery per enabled subscription whose filters match; none when none do', async () => {
    const all = await subscribe(['*']);
    const proposals = await subscribe(['proposal.*']);
    const exact = await subscribe(['signature.refused']);
    const off = await subscribe(['*']);
    await webhooks.disableSubscription(off.id, 'test', at(0));
    await emit('proposal.created', 'P');
    await emit('account.registered', 'A');
    const rows = await db.dataSource.query<{ subscription_id: string; event_type: string }[]>(
      `SELECT subscription_id, event_type FROM webhook_deliveries ORDER BY sequence, subscription_id`,
    );
    expect(
      rows
        .filter((r) => r.event_type === 'proposal.created')
        .map((r) => r.subscription_id)
        .sort(),
    ).toEqual([all.id, proposals.id].sort());
    expect(rows.filter((r) => r.event_type === 'account.registered').map((r) => r.subscription_id)).toEqual([
      all.id,
    ]);
    expect(rows.some((r) => r.subscription_id === exact.id || r.subscription_id === off.id)).toBe(false);

    await db.truncateAll();
    await emit('proposal.created', 'P');
    expect((await db.dataSource.query(`SELECT count(*)::int AS n FROM webhook_events`))[0].n).toBe(0);
  });

  it('an emit rolls back with its unit of work', async () => {
    await subscribe(['*']);
    await expect(
      uow.run(async (tx) => {
        await tx.outbox.emit(webhookEvent('proposal.created', 'P', {}, at(0)));
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect((await db.dataSource.query(`SELECT count(*)::int AS n FROM webhook_deliveries`))[0].n).toBe(0);
  });

  it('claims only the head of each (subscription, key); later events wait until it is delivered', async () => {
    await subscribe(['*']);
    await emit('proposal.created', 'P');
    await emit('proposal.quorum_reached', 'P');
    await emit('proposal.submitted', 'P');
    await emit('proposal.created', 'Q');
    expect(await claimTypes(1)).toEqual(['P:proposal.created', 'Q:proposal.created']);
    // Leased: another claimer gets nothing, not even the next event of P.
    expect(await claimTypes(2)).toEqual([]);
  });

  it('a failure backs off and keeps the order; delivery releases the next event', async () => {
    await subscribe(['*']);
    await emit('proposal.created', 'P');
    await emit('proposal.quorum_reached', 'P');
    const [head] = await webhooks.claimDue(at(1), at(61), 10);
    expect(
      await webhooks.markFailed(
        head!.delivery.id,
        head!.leaseToken,
        { statusCode: 500, error: 'HTTP 500', nextAttemptAt: at(30) },
        at(2),
      ),
    ).toBe(true);
    expect(await claimTypes(10)).toEqual([]);
    const [again] = await webhooks.claimDue(at(30), at(90), 10);
    expect(again!.delivery).toMatchObject({
      id: head!.delivery.id,
      attempts: 2,
      firstFailedAt: at(2),
      lastStatusCode: 500,
    });
    // A stale lease holder cannot record anything.
    expect(await webhooks.markDelivered(head!.delivery.id, head!.leaseToken, 200, at(31))).toBe(false);
    expect(await webhooks.markDelivered(again!.delivery.id, again!.leaseToken, 200, at(31))).toBe(true);
    expect(await claimTypes(31)).toEqual(['P:proposal.quorum_reached']);
  });

  it('an expired lease (a worker that died mid-delivery) is claimed again', async () => {
    await subscribe(['*']);
    await emit('proposal.created', 'P');
    await webhooks.claimDue(at(1), at(10), 10);
    expect(await claimTypes(9)).toEqual([]);
    expect(await claimTypes(10)).toEqual(['P:proposal.created']);
  });

  it('concurrent claimers take disjoint deliveries (FOR UPDATE SKIP LOCKED)', async () => {
    await subscribe(['*']);
    for (let i = 0; i < 40; i++) await emit('proposal.created', `P${i}`);
    const claims = await Promise.all(Array.from({ length: 6 }, () => webhooks.claimDue(at(1), at(61), 10)));
    const ids = claims.flat().map((c) => c.delivery.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(40);
  });

  it('a later event of a key cannot become visible before an earlier one still uncommitted', async () => {
    await subscribe(['*']);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let firstEmitted!: () => void;
    const emittedFirst = new Promise<void>((resolve) => (firstEmitted = resolve));
    const first = uow.run(async (tx) => {
      await tx.outbox.emit(webhookEvent('proposal.created', 'P', { key: 'P' }, at(0)));
      firstEmitted();
      await held;
    });
    await emittedFirst;
    const second = uow.run((tx) =>
      tx.outbox.emit(webhookEvent('proposal.quorum_reached', 'P', { key: 'P' }, at(0))),
    );
    // The second emitter waits on the key's advisory lock while the first transaction is open ...
    await waitUntil(
      async () =>
        (
          await db.dataSource.query<{ n: number }[]>(
            `SELECT count(*)::int AS n FROM pg_stat_activity
              WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'`,
          )
        )[0]!.n === 1,
      10_000,
      'the second emitter to wait for the key',
    );
    // ... so no claimer can see the later event alone.
    expect(await claimTypes(1)).toEqual([]);
    release();
    await Promise.all([first, second]);
    const rows = await db.dataSource.query<{ type: string }[]>(
      `SELECT type FROM webhook_events ORDER BY sequence`,
    );
    expect(rows.map((r) => r.type)).toEqual(['proposal.created', 'proposal.quorum_reached']);
    expect(await claimTypes(2)).toEqual(['P:proposal.created']);
  });

  it('finds subscriptions failing since a time, disables once, and a requeue makes a delivery due again', async () => {
    const s = await subscribe(['*']);
    await emit('proposal.created', 'P');
    const [head] = await webhooks.claimDue(at(1), at(61), 10);
    await webhooks.markFailed(
      head!.delivery.id,
      head!.leaseToken,
      { statusCode: null, error: 'ECONNREFUSED', nextAttemptAt: at(5) },
      at(2),
    );
    expect((await webhooks.subscriptionsFailingSince(at(1))).map((x) => x.id)).toEqual([]);
    expect((await webhooks.subscriptionsFailingSince(at(2))).map((x) => x.id)).toEqual([s.id]);
    expect(await webhooks.disableSubscription(s.id, 'failing', at(3))).toBe(true);
    expect(await webhooks.disableSubscription(s.id, 'failing', at(3))).toBe(false);
    expect(await claimTypes(100)).toEqual([]);
    await webhooks.updateSubscription(s.id, { enabled: true, disabledAt: null, disabledReason: null }, at(4));
    // Re-enabled: the waiting delivery is due now and its failure window starts again.
    expect(await webhooks.restartPendingDeliveries(s.id, at(4))).toBe(1);
    expect(await webhooks.subscriptionsFailingSince(at(1000))).toEqual([]);
    const [resumed] = await webhooks.claimDue(at(100), at(160), 10);
    await webhooks.markDelivered(resumed!.delivery.id, resumed!.leaseToken, 204, at(101));
    const requeued = await webhooks.requeueDelivery(resumed!.delivery.id, at(200));
    expect(requeued).toMatchObject({ status: 'pending', nextAttemptAt: at(200), deliveredAt: null });
    expect(await claimTypes(200)).toEqual(['P:proposal.created']);
    expect(await webhooks.requeueDelivery('00000000-0000-4000-8000-000000000000', at(0))).toBeNull();
  });
});
