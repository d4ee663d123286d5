import { Wallet } from 'xrpl';
import { buildDomain } from '../../test/fakes';
import {
  alice,
  bob,
  carol,
  combinedFrom,
  dave,
  destination,
  registerTreasury,
  submittedProposal,
  treasury,
} from '../../test/domain.fixtures';
import { accountHealth } from './account-health';

/** A transaction the treasury's own master key signs: made outside the service. */
function signedByTreasury(tx: Record<string, unknown>, sequence: number): string {
  return treasury.sign({
    Account: treasury.classicAddress,
    Fee: '12',
    Sequence: sequence,
    ...tx,
  } as Parameters<Wallet['sign']>[0]).tx_blob;
}

const outsidePayment = (sequence: number, drops = '5000000') =>
  signedByTreasury({ TransactionType: 'Payment', Destination: destination, Amount: drops }, sequence);

describe('ScanAccountTransactions', () => {
  it('records a payment the treasury sent outside the service once: audit, webhook event, health warning', async () => {
    const d = buildDomain();
    const account = await registerTreasury(d, { sequence: 100 });
    const { hash, ledgerIndex } = d.ledger.validate(outsidePayment(100));

    expect(await d.scanning.execute()).toBe(1);
    // Idempotent: the same range scanned again (the scan index put back) records nothing new.
    expect(await d.scanning.execute()).toBe(0);
    const stored = await d.accounts.find(account.id);
    expect(stored!.txScanLedgerIndex).toBe(d.ledger.validatedIndex);
    d.accounts.accounts.put({ ...stored!, txScanLedgerIndex: account.txScanLedgerIndex });
    expect(await d.scanning.execute()).toBe(0);

    const audited = d.audit.of(account.id).filter((e) => e.action === 'account.outside_transaction');
    expect(audited).toHaveLength(1);
    expect(audited[0]!.actorType).toBe('worker');
    expect(audited[0]!.details).toEqual({
      hash,
      transactionType: 'Payment',
      ledgerIndex,
      result: 'tesSUCCESS',
      amount: '5000000',
      destination,
    });
    const events = d.webhookStore.emitted(account.id).filter((e) => e.type === 'account.outside_transaction');
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ accountId: account.id, hash, amount: '5000000', destination });

    const outside = await d.accountQueries.recentOutsideTransactions(account.id, d.clock.now());
    expect(outside.map((t) => t.hash)).toEqual([hash]);
    const health = accountHealth(stored!, [], d.clock.now(), 0, outside);
    expect(health.filter((w) => w.code === 'OUTSIDE_TRANSACTION')).toEqual([
      expect.objectContaining({ hash, message: expect.stringContaining(destination) }),
    ]);
    // After the window it is no longer a warning.
    d.clock.advance(31 * 24 * 60 * 60 * 1000);
    expect(await d.accountQueries.recentOutsideTransactions(account.id, d.clock.now())).toEqual([]);
  });

  it('does not record what the service made (its hash, or the same prepared tx under another hash) nor payments received', async () => {
    const { d, account, proposal } = await submittedProposal();
    // The ledger validated the same transaction with another signer subset: another hash.
    const variant = await combinedFrom(d, proposal, [alice, carol]);
    d.ledger.validate(variant.blob);
    expect(d.ledger.history.at(-1)!.hash).not.toBe(proposal.combinedHash);
    // The service's own combined blob too (as if both were seen; only one could apply on a real ledger).
    d.ledger.history.push({ ...d.ledger.history.at(-1)!, hash: proposal.combinedHash! });
    // Someone pays the treasury: not a spend.
    d.ledger.history.push({
      account: treasury.classicAddress,
      hash: 'A'.repeat(64),
      ledgerIndex: d.ledger.closeLedgers(),
      result: 'tesSUCCESS',
      deliveredAmount: '1000000',
      tx: {
        TransactionType: 'Payment',
        Account: bob.classicAddress,
        Destination: treasury.classicAddress,
        Amount: '1000000',
        Sequence: 1,
      },
    });
    expect(await d.scanning.execute()).toBe(0);
    expect(d.audit.of(account.id).filter((e) => e.action === 'account.outside_transaction')).toEqual([]);
    expect((await d.accounts.find(account.id))!.txScanLedgerIndex).toBe(d.ledger.validatedIndex);
  });

  it('a SignerListSet sent outside the service is also SIGNER_LIST_CHANGED_ON_LEDGER', async () => {
    const d = buildDomain();
    const account = await registerTreasury(d, { sequence: 100 });
    const { hash } = d.ledger.validate(
      signedByTreasury(
        {
          TransactionType: 'SignerListSet',
          SignerQuorum: 1,
          SignerEntries: [{ SignerEntry: { Account: alice.classicAddress, SignerWeight: 1 } }],
        },
        100,
      ),
    );
    await d.scanning.execute();
    const outside = await d.accountQueries.recentOutsideTransactions(account.id, d.clock.now());
    const codes = accountHealth(account, [], d.clock.now(), 0, outside).map((w) => `${w.code} ${w.hash}`);
    expect(codes).toEqual(
      expect.arrayContaining([`SIGNER_LIST_CHANGED_ON_LEDGER ${hash}`, `OUTSIDE_TRANSACTION ${hash}`]),
    );
  });

  it('records and advances in one unit of work: a failed commit leaves both for the next run', async () => {
    const d = buildDomain();
    const account = await registerTreasury(d, { sequence: 100 });
    d.ledger.validate(outsidePayment(100));
    d.uow.failNextCommit = new Error('commit failed');
    await expect(d.scanning.execute()).rejects.toThrow('commit failed');
    expect((await d.accounts.find(account.id))!.txScanLedgerIndex).toBe(account.txScanLedgerIndex);
    expect(d.audit.of(account.id).filter((e) => e.action === 'account.outside_transaction')).toEqual([]);
    expect(await d.scanning.execute()).toBe(1);
  });

  it('an unreachable ledger postpones the scan', async () => {
    const d = buildDomain();
    const account = await registerTreasury(d);
    d.ledger.validate(outsidePayment(100));
    d.ledger.down = true;
    expect(await d.scanning.execute()).toBe(0);
    expect((await d.accounts.find(account.id))!.txScanLedgerIndex).toBe(account.txScanLedgerIndex);
  });
});

describe('Delegate objects', () => {
  it('the drift check stores them (audited when they change) and health shows DELEGATE_PRESENT', async () => {
    const d = buildDomain();
    const account = await registerTreasury(d);
    expect(account.delegates).toEqual([]);
    d.ledger.delegateObjects.set(treasury.classicAddress, [
      { authorize: dave.classicAddress, permissions: ['Payment'] },
    ]);
    await d.drift.execute();
    await d.drift.execute();
    const stored = (await d.accounts.find(account.id))!;
    expect(stored.delegates).toEqual([{ authorize: dave.classicAddress, permissions: ['Payment'] }]);
    expect(d.audit.of(account.id).filter((e) => e.action === 'account.delegates_changed')).toHaveLength(1);
    expect(accountHealth(stored, [], d.clock.now(), 0)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'DELEGATE_PRESENT', delegate: dave.classicAddress }),
      ]),
    );
    d.ledger.delegateObjects.delete(treasury.classicAddress);
    await d.drift.execute();
    expect((await d.accounts.find(account.id))!.delegates).toEqual([]);
  });
});
