import { TypeormAccountSetupRepository } from '@app/persistence';
import type { NewAccountSetup } from '../libs/persistence/src/domain-contracts';
import { createTestDatabase, TestDatabase } from './support/database';

const T0 = new Date('2026-01-01T00:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describe('persistence adapter: account set-ups (real PostgreSQL)', () => {
  let db: TestDatabase;
  let setups: TypeormAccountSetupRepository;

  beforeAll(async () => {
    db = await createTestDatabase();
    setups = new TypeormAccountSetupRepository(db.dataSource.manager);
  });
  afterAll(() => db.destroy());
  beforeEach(() => db.truncateAll());

  const setup = (address: string): NewAccountSetup => ({
    network: 'sandbox',
    address,
    label: null,
    quorum: 1,
    signers: [{ address: 'rSigner', weight: 1 }],
    disableMaster: true,
    state: 'awaiting_signer_list',
    steps: [
      {
        kind: 'signer_list',
        preparedTx: { TransactionType: 'SignerListSet', Sequence: 5 },
        payloadUuid: '00000000-0000-4000-8000-000000000001',
        signLink: 'https://xaman/sign/1',
        qrPng: null,
        payloadExpiresAt: at(3600),
        txHash: null,
        txBlob: null,
        submitResult: null,
        submittedLedgerIndex: null,
        resultCode: null,
        resultLedgerIndex: null,
      },
    ],
    failureCode: null,
    failureDetail: null,
    accountId: null,
    actor: { type: 'api_key', id: 'k1', requestId: null },
  });

  it('stores steps as JSON and gives their dates back as dates', async () => {
    const saved = await setups.insert(setup('rOwner1'), T0);
    const found = (await setups.find(saved.id))!;
    expect(found).toMatchObject({ version: 1, state: 'awaiting_signer_list', createdAt: T0 });
    expect(found.steps[0]!.payloadExpiresAt).toEqual(at(3600));
    expect(found.steps[0]!.preparedTx).toEqual({ TransactionType: 'SignerListSet', Sequence: 5 });
  });

  it('moves a set-up only from an allowed state at the version read (a racing step gets false)', async () => {
    const saved = await setups.insert(setup('rOwner2'), T0);
    expect(
      await setups.update(saved.id, ['awaiting_signer_list'], 1, { state: 'signer_list_submitted' }, at(1)),
    ).toBe(true);
    // The same step again (stale version) and a step from the wrong state change nothing.
    expect(await setups.update(saved.id, ['awaiting_signer_list'], 1, { state: 'failed' }, at(2))).toBe(
      false,
    );
    expect(await setups.update(saved.id, ['registering'], 2, { state: 'registered' }, at(2))).toBe(false);
    expect(await setups.find(saved.id)).toMatchObject({
      state: 'signer_list_submitted',
      version: 2,
      updatedAt: at(1),
    });
  });

  it('lists open set-ups oldest update first, and an address in given states', async () => {
    const a = await setups.insert(setup('rOwnerA'), at(5));
    const b = await setups.insert(setup('rOwnerB'), at(1));
    await setups.update(
      a.id,
      ['awaiting_signer_list'],
      1,
      { state: 'failed', failureCode: 'SETUP_TX_FAILED' },
      at(6),
    );
    expect((await setups.inStates(['awaiting_signer_list', 'failed'], 10)).map((s) => s.id)).toEqual([
      b.id,
      a.id,
    ]);
    expect(await setups.findByAddress('sandbox', 'rOwnerA', ['awaiting_signer_list'])).toEqual([]);
    expect((await setups.findByAddress('sandbox', 'rOwnerA', ['failed']))[0]).toMatchObject({
      failureCode: 'SETUP_TX_FAILED',
    });
  });
});
