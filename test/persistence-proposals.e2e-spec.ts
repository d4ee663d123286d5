import { randomUUID } from 'node:crypto';
import type { DataSource } from '@app/persistence';
import { createDataSource, TypeormProposalRepository, TypeormUnitOfWork } from '@app/persistence';
import { createTestDatabase, TestDatabase } from './support/database';
import {
  at,
  COMBINED,
  makeWorld,
  repositoriesOn,
  signatureOf,
  T0,
  World,
} from './support/persistence-fixtures';

/** The proposal aggregate's adapter against the real PostgreSQL: every conditional write applies once. */
describe('TypeormProposalRepository (real PostgreSQL)', () => {
  let db: TestDatabase;
  /** A wider pool, so concurrent calls really run side by side. */
  let wide: DataSource;
  let repos: ReturnType<typeof repositoriesOn>;
  let world: World;

  beforeAll(async () => {
    db = await createTestDatabase();
    wide = createDataSource(db.url, 20);
    await wide.initialize();
    repos = repositoriesOn(db.dataSource);
  });
  afterAll(async () => {
    await wide.destroy();
    await db.destroy();
  });
  beforeEach(async () => {
    await db.truncateAll();
    world = await makeWorld(db.dataSource);
  });

  const concurrently = <T>(n: number, call: (proposals: TypeormProposalRepository) => Promise<T>) =>
    Promise.all(Array.from({ length: n }, () => call(new TypeormProposalRepository(wide.manager))));
  const count = (values: unknown[], value: unknown) => values.filter((v) => v === value).length;

  /** Collecting -> quorum_reached -> submitted, the way the domain does it. */
  const submitted = async (): Promise<string> => {
    const id = await world.propose();
    expect(await repos.proposals.transition(id, ['collecting'], 'quorum_reached', {})).toBe(true);
    expect(
      await repos.proposals.transition(id, ['quorum_reached'], 'submitted', {
        ...COMBINED,
        submittedAt: at(10),
        submittedLedgerIndex: 50,
        lastSubmittedAt: at(10),
        lastSubmittedLedgerIndex: 50,
      }),
    ).toBe(true);
    return id;
  };

  describe('insert', () => {
    it('stores the proposal collecting and its requests queued, with the given ids and the lease', async () => {
      const requests = world.requestsFor();
      const result = await repos.proposals.insert(world.proposal(), requests, at(90));
      expect(result.inserted).toBe(true);
      const proposal = result.inserted ? result.proposal : null;
      expect(proposal).toMatchObject({
        state: 'collecting',
        submitAttempts: 0,
        closedAt: null,
        lastSubmittedAt: null,
      });
      const stored = await repos.proposals.requestsOf(proposal!.id);
      expect(stored.map((r) => r.id).sort()).toEqual(requests.map((r) => r.id).sort());
      for (const request of stored) {
        expect(request).toMatchObject({
          state: 'queued',
          attempt: 1,
          createAttempts: 0,
          nextAttemptAt: at(90),
        });
        expect(request.customIdentifier).toBe(requests.find((r) => r.id === request.id)!.customIdentifier);
      }
    });

    it('reports an Idempotency-Key or a Sequence conflict inside a unit of work, which stays usable', async () => {
      const uow = new TypeormUnitOfWork(db.dataSource);
      const outcome = await uow.run(async (tx) => {
        const first = await tx.proposals.insert(
          world.proposal({ sequence: 7, idempotencyKey: 'k1' }),
          [],
          T0,
        );
        const sameKey = await tx.proposals.insert(
          world.proposal({ sequence: 8, idempotencyKey: 'k1' }),
          [],
          T0,
        );
        const sameNumber = await tx.proposals.insert(
          world.proposal({ sequence: 7 }),
          world.requestsFor(),
          T0,
        );
        const sameTicket = [
          await tx.proposals.insert(world.proposal({ sequence: 0, ticketSequence: 40 }), [], T0),
          await tx.proposals.insert(
            world.proposal({ sequence: 0, ticketSequence: 40, idempotencyKey: 'k2' }),
            [],
            T0,
          ),
        ];
        await tx.audit.append(
          { type: 'system', id: null },
          { action: 'after', entityType: 't', entityId: 'x' },
        );
        return { first, sameKey, sameNumber, sameTicket };
      });
      expect(outcome.first.inserted).toBe(true);
      expect(outcome.sameKey).toEqual({ inserted: false, conflict: 'idempotency_key' });
      expect(outcome.sameNumber).toEqual({ inserted: false, conflict: 'number' });
      expect(outcome.sameTicket[0]!.inserted).toBe(true);
      expect(outcome.sameTicket[1]).toEqual({ inserted: false, conflict: 'number' });
      // Everything before and after the conflicts was committed; the refused inserts left nothing.
      expect(await repos.proposals.findByIdempotencyKey(world.apiKeyId, 'k1')).toMatchObject({ sequence: 7 });
      expect(await repos.audit.list({ action: 'after', limit: 5 })).toHaveLength(1);
      expect(await repos.proposals.list({ accountId: world.accountId, limit: 10 })).toHaveLength(2);
      expect(Number((await db.dataSource.query(`SELECT count(*) AS n FROM signature_requests`))[0].n)).toBe(
        0,
      );
    });

    it('lets exactly one of 10 concurrent inserts take a Sequence', async () => {
      const results = await concurrently(10, (proposals) =>
        proposals.insert(world.proposal({ sequence: 500 }), world.requestsFor(), T0),
      );
      expect(results.filter((r) => r.inserted)).toHaveLength(1);
      expect(results.filter((r) => !r.inserted && r.conflict === 'number')).toHaveLength(9);
    });

    it('a Sequence freed by a closed proposal can be taken again; heldNumbers lists the open ones', async () => {
      const closed = await world.propose({ sequence: 11 });
      await world.propose({ sequence: 12 });
      await world.propose({ sequence: 0, ticketSequence: 77 });
      expect(await repos.proposals.transition(closed, ['collecting'], 'cancelled', {})).toBe(true);
      expect(await repos.proposals.heldNumbers(world.accountId)).toEqual({ sequences: [12], tickets: [77] });
      await expect(world.propose({ sequence: 11 })).resolves.toEqual(expect.any(String));
    });
  });

  describe('transition and patch', () => {
    it('applies exactly once among 20 concurrent callers', async () => {
      const id = await world.propose();
      const results = await concurrently(20, (proposals) =>
        proposals.transition(id, ['collecting'], 'quorum_reached', {}),
      );
      expect(count(results, true)).toBe(1);
      expect(await repos.proposals.find(id)).toMatchObject({ state: 'quorum_reached', closedAt: null });
    });

    it('keeps closed_at in step with the state whatever the patch says', async () => {
      const [a, b, c] = [await world.propose(), await world.propose(), await world.propose()];
      expect(
        await repos.proposals.transition(a, ['collecting'], 'cancelled', {
          closedAt: at(5),
          finalReason: 'op',
        }),
      ).toBe(true);
      expect(await repos.proposals.find(a)).toMatchObject({
        state: 'cancelled',
        closedAt: at(5),
        finalReason: 'op',
      });
      expect(await repos.proposals.transition(b, ['collecting'], 'expired', {})).toBe(true);
      expect((await repos.proposals.find(b))!.closedAt).toBeInstanceOf(Date);
      expect(await repos.proposals.transition(c, ['collecting'], 'quorum_reached', { closedAt: at(5) })).toBe(
        true,
      );
      expect(await repos.proposals.transition(c, ['quorum_reached'], 'collecting', { closedAt: at(6) })).toBe(
        true,
      );
      expect(await repos.proposals.find(c)).toMatchObject({ state: 'collecting', closedAt: null });
    });

    it('refuses a proposal that is elsewhere, and moves updated_at on every write', async () => {
      const id = await world.propose();
      const before = (await repos.proposals.find(id))!.updatedAt;
      expect(await repos.proposals.transition(id, ['submitted', 'quorum_reached'], 'failed', {})).toBe(false);
      expect(await repos.proposals.transition(id, [], 'failed', {})).toBe(false);
      expect(await repos.proposals.patch(id, ['submitted'], { finalReason: 'no' })).toBe(false);
      expect(
        await repos.proposals.patch(id, ['collecting'], { finalReason: 'yes', instruction: undefined }),
      ).toBe(true);
      const after = (await repos.proposals.find(id))!;
      expect(after).toMatchObject({ state: 'collecting', finalReason: 'yes' });
      expect(after.updatedAt.getTime()).toBeGreaterThanOrEqual(before.getTime());
      expect(await repos.proposals.transition(randomUUID(), ['collecting'], 'cancelled', {})).toBe(false);
    });
  });

  describe('submission', () => {
    it('claimSubmission: one winner per attempt number among 10 concurrent callers', async () => {
      const id = await submitted();
      const first = await concurrently(10, (proposals) =>
        proposals.claimSubmission(id, 0, { lastSubmittedAt: at(20), lastSubmittedLedgerIndex: 51 }),
      );
      expect(count(first, true)).toBe(1);
      const second = await concurrently(10, (proposals) => proposals.claimSubmission(id, 1, {}));
      expect(count(second, true)).toBe(1);
      expect(await repos.proposals.find(id)).toMatchObject({
        submitAttempts: 2,
        lastSubmittedAt: at(20),
        lastSubmittedLedgerIndex: 51,
        submittedLedgerIndex: 50,
      });
    });

    it('recordSubmitResult: only for the latest claimed attempt', async () => {
      const id = await submitted();
      expect(await repos.proposals.claimSubmission(id, 0, {})).toBe(true);
      expect(await repos.proposals.recordSubmitResult(id, 1, 'terQUEUED')).toBe(true);
      expect(await repos.proposals.claimSubmission(id, 1, {})).toBe(true);
      expect(await repos.proposals.recordSubmitResult(id, 1, 'stale')).toBe(false);
      expect(await repos.proposals.recordSubmitResult(id, 2, 'tesSUCCESS')).toBe(true);
      expect((await repos.proposals.find(id))!.lastSubmitResult).toBe('tesSUCCESS');
      const collecting = await world.propose();
      expect(await repos.proposals.claimSubmission(collecting, 0, {})).toBe(false);
      expect(await repos.proposals.recordSubmitResult(collecting, 0, 'x')).toBe(false);
    });

    it('recordSubmitResult: the owner records its answer even when the proposal settled before it arrived', async () => {
      const id = await submitted();
      expect(await repos.proposals.claimSubmission(id, 0, {})).toBe(true);
      // Another process saw the transaction validated and settled it while our submit was in flight.
      expect(await repos.proposals.transition(id, ['submitted'], 'succeeded', { closedAt: new Date() })).toBe(
        true,
      );
      expect(await repos.proposals.recordSubmitResult(id, 1, 'tesSUCCESS')).toBe(true);
      expect((await repos.proposals.find(id))!).toMatchObject({
        state: 'succeeded',
        lastSubmitResult: 'tesSUCCESS',
      });
    });

    it('reclaimCombine: a stale quorum_reached proposal without a blob, once', async () => {
      const id = await world.propose();
      expect(await repos.proposals.transition(id, ['collecting'], 'quorum_reached', {})).toBe(true);
      const touched = (await repos.proposals.find(id))!.updatedAt;
      const staleBefore = new Date(touched.getTime() + 1000);
      const now = new Date(touched.getTime() + 2000);
      expect(await repos.proposals.reclaimCombine(id, touched, now)).toBe(false);
      const results = await concurrently(10, (proposals) => proposals.reclaimCombine(id, staleBefore, now));
      expect(count(results, true)).toBe(1);
      expect((await repos.proposals.find(id))!.updatedAt).toEqual(now);
      expect(await repos.proposals.patch(id, ['quorum_reached'], { combinedBlob: '12' })).toBe(true);
      expect(await repos.proposals.reclaimCombine(id, new Date(now.getTime() + 10_000), now)).toBe(false);
    });
  });

  describe('UnitOfWork.patchProposalAudited (the combined blob and its audit entry, one statement)', () => {
    const auditOf = async (id: string) =>
      db.dataSource.query<
        { action: string; actor_type: string; actor_id: string | null; details: unknown }[]
      >(`SELECT action, actor_type, actor_id, details FROM audit_events WHERE entity_id = $1 ORDER BY id`, [
        id,
      ]);

    it('writes the patch and its entry together for each of ten racing callers while the state allows it; neither once it moved on', async () => {
      const id = await world.propose();
      expect(await repos.proposals.transition(id, ['collecting'], 'quorum_reached', {})).toBe(true);
      const entry = {
        action: 'proposal.combined',
        entityType: 'proposal',
        entityId: id,
        details: { hash: 'AB', signers: ['rA', 'rB'] },
      };
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          new TypeormUnitOfWork(wide).patchProposalAudited(
            id,
            ['quorum_reached'],
            i === 0 ? COMBINED : { combinedHash: COMBINED.combinedHash },
            { type: 'api_key', id: `key-${i}` },
            entry,
          ),
        ),
      );
      // Each applies (the state still allows it), each with its own entry.
      expect(count(results, true)).toBe(10);
      expect(await auditOf(id)).toHaveLength(10);

      expect(await repos.proposals.transition(id, ['quorum_reached'], 'submitted', {})).toBe(true);
      const late = await new TypeormUnitOfWork(wide).patchProposalAudited(
        id,
        ['quorum_reached'],
        { combinedBlob: 'FF' },
        { type: 'worker', id: null },
        entry,
      );
      expect(late).toBe(false);
      expect((await repos.proposals.find(id))!.combinedBlob).toBe(COMBINED.combinedBlob);
      const audit = await auditOf(id);
      expect(audit).toHaveLength(10);
      expect(audit.map((row) => row.actor_id).sort()).toEqual(
        Array.from({ length: 10 }, (_, i) => `key-${i}`).sort(),
      );
      expect(audit[0]).toMatchObject({
        action: 'proposal.combined',
        actor_type: 'api_key',
        details: { hash: 'AB', signers: ['rA', 'rB'] },
      });
    });

    it('leaves the proposal untouched when the audit entry cannot be written', async () => {
      const id = await world.propose();
      expect(await repos.proposals.transition(id, ['collecting'], 'quorum_reached', {})).toBe(true);
      const failing = new TypeormUnitOfWork(wide).patchProposalAudited(
        id,
        ['quorum_reached'],
        COMBINED,
        { type: 'worker', id: null },
        // entity_type is NOT NULL: the INSERT fails, and the UPDATE of the same statement with it.
        { action: 'proposal.combined', entityType: null as unknown as string, entityId: id },
      );
      await expect(failing).rejects.toThrow();
      expect((await repos.proposals.find(id))!.combinedBlob).toBeNull();
      expect(await auditOf(id)).toHaveLength(0);
    });
  });

  describe('claimRequestForDispatch', () => {
    it('the creator claims its new requests inside the initial lease; others wait for the lease to end', async () => {
      const id = await world.propose({}, at(60));
      const [a, b] = await repos.proposals.requestsOf(id);
      expect(await repos.proposals.claimRequestForDispatch(a!.id, at(1), at(31), false)).toBeNull();
      const claimed = await repos.proposals.claimRequestForDispatch(a!.id, at(1), at(31), true);
      expect(claimed).toMatchObject({ id: a!.id, state: 'queued', createAttempts: 1, nextAttemptAt: at(31) });
      // Claimed once: `first` no longer helps, and the new lease holds until at(31).
      expect(await repos.proposals.claimRequestForDispatch(a!.id, at(2), at(32), true)).toBeNull();
      expect(await repos.proposals.claimRequestForDispatch(a!.id, at(30), at(32), false)).toBeNull();
      expect(await repos.proposals.claimRequestForDispatch(a!.id, at(31), at(61), false)).toMatchObject({
        createAttempts: 2,
        nextAttemptAt: at(61),
      });
      // A request nobody claimed is free once its initial lease passes.
      expect(await repos.proposals.claimRequestForDispatch(b!.id, at(60), at(90), false)).toMatchObject({
        createAttempts: 1,
      });
    });

    it('one of 10 concurrent claimers gets an expired lease; a request that left queued is never claimed', async () => {
      const id = await world.propose({}, at(60));
      const [a, b] = await repos.proposals.requestsOf(id);
      const results = await concurrently(10, (proposals) =>
        proposals.claimRequestForDispatch(a!.id, at(100), at(130), false),
      );
      expect(results.filter((r) => r !== null)).toHaveLength(1);
      expect(await repos.proposals.transitionRequest(b!.id, ['queued'], 'failed', { lastError: 'no' })).toBe(
        true,
      );
      expect(await repos.proposals.claimRequestForDispatch(b!.id, at(100), at(130), true)).toBeNull();
    });
  });

  describe('recordSignature', () => {
    const created = async (): Promise<{ proposalId: string; requestId: string }> => {
      const proposalId = await world.propose();
      const [request] = await repos.proposals.requestsOf(proposalId);
      expect(
        await repos.proposals.transitionRequest(request!.id, ['queued'], 'created', {
          xamanPayloadUuid: randomUUID(),
        }),
      ).toBe(true);
      return { proposalId, requestId: request!.id };
    };

    it('moves the request to signed and stores the signature together, once', async () => {
      const { proposalId, requestId } = await created();
      const request = { id: requestId, proposalId };
      const signer = world.signers[0]!;
      const patch = { blobHex: 'AB', blobTxid: 'CD', resolvedAt: at(9) };
      const results = await concurrently(5, (proposals) =>
        proposals.recordSignature(request, ['created', 'opened'], patch, signatureOf(signer)),
      );
      expect(count(results, true)).toBe(1);
      expect(await repos.proposals.findRequest(requestId)).toMatchObject({ state: 'signed', ...patch });
      expect(await repos.proposals.signaturesOf(proposalId)).toEqual([
        expect.objectContaining({ signatureRequestId: requestId, signerAddress: signer.address, weight: 1 }),
      ]);
      await repos.proposals.removeSignature(proposalId, signer.address);
      expect(await repos.proposals.signaturesOf(proposalId)).toEqual([]);
    });

    it('leaves the request as it was when the signature cannot be stored', async () => {
      const { proposalId, requestId } = await created();
      const bad = { ...signatureOf(world.signers[0]!), signingPubKey: 'not hex' };
      await expect(
        repos.proposals.recordSignature({ id: requestId, proposalId }, ['created'], { blobHex: 'AB' }, bad),
      ).rejects.toThrow(/check constraint/);
      expect(await repos.proposals.findRequest(requestId)).toMatchObject({ state: 'created', blobHex: null });
      expect(await repos.proposals.signaturesOf(proposalId)).toEqual([]);
    });

    it('joins the unit of work it runs in: a failure later in the work undoes both writes', async () => {
      const { proposalId, requestId } = await created();
      const uow = new TypeormUnitOfWork(db.dataSource);
      await expect(
        uow.run(async (tx) => {
          expect(
            await tx.proposals.recordSignature(
              { id: requestId, proposalId },
              ['created'],
              {},
              signatureOf(world.signers[0]!),
            ),
          ).toBe(true);
          throw new Error('later step failed');
        }),
      ).rejects.toThrow('later step failed');
      expect((await repos.proposals.findRequest(requestId))!.state).toBe('created');
      expect(await repos.proposals.signaturesOf(proposalId)).toEqual([]);
    });
  });

  describe('due work', () => {
    /** A proposal in `state` whose requests are in `requestStates` with `next_attempt_at` values. */
    const proposalWith = async (
      state: 'collecting' | 'quorum_reached' | 'cancelled' | 'expired',
      requests: { state: 'queued' | 'created' | 'opened' | 'signed' | 'cancelled'; next: Date | null }[],
    ): Promise<string[]> => {
      const proposalId = await world.propose();
      const stored = await repos.proposals.requestsOf(proposalId);
      const ids: string[] = [];
      for (const [i, wanted] of requests.entries()) {
        const request = stored[i]!;
        await db.dataSource.query(
          `UPDATE signature_requests SET state = $2, next_attempt_at = $3,
             xaman_payload_uuid = CASE WHEN $2 IN ('queued', 'cancelled') THEN NULL ELSE gen_random_uuid() END
           WHERE id = $1`,
          [request.id, wanted.state, wanted.next],
        );
        ids.push(request.id);
      }
      if (state !== 'collecting') {
        expect(await repos.proposals.transition(proposalId, ['collecting'], state, {})).toBe(true);
      }
      return ids;
    };

    it('requestsToWithdraw: the live requests of proposals that left collecting (and quorum_reached), due at `now`, oldest first', async () => {
      const now = at(100);
      await proposalWith('collecting', [
        { state: 'queued', next: null },
        { state: 'created', next: at(1) },
        { state: 'opened', next: null },
      ]);
      const [queuedLeased, createdNoRetry, openedLater] = await proposalWith('cancelled', [
        { state: 'queued', next: at(500) },
        { state: 'created', next: null },
        { state: 'opened', next: at(101) },
      ]);
      const [openedDue, signed, cancelled] = await proposalWith('expired', [
        { state: 'opened', next: at(100) },
        { state: 'signed', next: null },
        { state: 'cancelled', next: null },
      ]);
      // A quorum being combined: its winner withdraws the other payloads, not the worker.
      const [combining] = await proposalWith('quorum_reached', [{ state: 'opened', next: null }]);
      const found = await repos.proposals.requestsToWithdraw(now, 10);
      expect(found.map((r) => r.id)).toEqual([createdNoRetry, openedDue, queuedLeased]);
      expect(found.map((r) => r.id)).not.toEqual(
        expect.arrayContaining([openedLater, signed, cancelled, combining]),
      );
      expect(found[1]).toMatchObject({
        state: 'opened',
        nextAttemptAt: at(100),
        xamanPayloadUuid: expect.any(String),
      });
      expect((await repos.proposals.requestsToWithdraw(now, 1)).map((r) => r.id)).toEqual([createdNoRetry]);
    });

    it('dueQueuedRequests and claimRequestsNotSeenSince use the times they are given', async () => {
      const [neverLeased, due, later] = await proposalWith('collecting', [
        { state: 'queued', next: null },
        { state: 'queued', next: at(10) },
        { state: 'queued', next: at(11) },
      ]);
      expect(await repos.proposals.dueQueuedRequests(at(10), 10)).toEqual([neverLeased, due]);
      expect(await repos.proposals.dueQueuedRequests(at(11), 10)).toEqual([neverLeased, due, later]);
      const [open] = await proposalWith('collecting', [{ state: 'opened', next: null }]);
      await repos.proposals.touchRequest(open!, at(50));
      expect((await repos.proposals.claimRequestsNotSeenSince(at(50), at(60), 10)).map((r) => r.id)).toEqual(
        [],
      );
      expect((await repos.proposals.claimRequestsNotSeenSince(at(51), at(60), 10)).map((r) => r.id)).toEqual([
        open,
      ]);
      // Claimed: marked checked at 60, so not due again before then.
      expect(await repos.proposals.claimRequestsNotSeenSince(at(51), at(61), 10)).toEqual([]);
      expect((await repos.proposals.findRequest(open!))!.updatedAt).toEqual(at(60));
    });

    it('claimRequestsNotSeenSince: concurrent pollers never take the same payload', async () => {
      const opened = { state: 'opened' as const, next: null };
      const ids = [
        ...(await proposalWith('collecting', [opened, opened, opened])),
        ...(await proposalWith('collecting', [opened, opened, opened])),
      ];
      for (const id of ids) await repos.proposals.touchRequest(id, at(1));
      const claims = await concurrently(4, (proposals) =>
        proposals.claimRequestsNotSeenSince(at(50), at(60), 1),
      );
      const taken = claims.flatMap((c) => c.map((r) => r.id));
      expect(new Set(taken).size).toBe(taken.length);
      expect(taken.length).toBeGreaterThan(0);
    });

    it('dueForExpiry: collecting proposals past their deadline or LastLedgerSequence', async () => {
      const pastDeadline = await world.propose({ deadline: at(10), lastLedgerSequence: 900 });
      const pastLedger = await world.propose({ deadline: at(500), lastLedgerSequence: 99 });
      await world.propose({ deadline: at(500), lastLedgerSequence: 900 });
      const quorum = await world.propose({ deadline: at(10), lastLedgerSequence: 99 });
      expect(await repos.proposals.transition(quorum, ['collecting'], 'quorum_reached', {})).toBe(true);
      const due = await repos.proposals.dueForExpiry(at(100), 100, 10);
      expect(due.map((p) => p.id)).toEqual([pastDeadline, pastLedger]);
    });

    it('dueForExpiry claims: two units of work at once never take the same proposal', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) ids.push(await world.propose({ deadline: at(i), lastLedgerSequence: 900 }));
      const uow = new TypeormUnitOfWork(wide);
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let firstClaimed!: (ids: string[]) => void;
      const firstDone = new Promise<string[]>((resolve) => (firstClaimed = resolve));
      const first = uow.run(async (tx) => {
        const due = await tx.proposals.dueForExpiry(at(100), 0, 4);
        firstClaimed(due.map((p) => p.id));
        await held; // keeps its rows locked while the second claims
      });
      const a = await firstDone;
      const b = await uow.run(async (tx) =>
        (await tx.proposals.dueForExpiry(at(100), 0, 4)).map((p) => p.id),
      );
      release();
      await first;
      expect(a).toEqual(ids.slice(0, 4));
      expect(b).toEqual(ids.slice(4));
    });

    it('transitionMany moves only the proposals still in a `from` state, and returns them changed', async () => {
      const [one, two, three] = [await world.propose(), await world.propose(), await world.propose()];
      expect(await repos.proposals.transition(three, ['collecting'], 'cancelled', {})).toBe(true);
      const moved = await repos.proposals.transitionMany([one, two, three], ['collecting'], 'expired', {
        finalReason: 'deadline',
      });
      expect(moved.map((p) => [p.id, p.state, p.finalReason, p.closedAt !== null]).sort()).toEqual(
        [
          [one, 'expired', 'deadline', true],
          [two, 'expired', 'deadline', true],
        ].sort(),
      );
      expect((await repos.proposals.find(three))!.state).toBe('cancelled');
      expect(await repos.proposals.transitionMany([one], ['collecting'], 'expired', {})).toEqual([]);
    });

    it('inStates (least recently updated first), awaitingCombine and list (keyset, newest first)', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(await world.propose());
      expect(await repos.proposals.transition(ids[1]!, ['collecting'], 'quorum_reached', {})).toBe(true);
      expect(await repos.proposals.patch(ids[3]!, ['collecting'], { instruction: 'touched' })).toBe(true);
      const collecting = await repos.proposals.inStates(['collecting'], 10, world.accountId);
      expect(collecting.map((p) => p.id)).toEqual([ids[0], ids[2], ids[4], ids[3]]);
      expect(await repos.proposals.inStates(['collecting'], 10, randomUUID())).toEqual([]);

      // Two signatures of weight 1 reach quorum 2 on ids[0]; one does not on ids[2].
      for (const [proposalId, signers] of [
        [ids[0]!, world.signers.slice(0, 2)],
        [ids[2]!, world.signers.slice(0, 1)],
      ] as const) {
        const requests = await repos.proposals.requestsOf(proposalId);
        for (const signer of signers) {
          const request = requests.find((r) => r.signerId === signer.id)!;
          await repos.proposals.transitionRequest(request.id, ['queued'], 'created', {
            xamanPayloadUuid: randomUUID(),
          });
          await repos.proposals.recordSignature(request, ['created'], {}, signatureOf(signer));
        }
      }
      expect(await repos.proposals.awaitingCombine(10)).toEqual([ids[0]]);

      const page1 = await repos.proposals.list({ accountId: world.accountId, limit: 2 });
      const last = page1[1]!;
      const page2 = await repos.proposals.list({
        accountId: world.accountId,
        limit: 10,
        after: { createdAt: last.createdAt, id: last.id },
      });
      const all = await repos.proposals.list({ limit: 10 });
      expect([...page1, ...page2].map((p) => p.id)).toEqual(all.map((p) => p.id));
      expect(all).toHaveLength(5);
      expect(await repos.proposals.list({ state: 'quorum_reached', limit: 10 })).toEqual([
        expect.objectContaining({ id: ids[1] }),
      ]);
      const sorted = [...all].sort(
        (x, y) => y.createdAt.getTime() - x.createdAt.getTime() || (y.id < x.id ? -1 : y.id > x.id ? 1 : 0),
      );
      expect(all.map((p) => p.id)).toEqual(sorted.map((p) => p.id));
    });

    it('findByIdempotencyKey finds by creator and key; findRequestByPayload by payload', async () => {
      const id = await world.propose({ idempotencyKey: 'abc' });
      expect(await repos.proposals.findByIdempotencyKey(world.apiKeyId, 'abc')).toMatchObject({ id });
      expect(await repos.proposals.findByIdempotencyKey(null, 'abc')).toBeNull();
      const [request] = await repos.proposals.requestsOf(id);
      const payload = randomUUID();
      await repos.proposals.transitionRequest(request!.id, ['queued'], 'created', {
        xamanPayloadUuid: payload,
      });
      expect(await repos.proposals.findRequestByPayload(payload)).toMatchObject({
        id: request!.id,
        state: 'created',
      });
    });
  });
});
