import { randomUUID } from 'node:crypto';
import { Test } from '@nestjs/testing';
import type { DataSource } from '@app/persistence';
import {
  createDataSource,
  PersistenceModule,
  TypeormAccountRepository,
  TypeormApiKeyRepository,
  TypeormAuditRepository,
  TypeormDatabaseHealth,
  TypeormProposalRepository,
  TypeormUnitOfWork,
  TypeormWebhookReceiptRepository,
} from '@app/persistence';
import {
  AccountRepository,
  ApiKeyRepository,
  AuditRepository,
  DatabaseHealth,
  ProposalRepository,
  SignerRecord,
  UnitOfWork,
  WebhookReceiptRepository,
} from '../libs/persistence/src/domain-contracts';
import { createTestDatabase, TestDatabase } from './support/database';
import { address, at, makeWorld, repositoriesOn, signerOf, T0 } from './support/persistence-fixtures';

const SYSTEM = { type: 'system' as const, id: null };

describe('persistence adapters: accounts, unit of work, audit, webhooks, API keys (real PostgreSQL)', () => {
  let db: TestDatabase;
  let repos: ReturnType<typeof repositoriesOn>;

  beforeAll(async () => {
    db = await createTestDatabase();
    repos = repositoriesOn(db.dataSource);
  });
  afterAll(() => db.destroy());
  beforeEach(() => db.truncateAll());

  const newAccount = (n: number) => ({
    network: 'sandbox',
    address: address(n),
    label: 'treasury',
    signerQuorum: 2,
    signerListLedgerIndex: 10,
    masterDisabled: false,
    regularKey: null,
  });

  describe('TypeormAccountRepository', () => {
    it('inserts an account with its signers, and gives null for a registered (network, address)', async () => {
      const account = await repos.accounts.insert(newAccount(1), [signerOf(2), signerOf(3)], at(5));
      expect(account).toMatchObject({ address: address(1), signerQuorum: 2, signerListReadAt: at(5) });
      expect((await repos.accounts.signersOf(account!.id)).map((s) => [s.address, s.inSignerList])).toEqual([
        [address(2), true],
        [address(3), true],
      ]);
      expect(await repos.accounts.insert(newAccount(1), [signerOf(4)], at(6))).toBeNull();
      expect(await repos.accounts.list()).toEqual([account]);
      expect(await repos.accounts.find(account!.id)).toEqual(account);
      expect(await repos.accounts.find(randomUUID())).toBeNull();
    });

    it('a duplicate inside a unit of work leaves the transaction usable', async () => {
      const first = await repos.accounts.insert(newAccount(1), [signerOf(2)], T0);
      const outcome = await repos.unitOfWork.run(async (tx) => {
        const duplicate = await tx.accounts.insert(newAccount(1), [signerOf(2)], T0);
        const other = await tx.accounts.insert(newAccount(9), [signerOf(2)], T0);
        return { duplicate, other };
      });
      expect(outcome.duplicate).toBeNull();
      expect((await repos.accounts.list()).map((a) => a.id)).toEqual([first!.id, outcome.other!.id]);
    });

    it('replaceSnapshot upserts the listed signers, keeps their labels, and unlists the others', async () => {
      const account = (await repos.accounts.insert(newAccount(1), [signerOf(2), signerOf(3)], T0))!;
      const [kept] = await repos.accounts.signersOf(account.id);
      await repos.accounts.updateSigner(kept!.id, { label: 'alice', enrolmentState: 'enrolled' });
      await repos.accounts.replaceSnapshot(
        account.id,
        {
          signerQuorum: 3,
          signerListLedgerIndex: 20,
          masterDisabled: true,
          regularKey: address(50),
          signers: [{ ...signerOf(2), weight: 2, keyFactsLedgerIndex: 20 }, signerOf(4)],
        },
        at(30),
      );
      expect(await repos.accounts.find(account.id)).toMatchObject({
        signerQuorum: 3,
        signerListLedgerIndex: 20,
        signerListReadAt: at(30),
        masterDisabled: true,
        regularKey: address(50),
      });
      const signers = await repos.accounts.signersOf(account.id);
      expect(signers.map((s) => [s.address, s.inSignerList, s.weight, s.label])).toEqual([
        [address(2), true, 2, 'alice'],
        [address(3), false, 1, null],
        [address(4), true, 1, null],
      ]);
      expect(signers[0]).toMatchObject({ id: kept!.id, enrolmentState: 'enrolled', keyFactsLedgerIndex: 20 });
    });

    it('updateSigner returns the updated signer and refuses an unknown one', async () => {
      const account = (await repos.accounts.insert(newAccount(1), [signerOf(2)], T0))!;
      const [signer] = await repos.accounts.signersOf(account.id);
      const updated = await repos.accounts.updateSigner(signer!.id, {
        userTokenCiphertext: 'v1:abc',
        userTokenExpiresAt: at(99),
        label: undefined,
      });
      expect(updated).toMatchObject({
        id: signer!.id,
        userTokenCiphertext: 'v1:abc',
        userTokenExpiresAt: at(99),
        keyFactsLedgerIndex: 10,
        weight: 1,
      });
      await expect(repos.accounts.updateSigner(randomUUID(), { label: 'x' })).rejects.toThrow(
        /does not exist/,
      );
    });

    it('settleEnrolment applies only to the pending enrolment of that payload, once', async () => {
      const account = (await repos.accounts.insert(newAccount(1), [signerOf(2), signerOf(3)], T0))!;
      const [signer, other] = await repos.accounts.signersOf(account.id);
      const payload = randomUUID();
      await repos.accounts.updateSigner(signer!.id, {
        enrolmentState: 'pending',
        enrolmentPayloadUuid: payload,
      });
      expect((await repos.accounts.findSignerByEnrolmentPayload(payload))?.id).toBe(signer!.id);
      expect(await repos.accounts.findSignerByEnrolmentPayload(randomUUID())).toBeNull();
      expect((await repos.accounts.pendingEnrolments(10)).map((s) => s.id)).toEqual([signer!.id]);
      expect(
        await repos.accounts.settleEnrolment(signer!.id, randomUUID(), { enrolmentState: 'enrolled' }),
      ).toBe(false);
      const enrolled = {
        enrolmentState: 'enrolled' as const,
        userTokenCiphertext: 'v1:t',
        enrolledAt: at(5),
      };
      const [first, second] = await Promise.all([
        repos.accounts.settleEnrolment(signer!.id, payload, enrolled),
        repos.accounts.settleEnrolment(signer!.id, payload, { enrolmentState: 'none' }),
      ]);
      expect([first, second].filter(Boolean)).toHaveLength(1);
      expect(await repos.accounts.pendingEnrolments(10)).toEqual([]);
      expect(await repos.accounts.findSigner(other!.id)).toMatchObject({ enrolmentState: 'none' });
    });

    it('findSigners reads the signers with these ids in one statement, leaving unknown ids out', async () => {
      const account = (await repos.accounts.insert(newAccount(1), [2, 3, 4].map(signerOf), T0))!;
      const other = (await repos.accounts.insert(newAccount(9), [signerOf(5)], T0))!;
      const [first, , listed] = await repos.accounts.signersOf(account.id);
      const [elsewhere] = await repos.accounts.signersOf(other.id);
      const third = await repos.accounts.updateSigner(listed!.id, {
        userTokenCiphertext: 'v1:t',
        userTokenExpiresAt: at(40),
      });
      // Every statement the adapters send goes through the data source's logger first.
      const logged = jest.spyOn(db.dataSource.logger, 'logQuery');
      const found = await repos.accounts.findSigners([third.id, randomUUID(), first!.id, elsewhere!.id]);
      const statements = logged.mock.calls.map(([sql]) => sql);
      logged.mockRestore();
      expect(statements).toHaveLength(1);
      expect(statements[0]).toMatch(/^\s*SELECT/i);
      const byId = (a: SignerRecord, b: SignerRecord) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
      expect(found.sort(byId)).toEqual([first!, third, elsewhere!].sort(byId));
      expect(found.find((s) => s.id === third.id)).toMatchObject({
        userTokenCiphertext: 'v1:t',
        userTokenExpiresAt: at(40),
      });
      expect(await repos.accounts.findSigners([])).toEqual([]);
      expect(await repos.accounts.findSigners([randomUUID()])).toEqual([]);
    });

    it('recordTokenChecks stores many expiries in one statement and leaves the other signers alone', async () => {
      const account = (await repos.accounts.insert(newAccount(1), [2, 3, 4].map(signerOf), T0))!;
      const [a, b, untouched] = await repos.accounts.signersOf(account.id);
      const logged = jest.spyOn(db.dataSource.logger, 'logQuery');
      await repos.accounts.recordTokenChecks([
        { signerId: a!.id, expiresAt: at(100), checkedAt: at(10) },
        { signerId: b!.id, expiresAt: null, checkedAt: at(11) },
        { signerId: randomUUID(), expiresAt: at(1), checkedAt: at(1) },
      ]);
      const statements = logged.mock.calls.length;
      logged.mockRestore();
      expect(statements).toBe(1);
      expect(await repos.accounts.findSigner(a!.id)).toMatchObject({
        userTokenExpiresAt: at(100),
        userTokenCheckedAt: at(10),
      });
      expect(await repos.accounts.findSigner(b!.id)).toMatchObject({
        userTokenExpiresAt: null,
        userTokenCheckedAt: at(11),
      });
      expect(await repos.accounts.findSigner(untouched!.id)).toEqual(untouched);
      await repos.accounts.recordTokenChecks([]);
    });

    it('signersWithTokens pages through the signers holding a token, by id', async () => {
      const account = (await repos.accounts.insert(newAccount(1), [2, 3, 4, 5].map(signerOf), T0))!;
      const signers = await repos.accounts.signersOf(account.id);
      for (const s of signers.slice(0, 3))
        await repos.accounts.updateSigner(s.id, { userTokenCiphertext: 'v1:t' });
      const first = await repos.accounts.signersWithTokens(null, 2);
      const rest = await repos.accounts.signersWithTokens(first[1]!.id, 2);
      const ids = [...first, ...rest].map((s) => s.id);
      expect(ids).toEqual(
        signers
          .slice(0, 3)
          .map((s) => s.id)
          .sort(),
      );
      expect(await repos.accounts.signersWithTokens(ids[2]!, 2)).toEqual([]);
    });

    it('lockForAllocation makes a second unit of work wait until the first commits', async () => {
      const account = (await repos.accounts.insert(newAccount(1), [signerOf(2)], T0))!;
      const order: string[] = [];
      let firstLocked!: () => void;
      const locked = new Promise<void>((resolve) => (firstLocked = resolve));
      let releaseFirst!: () => void;
      const release = new Promise<void>((resolve) => (releaseFirst = resolve));

      const first = repos.unitOfWork.run(async (tx) => {
        await tx.accounts.lockForAllocation(account.id);
        firstLocked();
        await release;
        await tx.audit.append(SYSTEM, {
          action: 'first.allocated',
          entityType: 'account',
          entityId: account.id,
        });
        order.push('first commits');
      });
      await locked;
      const second = repos.unitOfWork.run(async (tx) => {
        await tx.accounts.lockForAllocation(account.id);
        order.push('second holds the lock');
        return tx.audit.list({ entityId: account.id, limit: 10 });
      });
      // The second transaction is blocked on the row lock (seen by the server), not merely late.
      await waitUntil(async () => (await lockWaiters(db.dataSource)) === 1);
      expect(order).toEqual([]);
      releaseFirst();
      await first;
      const seenBySecond = await second;
      expect(order).toEqual(['first commits', 'second holds the lock']);
      expect(seenBySecond.map((e) => e.action)).toEqual(['first.allocated']);
    });

    it('lockForAllocation refuses to run outside a unit of work', async () => {
      await expect(repos.accounts.lockForAllocation(randomUUID())).rejects.toThrow(/unit of work/);
    });
  });

  describe('TypeormUnitOfWork', () => {
    it('commits every aggregate together when the work resolves', async () => {
      const world = await makeWorld(db.dataSource);
      const id = await repos.unitOfWork.run(async (tx) => {
        const result = await tx.proposals.insert(world.proposal(), world.requestsFor(), at(60));
        const proposalId = result.inserted ? result.proposal.id : 'none';
        await tx.audit.append(SYSTEM, {
          action: 'proposal.created',
          entityType: 'proposal',
          entityId: proposalId,
        });
        return proposalId;
      });
      expect(await repos.proposals.find(id)).toMatchObject({ state: 'collecting' });
      expect(await repos.audit.list({ entityId: id, limit: 5 })).toHaveLength(1);
    });

    it('rolls back everything when the work throws, including writes after a refused conditional update', async () => {
      const world = await makeWorld(db.dataSource);
      const existing = await world.propose();
      const failure = repos.unitOfWork.run(async (tx) => {
        await tx.accounts.insert(newAccount(40), [signerOf(41)], T0);
        const inserted = await tx.proposals.insert(world.proposal(), world.requestsFor(), at(60));
        expect(inserted.inserted).toBe(true);
        expect(await tx.proposals.transition(existing, ['submitted'], 'failed', {})).toBe(false);
        expect(await tx.proposals.transition(existing, ['collecting'], 'cancelled', {})).toBe(true);
        await tx.audit.append(SYSTEM, { action: 'doomed', entityType: 'proposal', entityId: existing });
        throw new Error('the work failed');
      });
      await expect(failure).rejects.toThrow('the work failed');
      expect((await repos.accounts.list()).map((a) => a.id)).toEqual([world.accountId]);
      expect((await repos.proposals.list({ limit: 10 })).map((p) => [p.id, p.state])).toEqual([
        [existing, 'collecting'],
      ]);
      expect(await repos.audit.list({ action: 'doomed', limit: 5 })).toEqual([]);
    });

    it('binds fresh repository instances to the transaction', async () => {
      const bound = await repos.unitOfWork.run(async (tx) => tx);
      expect(bound.accounts).toBeInstanceOf(TypeormAccountRepository);
      expect(bound.proposals).toBeInstanceOf(TypeormProposalRepository);
      expect(bound.audit).toBeInstanceOf(TypeormAuditRepository);
    });
  });

  describe('TypeormAuditRepository', () => {
    it('lists newest first with filters and a bigint cursor, ids as strings', async () => {
      const actor = { type: 'api_key' as const, id: 'k1', requestId: 'req-1' };
      for (let i = 0; i < 5; i++) {
        await repos.audit.append(actor, {
          action: i % 2 ? 'proposal.cancelled' : 'proposal.created',
          entityType: 'proposal',
          entityId: `p${i % 3}`,
          details: { i },
        });
      }
      await repos.audit.append(SYSTEM, {
        action: 'account.registered',
        entityType: 'account',
        entityId: 'a1',
      });
      const all = await repos.audit.list({ limit: 10 });
      expect(all.map((e) => e.id)).toEqual(['6', '5', '4', '3', '2', '1']);
      expect(all[5]).toMatchObject({
        actorType: 'api_key',
        actorId: 'k1',
        requestId: 'req-1',
        details: { i: 0 },
        occurredAt: expect.any(Date),
      });
      expect(all[0]).toMatchObject({ actorType: 'system', actorId: null, requestId: null, details: {} });
      expect((await repos.audit.list({ beforeId: '4', limit: 2 })).map((e) => e.id)).toEqual(['3', '2']);
      expect(
        (await repos.audit.list({ entityType: 'proposal', entityId: 'p0', limit: 10 })).map((e) => e.id),
      ).toEqual(['4', '1']);
      expect((await repos.audit.list({ action: 'proposal.cancelled', limit: 10 })).map((e) => e.id)).toEqual([
        '4',
        '2',
      ]);
      expect(await repos.audit.list({ since: new Date(Date.now() + 3_600_000), limit: 10 })).toEqual([]);
      expect(await repos.audit.list({ since: new Date(0), limit: 10 })).toHaveLength(6);
    });
  });

  describe('TypeormWebhookReceiptRepository', () => {
    it('records a delivery once (a replay gives false) and prunes old receipts', async () => {
      const receipts = new TypeormWebhookReceiptRepository(db.dataSource.manager);
      const receipt = {
        signature: 'a'.repeat(40),
        payloadUuid: randomUUID(),
        requestTimestamp: 1_700_000_000,
        attempt: 1,
      };
      expect(await receipts.record(receipt)).toBe(true);
      expect(await receipts.record({ ...receipt, attempt: 2 })).toBe(false);
      expect(await receipts.record({ ...receipt, signature: 'c'.repeat(40), attempt: null })).toBe(true);
      expect(await receipts.pruneReceivedBefore(new Date(0))).toBe(0);
      expect(await receipts.pruneReceivedBefore(new Date(Date.now() + 3_600_000))).toBe(2);
      expect(await receipts.record(receipt)).toBe(true);
    });
  });

  describe('TypeormWebhookReceiptRepository under a burst', () => {
    it('records concurrent deliveries in batches: each new one once, every repeat refused, a bad one failing alone', async () => {
      const receipts = new TypeormWebhookReceiptRepository(db.dataSource.manager);
      const receipt = (n: number) => ({
        signature: n.toString(16).padStart(40, '0'),
        payloadUuid: randomUUID(),
        requestTimestamp: 1_700_000_000 + n,
        attempt: 1,
      });
      const fresh = Array.from({ length: 30 }, (_, n) => receipt(n + 1));
      const repeats = [fresh[0]!, fresh[0]!, fresh[7]!];
      const bad = { ...receipt(99), signature: 'not hex' };
      const answers = await Promise.allSettled([...fresh, ...repeats, bad].map((r) => receipts.record(r)));
      const values = answers.map((a) => (a.status === 'fulfilled' ? a.value : 'failed'));
      // Exactly one delivery of each signature is new, whichever of the identical ones it was.
      const newPerSignature = new Map<string, number>();
      [...fresh, ...repeats].forEach((r, i) => {
        if (values[i] === true) newPerSignature.set(r.signature, (newPerSignature.get(r.signature) ?? 0) + 1);
      });
      expect([...newPerSignature.values()]).toEqual(fresh.map(() => 1));
      expect(values.at(-1)).toBe('failed');
      const [{ n }] = await db.dataSource.query(`SELECT count(*)::int AS n FROM xaman_webhook_receipts`);
      expect(n).toBe(30);
    });
  });

  describe('TypeormApiKeyRepository', () => {
    it('stores and returns an expiry, and refuses one that is not after the creation', async () => {
      const keys = new TypeormApiKeyRepository(db.dataSource.manager);
      const expiresAt = new Date(Date.now() + 86_400_000);
      const expiring = await keys.insert({
        name: 'temp',
        role: 'viewer',
        keyPrefix: 'tmp00000',
        secretHash: 'h-expiring',
        createdBy: null,
        expiresAt,
      });
      expect(expiring.expiresAt).toEqual(expiresAt);
      expect(await keys.findActiveByHash('h-expiring')).toMatchObject({ expiresAt });
      const before = await keys.count();
      await expect(
        keys.insert({
          name: 'backdated',
          role: 'viewer',
          keyPrefix: 'tmp00001',
          secretHash: 'h-backdated',
          createdBy: null,
          expiresAt: new Date(Date.now() - 1000),
        }),
      ).rejects.toThrow(/api_keys_expires_after_creation/);
      expect(await keys.count()).toBe(before);
    });

    it('stores keys, finds active ones by hash, marks use and revokes once', async () => {
      const keys = new TypeormApiKeyRepository(db.dataSource.manager);
      const admin = await keys.insert({
        name: 'ops',
        role: 'admin',
        keyPrefix: 'abcd1234',
        secretHash: 'h1',
        createdBy: null,
        expiresAt: null,
      });
      expect(admin).toMatchObject({
        name: 'ops',
        role: 'admin',
        lastUsedAt: null,
        revokedAt: null,
        expiresAt: null,
        createdAt: expect.any(Date),
      });
      const viewer = await keys.insert({
        name: 'ro',
        role: 'viewer',
        keyPrefix: 'zzzz0000',
        secretHash: 'h2',
        createdBy: admin.id,
        expiresAt: null,
      });
      expect(await keys.findActiveByHash('h2')).toMatchObject({ id: viewer.id, createdBy: admin.id });
      expect(await keys.findActiveByHash('nope')).toBeNull();
      await keys.markUsed(viewer.id, at(7));
      expect(await keys.findById(viewer.id)).toMatchObject({ lastUsedAt: at(7) });
      expect(await keys.count()).toBe(2);
      expect((await keys.list()).map((k) => k.id)).toEqual([admin.id, viewer.id]);
      expect(await keys.revoke(viewer.id, at(8))).toBe(true);
      expect(await keys.revoke(viewer.id, at(9))).toBe(false);
      expect(await keys.revoke(randomUUID(), at(9))).toBe(false);
      expect(await keys.findActiveByHash('h2')).toBeNull();
      expect(await keys.findById(viewer.id)).toMatchObject({ revokedAt: at(8) });
      expect(await keys.findById(randomUUID())).toBeNull();
    });
  });

  describe('TypeormDatabaseHealth', () => {
    it('answers true while the database answers, false (never throws) once it cannot', async () => {
      expect(await new TypeormDatabaseHealth(db.dataSource).ping()).toBe(true);
      const closed = createDataSource(db.url, 1);
      await closed.initialize();
      await closed.destroy();
      expect(await new TypeormDatabaseHealth(closed).ping()).toBe(false);
    });
  });

  describe('PersistenceModule.forRoot', () => {
    it.each([undefined, 'worker'])(
      'builds its data source (named %s) and provides every port on it',
      async (name) => {
        const moduleRef = await Test.createTestingModule({
          imports: [PersistenceModule.forRoot({ url: db.url, poolSize: 2, name })],
        }).compile();
        await moduleRef.init();
        expect(moduleRef.get(AccountRepository)).toBeInstanceOf(TypeormAccountRepository);
        expect(moduleRef.get(ProposalRepository)).toBeInstanceOf(TypeormProposalRepository);
        expect(moduleRef.get(AuditRepository)).toBeInstanceOf(TypeormAuditRepository);
        expect(moduleRef.get(WebhookReceiptRepository)).toBeInstanceOf(TypeormWebhookReceiptRepository);
        expect(moduleRef.get(ApiKeyRepository)).toBeInstanceOf(TypeormApiKeyRepository);
        expect(moduleRef.get(UnitOfWork)).toBeInstanceOf(TypeormUnitOfWork);
        expect(moduleRef.get(DatabaseHealth)).toBeInstanceOf(TypeormDatabaseHealth);
        expect(await moduleRef.get(DatabaseHealth).ping()).toBe(true);
        await moduleRef.close();
      },
    );
  });
});

/** Backends of this database waiting for a lock. */
async function lockWaiters(dataSource: DataSource): Promise<number> {
  const [row] = await dataSource.query<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM pg_stat_activity
     WHERE datname = current_database() AND wait_event_type = 'Lock'`,
  );
  return row!.n;
}

/** Polls a condition the test needs before it goes on (no assertion on how long it took). */
async function waitUntil(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 20));
}
