import { Wallet } from 'xrpl';
import { FlowEnv, payment, startFlow, sandboxAction } from './support/flow';

const signInXaman = (env: FlowEnv, uuid: string) => sandboxAction(env, uuid, 'sign');

const b64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** Walks every page of a listing and returns the pages. */
async function allPages(env: FlowEnv, query: string): Promise<any[][]> {
  const pages: any[][] = [];
  let cursor: string | null = null;
  do {
    const res = await env.call(
      'GET',
      `/v1/audit-events?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(res.status).toBe(200);
    pages.push(res.body.items);
    cursor = res.body.nextCursor;
    expect(pages.length).toBeLessThan(100);
  } while (cursor !== null);
  return pages;
}

describe('GET /v1/audit-events: the audit trail of a payout', () => {
  let env: FlowEnv;
  let proposalId: string;
  let signers: string[];
  let createdRequestId: string | null;

  beforeAll(async () => {
    env = await startFlow();
    const setup = await env.setUp({ quorum: 2, signers: [{ weight: 1 }, { weight: 1 }, { weight: 1 }] });
    const accountId = await env.register(setup);
    const created = await env.call(
      'POST',
      '/v1/proposals',
      { accountId, txjson: payment(Wallet.generate().classicAddress, '3000000') },
      { headers: { 'x-request-id': 'audit-e2e-create-1' } },
    );
    expect(created.status).toBe(201);
    proposalId = created.body.id;
    createdRequestId = created.headers.get('x-request-id');
    const [first, second] = created.body.signers;
    signers = [first.address, second.address];
    expect((await signInXaman(env, first.payloadUuid)).status).toBe(200);
    await env.waitForProposal(proposalId, (p) => p.quorum.collectedWeight === 1);
    expect((await signInXaman(env, second.payloadUuid)).status).toBe(200);
    await env.waitForProposal(proposalId, (p) => p.state === 'succeeded');
  }, 60_000);

  afterAll(async () => {
    await env?.close();
  }, 30_000);

  it("reads back the proposal's life, oldest to newest, with who caused each step", async () => {
    const res = await env.call('GET', `/v1/audit-events?entityType=proposal&entityId=${proposalId}`);
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    const oldestFirst = [...res.body.items].reverse();
    expect(oldestFirst.map((e: any) => e.action)).toEqual([
      'proposal.created',
      'signature.accepted',
      'signature.accepted',
      'proposal.quorum_reached',
      'proposal.combined',
      'proposal.submitted',
      'proposal.succeeded',
    ]);
    for (const event of res.body.items) {
      expect(event).toEqual({
        id: expect.stringMatching(/^[1-9][0-9]*$/),
        occurredAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
        actorType: expect.any(String),
        actorId: event.actorId === null ? null : expect.any(String),
        action: expect.any(String),
        entityType: 'proposal',
        entityId: proposalId,
        requestId: event.requestId === null ? null : expect.any(String),
        details: expect.any(Object),
      });
    }
    // Newest first by id, and time never runs backwards along the ids.
    const ids = res.body.items.map((e: any) => BigInt(e.id));
    for (let i = 1; i < ids.length; i += 1) expect(ids[i] < ids[i - 1]).toBe(true);
    const times: number[] = oldestFirst.map((e: any) => Date.parse(e.occurredAt));
    for (let i = 1; i < times.length; i += 1) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]!);

    // The creation was caused by the admin key, in the request that answered with this id.
    const adminKeyId = (await env.call('GET', '/v1/api-keys')).body.items.find(
      (k: any) => k.name === 'e2e admin',
    ).id;
    expect(oldestFirst[0]).toMatchObject({
      actorType: 'api_key',
      actorId: adminKeyId,
      requestId: 'audit-e2e-create-1',
      details: { signers: 3, transactionType: 'Payment' },
    });
    expect(createdRequestId).toBe('audit-e2e-create-1');
    // The signatures name the two signers who signed.
    expect(
      oldestFirst
        .slice(1, 3)
        .map((e: any) => e.details.signer)
        .sort(),
    ).toEqual([...signers].sort());
    expect(oldestFirst[4].details).toMatchObject({ hash: expect.stringMatching(/^[0-9A-F]{64}$/) });
    expect(oldestFirst[6].details).toMatchObject({ from: ['submitted'] });
  });

  it('filters by action and by time', async () => {
    const accepted = await env.call(
      'GET',
      `/v1/audit-events?action=signature.accepted&entityId=${proposalId}`,
    );
    expect(accepted.status).toBe(200);
    expect(accepted.body.items).toHaveLength(2);
    expect(accepted.body.items.every((e: any) => e.action === 'signature.accepted')).toBe(true);

    const requests = await env.call('GET', '/v1/audit-events?entityType=signature_request&limit=200');
    expect(requests.body.items.length).toBeGreaterThan(0);
    expect(requests.body.items.every((e: any) => e.entityType === 'signature_request')).toBe(true);

    const all = (await env.call('GET', `/v1/audit-events?entityId=${proposalId}`)).body.items;
    const quorum = all.find((e: any) => e.action === 'proposal.quorum_reached');
    const since = await env.call(
      'GET',
      `/v1/audit-events?entityId=${proposalId}&since=${encodeURIComponent(quorum.occurredAt)}`,
    );
    expect(since.status).toBe(200);
    const expected = all.filter((e: any) => Date.parse(e.occurredAt) >= Date.parse(quorum.occurredAt));
    expect(since.body.items).toEqual(expected);
    expect(since.body.items.map((e: any) => e.action)).toContain('proposal.succeeded');
    expect(since.body.items.map((e: any) => e.action)).not.toContain('proposal.created');

    const future = new Date(Date.now() + 3_600_000).toISOString();
    const none = await env.call('GET', `/v1/audit-events?since=${encodeURIComponent(future)}`);
    expect(none.body).toEqual({ items: [], nextCursor: null });

    const nothing = await env.call('GET', '/v1/audit-events?entityId=no-such-entity');
    expect(nothing.body).toEqual({ items: [], nextCursor: null });
  });

  it('pages newest first with an opaque cursor: every event exactly once, in order', async () => {
    const before = (await env.call('GET', '/v1/audit-events?limit=200')).body;
    expect(before.nextCursor).toBeNull();
    expect(before.items.length).toBeGreaterThan(10);

    const walked = (await allPages(env, 'limit=3')).flat();
    // The worker may append while we walk; compare against a listing taken afterwards.
    const after = (await env.call('GET', '/v1/audit-events?limit=200')).body.items;
    const top = BigInt(walked[0].id);
    expect(top >= BigInt(before.items[0].id)).toBe(true);
    expect(walked).toEqual(after.filter((e: any) => BigInt(e.id) <= top));

    // The same with a filter: the proposal's seven events two at a time.
    const proposalPages = await allPages(env, `entityType=proposal&entityId=${proposalId}&limit=2`);
    expect(proposalPages.map((p) => p.length)).toEqual([2, 2, 2, 1]);
    expect(
      proposalPages
        .flat()
        .map((e: any) => e.action)
        .reverse(),
    ).toEqual([
      'proposal.created',
      'signature.accepted',
      'signature.accepted',
      'proposal.quorum_reached',
      'proposal.combined',
      'proposal.submitted',
      'proposal.succeeded',
    ]);

    // Default page size is 50.
    const defaultPage = (await env.call('GET', '/v1/audit-events')).body;
    expect(defaultPage.items).toHaveLength(Math.min(50, after.length));
    expect(defaultPage.nextCursor === null).toBe(after.length <= 50);

    // Events recorded after a listing started do not shift later pages (keyset, not offset).
    const first = (await env.call('GET', '/v1/audit-events?limit=3')).body;
    const issued = await env.call('POST', '/v1/api-keys', { name: 'audit e2e extra', role: 'viewer' });
    expect(issued.status).toBe(201);
    const second = (
      await env.call('GET', `/v1/audit-events?limit=3&cursor=${encodeURIComponent(first.nextCursor)}`)
    ).body;
    const now = (await env.call('GET', '/v1/audit-events?limit=200')).body.items;
    const lastSeen = now.findIndex((e: any) => e.id === first.items[2].id);
    expect(second.items).toEqual(now.slice(lastSeen + 1, lastSeen + 4));
    expect(now.find((e: any) => e.entityId === issued.body.id)).toMatchObject({
      action: 'api_key.created',
      entityType: 'api_key',
      details: { role: 'viewer' },
    });
  });

  it('is for admins only: a viewer or proposer key is refused with 403, no key with 401', async () => {
    const viewer = await env.call('POST', '/v1/api-keys', { name: 'audit viewer', role: 'viewer' });
    const proposer = await env.call('POST', '/v1/api-keys', { name: 'audit proposer', role: 'proposer' });
    expect(viewer.status).toBe(201);
    expect(proposer.status).toBe(201);
    for (const key of [viewer.body.key, proposer.body.key]) {
      const res = await env.call('GET', '/v1/audit-events', undefined, { key });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ statusCode: 403, code: 'FORBIDDEN', requestId: expect.any(String) });
      expect(res.body.items).toBeUndefined();
    }
    const anonymous = await env.call('GET', '/v1/audit-events', undefined, { key: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.code).toBe('UNAUTHENTICATED');
  });

  it.each([
    ['not base64url', 'abc!'],
    ['not a number', b64url('hello')],
    ['zero', b64url('0')],
    ['negative', b64url('-5')],
    ['leading zero', b64url('07')],
    ['a number beyond bigint', b64url('99999999999999999999')],
    ['padded', `${b64url('12')}=`],
    ['a proposals cursor', b64url('2026-01-01T00:00:00.000Z|00000000-0000-4000-8000-000000000000')],
    ['empty', ''],
  ])('a cursor that is %s is 400 INVALID_CURSOR (or VALIDATION_FAILED when empty)', async (_what, cursor) => {
    const res = await env.call('GET', `/v1/audit-events?cursor=${encodeURIComponent(cursor)}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      statusCode: 400,
      code: cursor === '' ? 'VALIDATION_FAILED' : 'INVALID_CURSOR',
      requestId: expect.any(String),
    });
  });

  it.each([
    'limit=0',
    'limit=201',
    'limit=abc',
    'limit=1.5',
    'since=yesterday',
    'since=2026-13-45T00:00:00Z',
    'since=1700000000',
    'entityType=',
    'action=a&action=b',
    'unknown=1',
    `entityId=${'x'.repeat(201)}`,
  ])('bad filter %s is 400 VALIDATION_FAILED', async (query) => {
    const res = await env.call('GET', `/v1/audit-events?${query}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    expect(res.body.details.fields.length).toBeGreaterThan(0);
  });

  it('a valid cursor past the oldest event answers an empty last page', async () => {
    const res = await env.call('GET', `/v1/audit-events?cursor=${b64url('1')}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [], nextCursor: null });
  });
});
