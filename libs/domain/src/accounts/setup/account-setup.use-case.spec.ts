import { Wallet } from 'xrpl';
import { buildDomain, Domain } from '../../../test/fakes';
import { alice, bob, carolRegularKey, mallory, operator, treasury } from '../../../test/domain.fixtures';
import { AccountSetupRecord } from '../../records';
import { SETUP_STATES, SETUP_TRANSITIONS, SETUP_TERMINAL_STATES } from './account-setup-state';

/** The owner signs the payload's transaction single-signed, as the Xaman app does. */
function ownerSigns(d: Domain, setup: AccountSetupRecord, key: Wallet, tamper: Record<string, unknown> = {}) {
  const step = setup.steps[setup.steps.length - 1]!;
  const { tx_blob } = key.sign({ ...step.preparedTx, ...tamper } as never);
  d.xaman.sign(step.payloadUuid, tx_blob, null);
  return tx_blob;
}

describe('account set-up from scratch (StartAccountSetup + AdvanceAccountSetups)', () => {
  let d: Domain;
  const owner = treasury.classicAddress;
  const list = { quorum: 2, entries: [alice, bob].map((w) => ({ account: w.classicAddress, weight: 1 })) };
  const start = (disableMaster = true) =>
    d.startingSetup.execute(
      {
        address: owner,
        network: 'testnet',
        label: 'fresh',
        quorum: 2,
        signers: [alice, bob].map((w) => ({ address: w.classicAddress, weight: 1 })),
        disableMaster,
      },
      operator,
    );
  const reread = async (id: string) => (await d.setups.find(id))!;

  beforeEach(() => {
    d = buildDomain();
    d.ledger.setAccount(owner, { sequence: 7 });
  });

  it('walks the table: every transition leaves open states only and ends in a known state', () => {
    for (const t of Object.values(SETUP_TRANSITIONS)) {
      expect(SETUP_STATES).toContain(t.to);
      for (const from of t.from) expect(SETUP_TERMINAL_STATES).not.toContain(from);
    }
  });

  it('sets the list, disables the master key, registers and invites the signers', async () => {
    const setup = await start();
    expect(setup.state).toBe('awaiting_signer_list');
    expect(d.xaman.ownerPayloads[0]).toMatchObject({ signer: owner, forceNetwork: 'TESTNET' });
    expect(setup.steps[0]!.preparedTx).toMatchObject({
      TransactionType: 'SignerListSet',
      Account: owner,
      Sequence: 7,
      Fee: '10',
      SignerQuorum: 2,
    });

    const listBlob = ownerSigns(d, setup, treasury);
    await d.advancingSetups.runDue();
    expect((await reread(setup.id)).state).toBe('signer_list_submitted');
    expect(d.ledger.submitted).toEqual([listBlob]);

    d.ledger.validate(listBlob);
    d.ledger.setAccount(owner, { signerList: list });
    await d.advancingSetups.runDue();
    const disabling = await reread(setup.id);
    expect(disabling.state).toBe('awaiting_disable_master');
    expect(disabling.steps[1]!.preparedTx).toMatchObject({
      TransactionType: 'AccountSet',
      SetFlag: 4,
      Sequence: 8,
    });

    const disableBlob = ownerSigns(d, disabling, treasury);
    await d.advancingSetups.runDue();
    d.ledger.validate(disableBlob);
    d.ledger.setAccount(owner, { masterDisabled: true });
    await d.advancingSetups.runDue(); // validated → registering
    await d.advancingSetups.runDue(); // registered, invitations sent
    const done = await reread(setup.id);
    expect(done).toMatchObject({ state: 'registered', failureCode: null });
    expect((await d.accounts.find(done.accountId!))!.address).toBe(owner);
    expect(d.xaman.signIns).toHaveLength(2);
    expect(d.audit.events.all().map((e) => e.action)).toEqual(
      expect.arrayContaining(['account.setup_started', 'account.registered', 'account.setup_registered']),
    );
  });

  it('refuses to disable the master key when no SignerList or RegularKey would remain (SETUP_NO_ALTERNATIVE_KEY)', async () => {
    const setup = await start();
    const blob = ownerSigns(d, setup, treasury);
    await d.advancingSetups.runDue();
    d.ledger.validate(blob); // the ledger shows no list afterwards (removed meanwhile)
    await d.advancingSetups.runDue();
    expect(await reread(setup.id)).toMatchObject({
      state: 'failed',
      failureCode: 'SETUP_NO_ALTERNATIVE_KEY',
    });
    expect(d.xaman.ownerPayloads).toHaveLength(1);
  });

  it('refuses a blob that is not the prepared transaction, or signed by another key, and submits nothing', async () => {
    const tampered = await start();
    ownerSigns(d, tampered, treasury, { Fee: '1000' });
    await d.advancingSetups.runDue();
    expect(await reread(tampered.id)).toMatchObject({ state: 'failed', failureCode: 'SETUP_BLOB_MISMATCH' });

    const other = await start();
    ownerSigns(d, other, mallory);
    await d.advancingSetups.runDue();
    expect(await reread(other.id)).toMatchObject({
      state: 'failed',
      failureCode: 'SETUP_KEY_NOT_AUTHORISED',
    });
    expect(d.ledger.submitted).toEqual([]);
  });

  it('asks the master key for the disable (SETUP_NEEDS_MASTER_KEY when the RegularKey signs)', async () => {
    d.ledger.setAccount(owner, { regularKey: carolRegularKey.classicAddress });
    const setup = await start();
    const blob = ownerSigns(d, setup, treasury);
    await d.advancingSetups.runDue();
    d.ledger.validate(blob);
    d.ledger.setAccount(owner, { signerList: list });
    await d.advancingSetups.runDue();
    const disabling = await reread(setup.id);
    const { tx_blob } = carolRegularKey.sign({ ...disabling.steps[1]!.preparedTx } as never);
    d.xaman.sign(disabling.steps[1]!.payloadUuid, tx_blob, null);
    await d.advancingSetups.runDue();
    expect(await reread(setup.id)).toMatchObject({ state: 'failed', failureCode: 'SETUP_NEEDS_MASTER_KEY' });
  });

  it('ends with SETUP_PAYLOAD_REJECTED or SETUP_TX_FAILED; refuses a second open set-up', async () => {
    const setup = await start(false);
    await expect(start()).rejects.toMatchObject({ code: 'SETUP_IN_PROGRESS' });
    d.xaman.reject(setup.steps[0]!.payloadUuid);
    await d.advancingSetups.runDue();
    expect(await reread(setup.id)).toMatchObject({ state: 'failed', failureCode: 'SETUP_PAYLOAD_REJECTED' });

    const next = await start(false);
    const blob = ownerSigns(d, next, treasury);
    await d.advancingSetups.runDue();
    d.ledger.validate(blob, 'tecINSUFFICIENT_RESERVE');
    await d.advancingSetups.runDue();
    expect(await reread(next.id)).toMatchObject({ state: 'failed', failureCode: 'SETUP_TX_FAILED' });
  });
});
