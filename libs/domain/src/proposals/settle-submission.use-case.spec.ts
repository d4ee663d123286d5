import { LedgerUnavailableError } from '../ports/ledger.port';
import { outcome } from '../../test/fakes';
import {
  alice,
  bob,
  carol,
  collectingProposal,
  combinedFrom,
  proposalOf,
  signs,
  submittedProposal,
  treasury,
} from '../../test/domain.fixtures';

describe('SettleSubmission', () => {
  it('settles succeeded from the validated transaction found by its hash, with the delivered amount', async () => {
    const { d, proposal } = await submittedProposal();
    const { hash, ledgerIndex } = d.ledger.validate(proposal.combinedBlob!);
    await d.settling.follow(proposal.id);
    expect(await proposalOf(d, proposal.id)).toMatchObject({
      state: 'succeeded',
      resultCode: 'tesSUCCESS',
      resultHash: hash,
      resultLedgerIndex: ledgerIndex,
      deliveredAmount: '25000000',
    });
  });

  it('settles failed when the validated transaction has a tec code (fee spent)', async () => {
    const { d, proposal } = await submittedProposal();
    d.ledger.validate(proposal.combinedBlob!, 'tecUNFUNDED_PAYMENT');
    await d.settling.follow(proposal.id);
    expect(await proposalOf(d, proposal.id)).toMatchObject({
      state: 'failed',
      resultCode: 'tecUNFUNDED_PAYMENT',
    });
  });

  it('decides nothing from an unvalidated lookup', async () => {
    const { d, proposal } = await submittedProposal();
    d.ledger.transactions.set(proposal.combinedHash!, {
      found: true,
      validated: false,
      hash: proposal.combinedHash!,
      ledgerIndex: null,
      result: 'tesSUCCESS',
      deliveredAmount: null,
      tx: {},
    });
    await d.settling.follow(proposal.id);
    expect((await proposalOf(d, proposal.id)).state).toBe('submitted');
  });

  it.each([
    ['as rippled stores it', (tx: Record<string, unknown>) => tx],
    [
      'in an API v2 answer (DeliverMax instead of Amount)',
      ({ Amount, ...tx }: Record<string, unknown>) => ({ ...tx, DeliverMax: Amount }),
    ],
  ])(
    'settles as ours the same transaction validated with another signer subset (malleated hash), %s',
    async (_case, asJson) => {
      const { d, proposal } = await submittedProposal();
      const other = await combinedFrom(d, proposal, [alice, carol]);
      expect(other.hash).not.toBe(proposal.combinedHash);
      d.ledger.validate(other.blob, 'tesSUCCESS', asJson);
      await d.settling.follow(proposal.id);
      expect(await proposalOf(d, proposal.id)).toMatchObject({ state: 'succeeded', resultHash: other.hash });
    },
  );

  it('settles a Ticket proposal malleated on ledger by (Account, TicketSequence)', async () => {
    const { d, proposal } = await submittedProposal({ tickets: [55] });
    expect(proposal.ticketSequence).toBe(55);
    const other = await combinedFrom(d, proposal, [bob, carol]);
    d.ledger.validate(other.blob);
    await d.settling.follow(proposal.id);
    expect(await proposalOf(d, proposal.id)).toMatchObject({ state: 'succeeded', resultHash: other.hash });
  });

  it('ends superseded when another transaction used the Sequence', async () => {
    const { d, proposal } = await submittedProposal();
    const intruder = treasury.sign({
      TransactionType: 'AccountSet',
      Account: treasury.classicAddress,
      Sequence: proposal.sequence,
      Fee: '12',
      LastLedgerSequence: proposal.lastLedgerSequence,
    }).tx_blob;
    const { hash } = d.ledger.validate(intruder);
    await d.settling.follow(proposal.id);
    expect(await proposalOf(d, proposal.id)).toMatchObject({ state: 'superseded', resultHash: hash });
  });

  it('ends expired once a validated ledger past LastLedgerSequence shows the Sequence unused', async () => {
    const { d, proposal } = await submittedProposal();
    d.ledger.validatedIndex = proposal.lastLedgerSequence;
    d.ledger.submitResults.push(outcome('tesSUCCESS'));
    await d.settling.follow(proposal.id);
    expect((await proposalOf(d, proposal.id)).state).toBe('submitted');
    d.ledger.validatedIndex = proposal.lastLedgerSequence + 1;
    await d.settling.follow(proposal.id);
    expect(await proposalOf(d, proposal.id)).toMatchObject({ state: 'expired', resultCode: 'tesSUCCESS' });
  });

  it('resubmits a provisional tesSUCCESS no validated ledger shows after 2^attempts ledgers, and not before', async () => {
    const { d, proposal } = await submittedProposal();
    expect(d.ledger.submitted).toHaveLength(1);
    d.ledger.closeLedgers(1);
    await d.settling.follow(proposal.id);
    expect(d.ledger.submitted).toHaveLength(1);
    d.ledger.closeLedgers(1); // 2 ledgers after the first submission
    await d.settling.follow(proposal.id);
    expect(d.ledger.submitted).toHaveLength(2);
    expect((await proposalOf(d, proposal.id)).submitAttempts).toBe(2);

    d.ledger.closeLedgers(3);
    await d.settling.follow(proposal.id);
    expect(d.ledger.submitted).toHaveLength(2);
    d.ledger.closeLedgers(1); // 4 ledgers after the second
    await d.settling.follow(proposal.id);
    expect(d.ledger.submitted).toHaveLength(3);
    expect(new Set(d.ledger.submitted)).toEqual(new Set([proposal.combinedBlob]));
  });

  it('lets two concurrent follow-ups resubmit once', async () => {
    const { d, proposal } = await submittedProposal();
    d.ledger.closeLedgers(2);
    await Promise.all([d.settling.follow(proposal.id), d.settling.follow(proposal.id)]);
    expect(d.ledger.submitted).toHaveLength(2);
  });

  it.each(['tefPAST_SEQ', 'tefNO_TICKET', 'tefALREADY'])(
    'keeps the recorded result when a resubmission answers %s',
    async (result) => {
      const { d, proposal } = await submittedProposal();
      d.ledger.closeLedgers(2);
      d.ledger.submitResults.push(outcome(result));
      await d.settling.follow(proposal.id);
      expect(await proposalOf(d, proposal.id)).toMatchObject({
        state: 'submitted',
        submitAttempts: 2,
        lastSubmitResult: 'tesSUCCESS',
      });
    },
  );

  it('resubmits a submission that was never answered once submitGraceMs passed', async () => {
    const { d, proposal } = await collectingProposal();
    d.ledger.submitResults.push(new LedgerUnavailableError('connection lost mid-submit'));
    await signs(d, proposal, alice);
    await signs(d, proposal, bob);
    expect(await proposalOf(d, proposal.id)).toMatchObject({ state: 'submitted', lastSubmitResult: null });

    d.clock.advance(d.settings.submitGraceMs);
    await d.settling.follow(proposal.id);
    expect(d.ledger.submitted).toHaveLength(1);
    d.clock.advance(1);
    await d.settling.follow(proposal.id);
    expect(d.ledger.submitted).toHaveLength(2);
    expect(await proposalOf(d, proposal.id)).toMatchObject({
      submitAttempts: 2,
      lastSubmitResult: 'tesSUCCESS',
    });
  });

  it('follows every submitted proposal from the worker, surviving a ledger outage', async () => {
    const { d, proposal } = await submittedProposal();
    d.ledger.down = true;
    await expect(d.settling.followDue()).resolves.toBeUndefined();
    d.ledger.down = false;
    d.ledger.validate(proposal.combinedBlob!);
    await d.settling.followDue();
    expect((await proposalOf(d, proposal.id)).state).toBe('succeeded');
  });
});
