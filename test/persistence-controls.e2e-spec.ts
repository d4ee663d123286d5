import { randomUUID } from 'node:crypto';
import type { DataSource } from '@app/persistence';
import { createDataSource, TypeormPolicyRepository, TypeormProposalRepository } from '@app/persistence';
import { DEFAULT_POLICY_RULES } from '@app/domain';
import { createTestDatabase, TestDatabase } from './support/database';
import { at, COMBINED, makeWorld, repositoriesOn, World } from './support/persistence-fixtures';

/** The treasury controls' SQL on a real PostgreSQL: outflow sums, releases, reminders, policy versions. */
describe('treasury controls persistence (real PostgreSQL)', () => {
  let db: TestDatabase;
  let wide: DataSource;
  let repos: ReturnType<typeof repositoriesOn>;
  let policies: TypeormPolicyRepository;
  let world: World;

  beforeAll(async () => {
    db = await createTestDatabase();
    wide = createDataSource(db.url, 10);
    await wide.initialize();
    repos = repositoriesOn(db.dataSource);
    policies = new TypeormPolicyRepository(db.dataSource.manager);
  });
  afterAll(async () => {
    await wide.destroy();
    await db.destroy();
  });
  beforeEach(async () => {
    await db.truncateAll();
    world = await makeWorld(db.dataSource);
  });

  /** Sets created_at (the adapter takes the database's now() on insert). */
  const createdAt = (id: string, when: Date) =>
    db.dataSource.query(`UPDATE proposals SET created_at = $2 WHERE id = $1`, [id, when]);

  describe('outflow', () => {
    it('sums amounts and fees of the proposals in the given states created since T, exactly', async () => {
      const big = await world.propose({ xrpOutDrops: '90000000000000000', feeDrops: 30 });
      const small = await world.propose({ xrpOutDrops: '7', feeDrops: 40 });
      const old = await world.propose({ xrpOutDrops: '1000', feeDrops: 50 });
      const cancelled = await world.propose({ xrpOutDrops: '500', feeDrops: 60 });
      await createdAt(big, at(100));
      await createdAt(small, at(200));
      await createdAt(old, at(10));
      await createdAt(cancelled, at(150));
      expect(await repos.proposals.transition(cancelled, ['collecting'], 'cancelled', {})).toBe(true);

      expect(await repos.proposals.outflow(world.accountId, ['collecting'], at(50))).toEqual({
        amountDrops: 90000000000000007n,
        feeDrops: 70n,
      });
      expect(await repos.proposals.outflow(world.accountId, ['collecting'], null)).toEqual({
        amountDrops: 90000000000001007n,
        feeDrops: 120n,
      });
      expect(await repos.proposals.outflow(world.accountId, ['collecting', 'cancelled'], at(150))).toEqual({
        amountDrops: 507n,
        feeDrops: 100n,
      });
      expect(await repos.proposals.outflow(randomUUID(), ['collecting'], null)).toEqual({
        amountDrops: 0n,
        feeDrops: 0n,
      });
      expect(await repos.proposals.outflow(world.accountId, [], null)).toEqual({
        amountDrops: 0n,
        feeDrops: 0n,
      });
    });
  });

  describe('time_locked', () => {
    const lock = async (releasesAt: Date): Promise<string> => {
      const id = await world.propose();
      expect(await repos.proposals.transition(id, ['collecting'], 'quorum_reached', {})).toBe(true);
      expect(await repos.proposals.patch(id, ['quorum_reached'], COMBINED)).toBe(true);
      expect(await repos.proposals.transition(id, ['quorum_reached'], 'time_locked', { releasesAt })).toBe(
        true,
      );
      return id;
    };

    it('is open: it keeps its number and no closed_at; dueForRelease finds it only once the lock ended', async () => {
      const early = await lock(at(100));
      const late = await lock(at(300));
      expect((await repos.proposals.find(early))!.closedAt).toBeNull();
      const held = await repos.proposals.heldNumbers(world.accountId);
      expect(held.sequences).toHaveLength(2);
      expect((await repos.proposals.dueForRelease(at(99), 10)).map((p) => p.id)).toEqual([]);
      expect((await repos.proposals.dueForRelease(at(300), 10)).map((p) => p.id)).toEqual([early, late]);
    });

    it('leaves the lock to exactly one of 10 racing releases', async () => {
      const id = await lock(at(100));
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          new TypeormProposalRepository(wide.manager).transition(id, ['time_locked'], 'submitted', {
            submitAttempts: 1,
          }),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });
  });

  describe('reminders', () => {
    it('finds the latest unopened attempt of collecting proposals only, and adds one attempt once', async () => {
      const id = await world.propose({}, at(0));
      const requests = await repos.proposals.requestsOf(id);
      for (const r of requests) {
        await repos.proposals.transitionRequest(r.id, ['queued'], 'created', {
          xamanPayloadUuid: randomUUID(),
        });
      }
      await db.dataSource.query(`UPDATE signature_requests SET created_at = $1`, [at(0)]);
      const [first, second] = requests;
      await repos.proposals.transitionRequest(second!.id, ['created'], 'opened', {});

      const due = await repos.proposals.dueForReminder(at(10), 2, 10);
      expect(due.map((r) => r.id).sort()).toEqual(
        requests
          .filter((r) => r.id !== second!.id)
          .map((r) => r.id)
          .sort(),
      );
      expect(await repos.proposals.dueForReminder(at(0), 2, 10)).toEqual([]);

      const next = () => ({ id: randomUUID(), customIdentifier: randomUUID().slice(0, 30) });
      const added = await Promise.all(
        Array.from({ length: 5 }, () =>
          new TypeormProposalRepository(wide.manager).addRequestAttempt(first!, next(), at(20)),
        ),
      );
      expect(added.filter(Boolean)).toHaveLength(1);
      const attempts = (await repos.proposals.requestsOf(id)).filter(
        (r) => r.signerAddress === first!.signerAddress,
      );
      expect(attempts.map((r) => [r.attempt, r.state])).toEqual([
        [1, 'created'],
        [2, 'queued'],
      ]);
      // The first attempt is no longer the latest: not due again. Nor is anything of a closed proposal.
      expect((await repos.proposals.dueForReminder(at(10), 2, 10)).map((r) => r.signerAddress)).not.toContain(
        first!.signerAddress,
      );
      expect(await repos.proposals.transition(id, ['collecting'], 'cancelled', {})).toBe(true);
      expect(await repos.proposals.dueForReminder(at(10), 2, 10)).toEqual([]);
    });
  });

  describe('policies', () => {
    it('appends versions; of racing changes exactly one takes a version', async () => {
      expect(await policies.current(world.accountId)).toBeNull();
      const first = await policies.append(world.accountId, 0, DEFAULT_POLICY_RULES, world.apiKeyId);
      expect(first).toMatchObject({ version: 1, rules: DEFAULT_POLICY_RULES, createdBy: world.apiKeyId });
      const racing = await Promise.all(
        Array.from({ length: 8 }, (_v, i) =>
          new TypeormPolicyRepository(wide.manager).append(
            world.accountId,
            1,
            { ...DEFAULT_POLICY_RULES, maxTicketCount: i + 1 },
            null,
          ),
        ),
      );
      expect(racing.filter((r) => r !== null)).toHaveLength(1);
      expect((await policies.current(world.accountId))!.version).toBe(2);
      expect((await policies.history(world.accountId)).map((p) => p.version)).toEqual([2, 1]);
      expect((await policies.version(world.accountId, 1))!.rules).toEqual(DEFAULT_POLICY_RULES);
    });
  });
});
