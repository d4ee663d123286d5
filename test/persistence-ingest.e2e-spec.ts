import { randomUUID } from 'node:crypto';
import type { DataSource } from '@app/persistence';
import {
  createDataSource,
  TypeormProposalRepository,
  TypeormUnitOfWork,
  TypeormWebhookRepository,
} from '@app/persistence';
import type { SignatureAcceptance, SignatureAcceptanceOutcome } from '@app/domain';
import { webhookEvent, XAMAN_ACTOR } from '@app/domain';
import { createTestDatabase, TestDatabase } from './support/database';
import { at, makeWorld, repositoriesOn, signatureOf, World } from './support/persistence-fixtures';

/**
 * `TypeormUnitOfWork.acceptSignature` against the real PostgreSQL: concurrent acceptances are
 * written in batches, and however they are grouped, across processes too, every signature is
 * stored once and exactly one of those that complete a quorum claims it.
 */
describe('signature ingest: payload claims and batched acceptance (real PostgreSQL)', () => {
  let db: TestDatabase;
  let wide: DataSource;
  let other: DataSource;
  let repos: ReturnType<typeof repositoriesOn>;
  let world: World;

  beforeAll(async () => {
    db = await createTestDatabase();
    wide = createDataSource(db.url, 10);
    other = createDataSource(db.url, 10);
    await Promise.all([wide.initialize(), other.initialize()]);
    repos = repositoriesOn(db.dataSource);
  });
  afterAll(async () => {
    await Promise.all([wide.destroy(), other.destroy()]);
    await db.destroy();
  });
  beforeEach(async () => {
    await db.truncateAll();
    world = await makeWorld(db.dataSource);
  });

  /** A proposal (quorum `quorum`) whose requests all have a payload at Xaman. */
  const proposalWithPayloads = async (quorum = 2): Promise<{ proposalId: string; requestIds: string[] }> => {
    const proposalId = await world.propose({ signerQuorum: quorum });
    const requests = await repos.proposals.requestsOf(proposalId);
    for (const request of requests) {
      expect(
        await repos.proposals.transitionRequest(request.id, ['queued'], 'created', {
          xamanPayloadUuid: randomUUID(),
        }),
      ).toBe(true);
    }
    return { proposalId, requestIds: requests.map((r) => r.id) };
  };

  const acceptance = (
    proposalId: string,
    requestId: string,
    signerIndex: number,
    now = at(10),
  ): SignatureAcceptance => {
    const signer = world.signers[signerIndex]!;
    return {
      request: { id: requestId, proposalId },
      from: ['created', 'opened'],
      patch: { blobHex: 'AB', blobTxid: null, resolvedAt: now },
      signature: signatureOf(signer),
      actor: XAMAN_ACTOR,
      now,
      audit: [{ action: 'signature.accepted', entityType: 'proposal', entityId: proposalId }],
      events: [webhookEvent('signature.accepted', proposalId, { signer: signer.address }, now)],
      tooLate: (state) => ({
        refusalDetail: `arrived while ${state}`,
        audit: [{ action: 'signature_request.signed', entityType: 'proposal', entityId: proposalId }],
        events: [],
      }),
      onQuorum: (proposal) => ({
        audit: [{ action: 'proposal.quorum_reached', entityType: 'proposal', entityId: proposal.id }],
        events: [webhookEvent('proposal.quorum_reached', proposal.id, { state: proposal.state }, now)],
      }),
    };
  };

  const auditActions = async (proposalId: string): Promise<string[]> =>
    (
      await db.dataSource.query<{ action: string }[]>(
        `SELECT action FROM audit_events WHERE entity_id = $1 ORDER BY id`,
        [proposalId],
      )
    ).map((r) => r.action);

  const claims = (outcomes: SignatureAcceptanceOutcome[]) =>
    outcomes.filter((o) => o.stored && o.quorumClaimed !== null);

  it('stores every signature of a burst and lets exactly one claim the quorum, in one process', async () => {
    const proposals = await Promise.all(Array.from({ length: 6 }, () => proposalWithPayloads(3)));
    const uow = new TypeormUnitOfWork(wide);
    const outcomes = await Promise.all(
      proposals.flatMap(({ proposalId, requestIds }) =>
        requestIds.map((requestId, i) => uow.acceptSignature(acceptance(proposalId, requestId, i))),
      ),
    );
    expect(outcomes.every((o) => o.stored)).toBe(true);
    expect(claims(outcomes)).toHaveLength(6);
    for (const { proposalId } of proposals) {
      expect(await repos.proposals.find(proposalId)).toMatchObject({
        state: 'quorum_reached',
        quorumReachedAt: at(10),
      });
      expect(await repos.proposals.signaturesOf(proposalId)).toHaveLength(3);
      const actions = await auditActions(proposalId);
      expect(actions.filter((a) => a === 'signature.accepted')).toHaveLength(3);
      // The claim's trail comes after the signatures it counted.
      expect(actions.at(-1)).toBe('proposal.quorum_reached');
    }
  });

  it('claims once across two processes racing on the same proposals', async () => {
    const proposals = await Promise.all(Array.from({ length: 8 }, () => proposalWithPayloads(2)));
    const first = new TypeormUnitOfWork(wide);
    const second = new TypeormUnitOfWork(other);
    const outcomes = await Promise.all(
      proposals.flatMap(({ proposalId, requestIds }) =>
        requestIds.map((requestId, i) =>
          (i % 2 === 0 ? first : second).acceptSignature(acceptance(proposalId, requestId, i)),
        ),
      ),
    );
    expect(outcomes.filter((o) => o.stored)).toHaveLength(24);
    expect(claims(outcomes)).toHaveLength(8);
    const claimed = claims(outcomes).map((o) => (o.stored ? o.quorumClaimed!.id : ''));
    expect(new Set(claimed).size).toBe(8);
    for (const { proposalId } of proposals) {
      const actions = await auditActions(proposalId);
      expect(actions.filter((a) => a === 'proposal.quorum_reached')).toHaveLength(1);
    }
  });

  it('stores a request once when the same acceptance arrives twice at once', async () => {
    const { proposalId, requestIds } = await proposalWithPayloads(3);
    const uow = new TypeormUnitOfWork(wide);
    const outcomes = await Promise.all(
      Array.from({ length: 4 }, () => uow.acceptSignature(acceptance(proposalId, requestIds[0]!, 0))),
    );
    expect(outcomes.filter((o) => o.stored)).toHaveLength(1);
    expect(await repos.proposals.signaturesOf(proposalId)).toHaveLength(1);
    expect((await auditActions(proposalId)).filter((a) => a === 'signature.accepted')).toHaveLength(1);
  });

  it('does not claim a quorum past the deadline, nor of a proposal that left collecting', async () => {
    const late = await proposalWithPayloads(1);
    const closed = await proposalWithPayloads(1);
    expect(await repos.proposals.transition(closed.proposalId, ['collecting'], 'cancelled', {})).toBe(true);
    const uow = new TypeormUnitOfWork(wide);
    const outcomes = await Promise.all([
      uow.acceptSignature(acceptance(late.proposalId, late.requestIds[0]!, 0, at(3600))),
      uow.acceptSignature(acceptance(closed.proposalId, closed.requestIds[0]!, 0)),
    ]);
    expect(outcomes).toEqual([
      { stored: true, counted: true, quorumClaimed: null },
      { stored: true, counted: false, quorumClaimed: null },
    ]);
    expect((await repos.proposals.find(late.proposalId))!.state).toBe('collecting');
    expect((await repos.proposals.find(closed.proposalId))!.state).toBe('cancelled');
    // Too late to count: the blob is kept on its signed request, no signature row, its own trail.
    expect(await repos.proposals.findRequest(closed.requestIds[0]!)).toMatchObject({
      state: 'signed',
      blobHex: 'AB',
      refusalDetail: 'arrived while cancelled',
    });
    expect(await repos.proposals.signaturesOf(closed.proposalId)).toEqual([]);
    expect(await auditActions(closed.proposalId)).toEqual(['signature_request.signed']);
  });

  it('answers not stored for a request that moved on, and writes nothing for it', async () => {
    const { proposalId, requestIds } = await proposalWithPayloads(3);
    expect(await repos.proposals.transitionRequest(requestIds[0]!, ['created'], 'rejected', {})).toBe(true);
    const uow = new TypeormUnitOfWork(wide);
    expect(await uow.acceptSignature(acceptance(proposalId, requestIds[0]!, 0))).toEqual({ stored: false });
    expect(await repos.proposals.signaturesOf(proposalId)).toEqual([]);
    expect(await auditActions(proposalId)).toEqual([]);
  });

  it('fails only the bad acceptance of a batch: the others are written alone', async () => {
    const { proposalId, requestIds } = await proposalWithPayloads(3);
    const uow = new TypeormUnitOfWork(wide);
    const bad = acceptance(proposalId, requestIds[1]!, 1);
    bad.signature = { ...bad.signature, signingPubKey: 'not hex' };
    const outcomes = await Promise.allSettled([
      uow.acceptSignature(acceptance(proposalId, requestIds[0]!, 0)),
      uow.acceptSignature(bad),
      uow.acceptSignature(acceptance(proposalId, requestIds[2]!, 2)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await repos.proposals.findRequest(requestIds[1]!))!.state).toBe('created');
    expect((await repos.proposals.signaturesOf(proposalId)).map((s) => s.signerAddress).sort()).toEqual(
      [world.signers[0]!.address, world.signers[2]!.address].sort(),
    );
  });

  it('lets one of many concurrent callers, across processes, claim a payload; a later one asks it to read again', async () => {
    const { requestIds } = await proposalWithPayloads(3);
    const uuid = (await repos.proposals.findRequest(requestIds[0]!))!.xamanPayloadUuid!;
    const claims = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        new TypeormProposalRepository((i % 2 ? wide : other).manager).claimPayload(uuid, at(10), at(20)),
      ),
    );
    expect(claims.filter((c) => c.kind === 'claimed')).toHaveLength(1);
    expect(claims.filter((c) => c.kind === 'busy')).toHaveLength(11);
    const claimed = claims.find((c) => c.kind === 'claimed');
    expect(claimed).toMatchObject({ kind: 'claimed', request: { id: requestIds[0], state: 'created' } });
    // The proposal comes with the claim, exactly as a find reads it.
    const { proposalId } = (await repos.proposals.findRequest(requestIds[0]!))!;
    expect((claimed as { proposal: unknown }).proposal).toEqual(await repos.proposals.find(proposalId));
    // The lease stays out of the record.
    expect(Object.keys((claimed as { request: object }).request)).not.toContain('resolveLeaseUntil');
    // A claim that finds the lease held (its row not locked at that instant) asks for another read.
    expect(await repos.proposals.claimPayload(uuid, at(10), at(20))).toEqual({ kind: 'busy' });
    expect(await repos.proposals.releasePayload(requestIds[0]!)).toBe(true);
    expect(await repos.proposals.releasePayload(requestIds[0]!)).toBe(false);
    expect((await repos.proposals.claimPayload(uuid, at(11), at(21))).kind).toBe('claimed');
    // Held until 21: busy before, free after (a holder that died is replaced).
    expect((await repos.proposals.claimPayload(uuid, at(20), at(30))).kind).toBe('busy');
    expect((await repos.proposals.claimPayload(uuid, at(21), at(31))).kind).toBe('claimed');
  });

  it('claims a burst of payloads in batches: each once, in either case, with its own proposal', async () => {
    const proposals = await Promise.all(Array.from({ length: 5 }, () => proposalWithPayloads(3)));
    const requests = await Promise.all(
      proposals.flatMap(({ requestIds }) =>
        requestIds.map(async (id) => (await repos.proposals.findRequest(id))!),
      ),
    );
    const claimer = new TypeormProposalRepository(wide.manager);
    const claims = await Promise.all(
      requests.flatMap((r, i) => [
        claimer.claimPayload(i % 2 ? r.xamanPayloadUuid!.toUpperCase() : r.xamanPayloadUuid!, at(10), at(20)),
        claimer.claimPayload(r.xamanPayloadUuid!, at(10), at(20)),
      ]),
    );
    for (const [i, request] of requests.entries()) {
      const pair = [claims[2 * i]!, claims[2 * i + 1]!];
      expect(pair.map((c) => c.kind).sort()).toEqual(['busy', 'claimed']);
      const won = pair.find((c) => c.kind === 'claimed') as {
        request: { id: string };
        proposal: { id: string };
      };
      expect(won.request.id).toBe(request.id);
      expect(won.proposal.id).toBe(request.proposalId);
    }
  });

  it('answers busy, without waiting, for a live request whose row another transaction holds', async () => {
    const { requestIds } = await proposalWithPayloads(3);
    const uuid = (await repos.proposals.findRequest(requestIds[0]!))!.xamanPayloadUuid!;
    const runner = wide.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      await runner.query(`SELECT 1 FROM signature_requests WHERE id = $1 FOR UPDATE`, [requestIds[0]]);
      expect(await repos.proposals.claimPayload(uuid, at(10), at(20))).toEqual({ kind: 'busy' });
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
    expect((await repos.proposals.claimPayload(uuid, at(10), at(20))).kind).toBe('claimed');
  });

  it('answers settled for a request no longer live, and unknown for a payload no request has', async () => {
    const { requestIds } = await proposalWithPayloads(3);
    const uuid = (await repos.proposals.findRequest(requestIds[0]!))!.xamanPayloadUuid!;
    expect(await repos.proposals.transitionRequest(requestIds[0]!, ['created'], 'rejected', {})).toBe(true);
    expect(await repos.proposals.claimPayload(uuid, at(10), at(20))).toEqual({ kind: 'settled' });
    expect(await repos.proposals.claimPayload(randomUUID(), at(10), at(20))).toEqual({ kind: 'unknown' });
  });

  it('moves requests named by their payloads in one statement, each once', async () => {
    const { requestIds } = await proposalWithPayloads(3);
    const uuids = await Promise.all(
      requestIds.map(async (id) => (await repos.proposals.findRequest(id))!.xamanPayloadUuid!),
    );
    const first = await repos.proposals.transitionRequestsByPayload(
      [uuids[0]!, uuids[1]!, randomUUID()],
      ['created'],
      'opened',
    );
    expect(first.map((r) => r.id).sort()).toEqual([requestIds[0]!, requestIds[1]!].sort());
    expect(first.every((r) => r.state === 'opened')).toBe(true);
    expect(await repos.proposals.transitionRequestsByPayload(uuids, ['created'], 'opened')).toEqual([
      expect.objectContaining({ id: requestIds[2]!, state: 'opened' }),
    ]);
    expect(await repos.proposals.transitionRequestsByPayload(uuids, ['created'], 'opened')).toEqual([]);
  });

  it('writes the outbox events of subscribed types, the claim after the signatures', async () => {
    const hooks = new TypeormWebhookRepository(db.dataSource.manager);
    await hooks.insertSubscription(
      {
        url: 'http://127.0.0.1:1/hooks',
        events: ['signature.accepted', 'proposal.quorum_reached'],
        description: null,
        secretCiphertext: 'v1.x.y.z',
        createdBy: null,
      },
      at(0),
    );
    const { proposalId, requestIds } = await proposalWithPayloads(2);
    const uow = new TypeormUnitOfWork(wide);
    await Promise.all(
      requestIds.slice(0, 2).map((id, i) => uow.acceptSignature(acceptance(proposalId, id, i))),
    );
    const rows = await db.dataSource.query<{ type: string }[]>(
      `SELECT type FROM webhook_events WHERE ordering_key = $1 ORDER BY sequence`,
      [proposalId],
    );
    expect(rows.map((r) => r.type)).toEqual([
      'signature.accepted',
      'signature.accepted',
      'proposal.quorum_reached',
    ]);
  });
});
