import { outcome } from '../../test/fakes';
import {
  alice,
  bob,
  carol,
  collectingProposal,
  combinedFrom,
  dave,
  operator,
  proposalOf,
  requestOf,
  signs,
  storeSignature,
  treasury,
} from '../../test/domain.fixtures';
import { WORKER_ACTOR } from '../shared/actor';

describe('CombineAndSubmit', () => {
  it('combines and submits exactly once when 20 callers see the quorum at the same time', async () => {
    const { d, proposal } = await collectingProposal();
    await storeSignature(d, proposal, alice);
    await storeSignature(d, proposal, bob);
    const claims = await Promise.all(
      Array.from({ length: 20 }, () => d.combining.tryCombine(proposal.id, operator)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(d.ledger.submitted).toHaveLength(1);
    expect(d.audit.of(proposal.id).filter((e) => e.action === 'proposal.combined')).toHaveLength(1);
    const submitted = await proposalOf(d, proposal.id);
    expect(submitted).toMatchObject({
      state: 'submitted',
      submitAttempts: 1,
      lastSubmitResult: 'tesSUCCESS',
    });
    expect(d.ledger.submitted[0]).toBe(submitted.combinedBlob);
  });

  it('stores the combined blob and hash before submitting, and withdraws the payloads left open', async () => {
    const { d, proposal } = await collectingProposal();
    await signs(d, proposal, alice);
    await signs(d, proposal, bob);
    const submitted = await proposalOf(d, proposal.id);
    expect(submitted.combinedHash).toBe((await combinedFrom(d, proposal, [alice, bob])).hash);
    expect((await requestOf(d, proposal.id, carol.classicAddress)).state).toBe('cancelled');
  });

  it('does not combine before the quorum', async () => {
    const { d, proposal } = await collectingProposal();
    await storeSignature(d, proposal, alice);
    expect(await d.combining.tryCombine(proposal.id, operator)).toBe(false);
    expect((await proposalOf(d, proposal.id)).state).toBe('collecting');
  });

  it('invalidates the proposal and withdraws its payloads when the SignerList changed before combine', async () => {
    const { d, proposal } = await collectingProposal();
    await storeSignature(d, proposal, alice);
    await storeSignature(d, proposal, bob);
    d.ledger.change(treasury.classicAddress, {
      signerList: { quorum: 2, entries: [alice, bob].map((w) => ({ account: w.classicAddress, weight: 1 })) },
    });
    await d.combining.tryCombine(proposal.id, operator);
    expect((await proposalOf(d, proposal.id)).state).toBe('invalidated');
    expect((await requestOf(d, proposal.id, carol.classicAddress)).state).toBe('cancelled');
    expect(d.ledger.submitted).toHaveLength(0);
  });

  it('drops a counted signature whose master key was disabled before combine, goes back to collecting, and completes with another signer', async () => {
    const { d, proposal } = await collectingProposal();
    await storeSignature(d, proposal, alice);
    await storeSignature(d, proposal, bob);
    d.ledger.change(alice.classicAddress, { masterDisabled: true, regularKey: dave.classicAddress });
    await d.combining.tryCombine(proposal.id, operator);

    expect(await requestOf(d, proposal.id, alice.classicAddress)).toMatchObject({
      state: 'refused',
      refusalCode: 'SIGNER_MASTER_DISABLED',
    });
    expect((await d.proposals.signaturesOf(proposal.id)).map((s) => s.signerAddress)).toEqual([
      bob.classicAddress,
    ]);
    expect((await proposalOf(d, proposal.id)).state).toBe('collecting');
    expect(d.ledger.submitted).toHaveLength(0);

    await signs(d, proposal, carol);
    const done = await proposalOf(d, proposal.id);
    expect(done.state).toBe('submitted');
    expect(done.combinedHash).toBe((await combinedFrom(d, proposal, [bob, carol])).hash);
  });

  it("takes the answer's ledger index from the submit answer when it names one, without asking the ledger", async () => {
    /** Ledger-index reads while the quorum completes and the blob is submitted. */
    const readsWhileSubmitting = async (named: number | null) => {
      const { d, proposal } = await collectingProposal();
      d.ledger.submitResults.push({ ...outcome('tesSUCCESS'), validatedLedgerIndex: named });
      await signs(d, proposal, alice);
      const asked = jest.spyOn(d.ledger, 'validatedLedgerIndex');
      await signs(d, proposal, bob);
      return { reads: asked.mock.calls.length, submitted: await proposalOf(d, proposal.id), d };
    };
    const named = await readsWhileSubmitting(4242);
    expect(named.submitted).toMatchObject({
      state: 'submitted',
      lastSubmitResult: 'tesSUCCESS',
      lastSubmittedLedgerIndex: 4242,
    });
    const unnamed = await readsWhileSubmitting(null);
    expect(unnamed.submitted.lastSubmittedLedgerIndex).toBe(await unnamed.d.ledger.validatedLedgerIndex());
    expect(unnamed.reads - named.reads).toBe(1);
  });

  it('fails the proposal when the first submission is refused for good (tem)', async () => {
    const { d, proposal } = await collectingProposal();
    d.ledger.submitResults.push(outcome('temBAD_SIGNATURE'));
    await signs(d, proposal, alice);
    await signs(d, proposal, bob);
    expect(await proposalOf(d, proposal.id)).toMatchObject({
      state: 'failed',
      resultCode: 'temBAD_SIGNATURE',
      lastSubmitResult: 'temBAD_SIGNATURE',
    });
  });

  it.each(['terQUEUED', 'telCAN_NOT_QUEUE'])(
    'keeps following a first submission answered %s',
    async (result) => {
      const { d, proposal } = await collectingProposal();
      d.ledger.submitResults.push(outcome(result));
      await signs(d, proposal, alice);
      await signs(d, proposal, bob);
      expect(await proposalOf(d, proposal.id)).toMatchObject({
        state: 'submitted',
        lastSubmitResult: result,
      });
    },
  );

  it.each(['tefPAST_SEQ', 'tefNO_TICKET', 'tefALREADY', 'tefBAD_AUTH'])(
    'does not end the proposal when a resubmission answers %s, and keeps the recorded result',
    async (result) => {
      const { d, proposal } = await collectingProposal();
      await signs(d, proposal, alice);
      await signs(d, proposal, bob);
      const submitted = await proposalOf(d, proposal.id);
      d.ledger.submitResults.push(outcome(result));
      expect(await d.combining.resubmit(submitted, d.ledger.validatedIndex)).not.toBe('failed');
      expect(await proposalOf(d, proposal.id)).toMatchObject({
        state: 'submitted',
        submitAttempts: 2,
        lastSubmitResult: result === 'tefBAD_AUTH' ? 'tefBAD_AUTH' : 'tesSUCCESS',
      });
    },
  );

  it('lets only one of two callers take the same resubmission', async () => {
    const { d, proposal } = await collectingProposal();
    await signs(d, proposal, alice);
    await signs(d, proposal, bob);
    const submitted = await proposalOf(d, proposal.id);
    const results = await Promise.all([
      d.combining.resubmit(submitted, d.ledger.validatedIndex),
      d.combining.resubmit(submitted, d.ledger.validatedIndex),
    ]);
    expect(results.sort()).toEqual(['not_owner', 'submitted']);
    expect(d.ledger.submitted).toHaveLength(2);
  });

  describe('recover()', () => {
    it('submits a stored combined blob nobody submitted, once its lease is stale, exactly once even with two workers', async () => {
      const { d, proposal } = await collectingProposal();
      await storeSignature(d, proposal, alice);
      await storeSignature(d, proposal, bob);
      // The winner claimed the quorum and stored the blob, then died before submitting.
      await d.changes.proposal(proposal.id, 'quorumClaimed', operator);
      const combined = await combinedFrom(d, proposal, [alice, bob]);
      await d.changes.patchProposal(proposal.id, ['quorum_reached'], {
        combinedBlob: combined.blob,
        combinedHash: combined.hash,
      });
      // While its winner may still be alive (withdrawing payloads), nobody takes its submission over.
      await d.combining.recover();
      expect(d.ledger.submitted).toEqual([]);
      d.clock.advance(d.settings.combineLeaseMs + 1);
      await Promise.all([d.combining.recover(), d.combining.recover()]);
      expect(d.ledger.submitted).toEqual([combined.blob]);
      expect((await proposalOf(d, proposal.id)).state).toBe('submitted');
    });

    it('combines a claimed quorum whose winner died before storing the blob, once its lease is stale', async () => {
      const { d, proposal } = await collectingProposal();
      await storeSignature(d, proposal, alice);
      await storeSignature(d, proposal, bob);
      await d.changes.proposal(proposal.id, 'quorumClaimed', operator);
      await d.combining.recover();
      expect(d.ledger.submitted).toHaveLength(0);
      d.clock.advance(d.settings.combineLeaseMs + 1);
      await d.combining.recover();
      expect(d.ledger.submitted).toHaveLength(1);
      expect((await proposalOf(d, proposal.id)).state).toBe('submitted');
    });

    it('combines a collecting proposal whose stored signatures already reach the quorum', async () => {
      const { d, proposal } = await collectingProposal();
      await storeSignature(d, proposal, alice);
      await storeSignature(d, proposal, carol);
      await d.combining.recover();
      const done = await proposalOf(d, proposal.id);
      expect(done.state).toBe('submitted');
      expect(d.audit.of(proposal.id).find((e) => e.action === 'proposal.quorum_reached')!.actorType).toBe(
        WORKER_ACTOR.type,
      );
    });
  });
});
