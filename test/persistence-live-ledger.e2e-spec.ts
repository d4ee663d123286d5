import { createTestDatabase, TestDatabase } from './support/database';
import { address, at, makeWorld, repositoriesOn, T0 } from './support/persistence-fixtures';

describe('persistence adapters: the live ledger in account health (real PostgreSQL)', () => {
  let db: TestDatabase;
  let repos: ReturnType<typeof repositoriesOn>;

  beforeAll(async () => {
    db = await createTestDatabase();
    repos = repositoriesOn(db.dataSource);
  });
  afterAll(() => db.destroy());
  beforeEach(() => db.truncateAll());

  const outside = (accountId: string, hash: string, ledgerIndex: number, detectedAt: Date) => ({
    accountId,
    hash,
    transactionType: 'Payment',
    ledgerIndex,
    result: 'tesSUCCESS',
    amount: '5000000' as unknown,
    destination: address(99),
    detectedAt,
  });

  it('records an outside transaction once per (account, hash), a duplicate leaving the unit of work usable', async () => {
    const { accountId } = await makeWorld(db.dataSource);
    const results = await repos.unitOfWork.run(async (tx) => [
      await tx.accounts.recordOutsideTransaction(outside(accountId, 'A'.repeat(64), 20, at(1))),
      await tx.accounts.recordOutsideTransaction(outside(accountId, 'A'.repeat(64), 20, at(2))),
      await tx.accounts.recordOutsideTransaction({
        ...outside(accountId, 'B'.repeat(64), 21, at(3)),
        transactionType: 'TrustSet',
        amount: null,
        destination: null,
      }),
      await tx.accounts.recordOutsideTransaction({
        ...outside(accountId, 'C'.repeat(64), 22, at(4)),
        amount: { currency: 'USD', issuer: address(98), value: '1.5' },
      }),
    ]);
    expect(results).toEqual([true, false, true, true]);
    const stored = await repos.accounts.outsideTransactionsSince(accountId, T0);
    expect(stored.map((t) => [t.hash[0], t.ledgerIndex, t.amount, t.detectedAt])).toEqual([
      ['C', 22, { currency: 'USD', issuer: address(98), value: '1.5' }, at(4)],
      ['B', 21, null, at(3)],
      ['A', 20, '5000000', at(1)],
    ]);
    // The window: detected at or after `since`.
    expect((await repos.accounts.outsideTransactionsSince(accountId, at(3))).map((t) => t.hash[0])).toEqual([
      'C',
      'B',
    ]);
  });

  it('advances the scan index, never back; stores the Delegate objects; an insert may set the scan start', async () => {
    const { accountId } = await makeWorld(db.dataSource);
    expect((await repos.accounts.find(accountId))!.delegates).toEqual([]);
    await repos.accounts.advanceTxScan(accountId, 50);
    await repos.accounts.advanceTxScan(accountId, 40);
    expect((await repos.accounts.find(accountId))!.txScanLedgerIndex).toBe(50);
    const delegates = [{ authorize: address(97), permissions: ['Payment', 'TrustSet'] }];
    await repos.accounts.setDelegates(accountId, delegates);
    expect((await repos.accounts.find(accountId))!.delegates).toEqual(delegates);
    const inserted = await repos.accounts.insert(
      {
        network: 'sandbox',
        address: address(96),
        label: null,
        signerQuorum: 1,
        signerListLedgerIndex: 30,
        masterDisabled: false,
        regularKey: null,
        txScanLedgerIndex: 30,
      },
      [],
      T0,
    );
    expect(inserted).toMatchObject({ txScanLedgerIndex: 30, delegates: [] });
  });

  it('finds the proposals a validated transaction may be: by combined or result hash, by Sequence, by Ticket', async () => {
    const world = await makeWorld(db.dataSource);
    const bySequence = await world.propose({ sequence: 500, ticketSequence: null });
    const byTicket = await world.propose({ sequence: 0, ticketSequence: 77 });
    const byHash = await world.propose({ sequence: 501, ticketSequence: null });
    expect(await repos.proposals.patch(byHash, ['collecting'], { combinedHash: 'D'.repeat(64) })).toBe(true);
    const ids = async (hash: string, sequence: number | null, ticketSequence: number | null) =>
      (await repos.proposals.matchingLedgerTransaction(world.accountId, hash, { sequence, ticketSequence }))
        .map((p) => p.id)
        .sort();
    expect(await ids('E'.repeat(64), 500, null)).toEqual([bySequence]);
    expect(await ids('E'.repeat(64), null, 77)).toEqual([byTicket]);
    // A Ticket transaction never matches a Sequence proposal, whatever its Sequence field says.
    expect(await ids('E'.repeat(64), null, 500)).toEqual([]);
    expect(await ids('d'.repeat(64), 999, null)).toEqual([byHash]);
    expect(await ids('E'.repeat(64), 999, null)).toEqual([]);
    const other = await makeWorld(db.dataSource);
    expect(
      await repos.proposals.matchingLedgerTransaction(other.accountId, 'D'.repeat(64), {
        sequence: 500,
        ticketSequence: null,
      }),
    ).toEqual([]);
  });
});
