import {
  alice,
  bob,
  carol,
  collectingProposal,
  operator,
  payloadOf,
  propose,
  proposalOf,
  requestOf,
  signs,
  storeSignature,
  treasury,
} from '../../test/domain.fixtures';
import { XAMAN_ACTOR } from '../shared/actor';
import { RequestTransitionName } from '../state/proposal-state';

describe('CloseProposal', () => {
  describe('cancel', () => {
    it('cancels a collecting proposal and reports what happened to each payload', async () => {
      const { d, proposal } = await collectingProposal();
      d.xaman.open(await payloadOf(d, proposal.id, alice.classicAddress));
      const { payloads } = await d.closing.cancel(proposal.id, operator);
      expect(payloads.sort((a, b) => a.signer.localeCompare(b.signer))).toEqual(
        [
          { signer: alice.classicAddress, cancelled: false, reason: 'ALREADY_OPENED' },
          { signer: bob.classicAddress, cancelled: true, reason: 'OK' },
          { signer: carol.classicAddress, cancelled: true, reason: 'OK' },
        ].sort((a, b) => a.signer.localeCompare(b.signer)),
      );
      expect(await proposalOf(d, proposal.id)).toMatchObject({
        state: 'cancelled',
        finalReason: 'Cancelled by an operator',
      });
      expect(d.audit.of(proposal.id).find((e) => e.action === 'proposal.cancelled')!.actorId).toBe(
        operator.id,
      );
    });

    it('refuses PROPOSAL_NOT_CANCELLABLE once the quorum was claimed', async () => {
      const { d, proposal } = await collectingProposal();
      await d.changes.proposal(proposal.id, 'quorumClaimed', operator);
      await expect(d.closing.cancel(proposal.id, operator)).rejects.toMatchObject({
        code: 'PROPOSAL_NOT_CANCELLABLE',
        details: { state: 'quorum_reached' },
      });
    });

    it('refuses PROPOSAL_NOT_CANCELLABLE for a submitted proposal', async () => {
      const { d, proposal } = await collectingProposal();
      await signs(d, proposal, alice);
      await signs(d, proposal, bob);
      await expect(d.closing.cancel(proposal.id, operator)).rejects.toMatchObject({
        code: 'PROPOSAL_NOT_CANCELLABLE',
        details: { state: 'submitted' },
      });
      expect((await proposalOf(d, proposal.id)).state).toBe('submitted');
    });

    it('refuses PROPOSAL_NOT_CANCELLABLE for a closed proposal', async () => {
      const { d, proposal } = await collectingProposal();
      await d.closing.cancel(proposal.id, operator);
      await expect(d.closing.cancel(proposal.id, operator)).rejects.toMatchObject({
        code: 'PROPOSAL_NOT_CANCELLABLE',
        details: { state: 'cancelled' },
      });
    });

    it('answers PROPOSAL_NOT_FOUND for an unknown proposal', async () => {
      const { d } = await collectingProposal();
      await expect(d.closing.cancel('6f1d1a52-0000-4000-8000-000000000000', operator)).rejects.toMatchObject({
        code: 'PROPOSAL_NOT_FOUND',
      });
    });
  });

  describe('expireDue', () => {
    it('expires a collecting proposal past its deadline and withdraws its payloads', async () => {
      const { d, proposal } = await collectingProposal();
      d.clock.set(new Date(proposal.deadline.getTime() - 1));
      expect(await d.closing.expireDue()).toBe(0);
      d.clock.set(proposal.deadline);
      expect(await d.closing.expireDue()).toBe(1);
      expect(await proposalOf(d, proposal.id)).toMatchObject({
        state: 'expired',
        finalReason: 'The signing deadline passed before the quorum was reached',
      });
      expect((await d.proposals.requestsOf(proposal.id)).map((r) => r.state)).toEqual([
        'cancelled',
        'cancelled',
        'cancelled',
      ]);
    });

    it('expires every due proposal of a batch, with one audit event each, and withdraws all their payloads', async () => {
      const { d, proposal } = await collectingProposal({ tickets: [101] });
      const second = await propose(d, proposal.accountId);
      d.clock.set(new Date(Math.max(proposal.deadline.getTime(), second.deadline.getTime())));
      expect(await d.closing.expireDue()).toBe(2);
      expect(await d.closing.expireDue()).toBe(0);
      for (const id of [proposal.id, second.id]) {
        expect((await proposalOf(d, id)).state).toBe('expired');
        expect(d.audit.of(id).filter((e) => e.action === 'proposal.expired')).toHaveLength(1);
        expect((await d.proposals.requestsOf(id)).every((r) => r.state === 'cancelled')).toBe(true);
      }
    });

    it('expires a proposal whose LastLedgerSequence passed before its deadline', async () => {
      const { d, proposal } = await collectingProposal();
      d.ledger.validatedIndex = proposal.lastLedgerSequence + 1;
      expect(await d.closing.expireDue()).toBe(1);
      expect((await proposalOf(d, proposal.id)).finalReason).toBe(
        `LastLedgerSequence ${proposal.lastLedgerSequence} passed before the quorum was reached`,
      );
    });

    it('still expires deadlines while the ledger is down', async () => {
      const { d, proposal } = await collectingProposal();
      d.ledger.down = true;
      d.clock.set(proposal.deadline);
      expect(await d.closing.expireDue()).toBe(1);
      expect((await proposalOf(d, proposal.id)).state).toBe('expired');
    });

    it('does not close a proposal that reached its quorum', async () => {
      const { d, proposal } = await collectingProposal();
      await signs(d, proposal, alice);
      await signs(d, proposal, bob);
      d.clock.set(proposal.deadline);
      expect(await d.closing.expireDue()).toBe(0);
      expect((await proposalOf(d, proposal.id)).state).toBe('submitted');
    });
  });

  describe('supersedeSpent', () => {
    it('supersedes a collecting proposal whose Sequence was used elsewhere, and withdraws its payloads', async () => {
      const { d, account, proposal } = await collectingProposal();
      d.ledger.change(treasury.classicAddress, { sequence: proposal.sequence + 1 });
      expect(await d.closing.supersedeSpent(account.id, treasury.classicAddress)).toEqual([proposal.id]);
      expect((await proposalOf(d, proposal.id)).state).toBe('superseded');
      expect((await requestOf(d, proposal.id, alice.classicAddress)).state).toBe('cancelled');
    });

    it('supersedes a Ticket proposal once its Ticket is gone, and keeps one whose Ticket is still owned', async () => {
      const { d, account, proposal } = await collectingProposal({ tickets: [5, 6], sequence: 100 });
      const { proposalId: keptId } = await d.creating.execute({
        accountId: account.id,
        txjson: { TransactionType: 'AccountSet' },
        idempotencyKey: null,
        actor: operator,
      });
      d.ledger.change(treasury.classicAddress, { tickets: [6] });
      expect(await d.closing.supersedeSpent(account.id, treasury.classicAddress)).toEqual([proposal.id]);
      expect((await proposalOf(d, keptId)).state).toBe('collecting');
    });

    it('leaves proposals alone while their number is unused', async () => {
      const { d, account, proposal } = await collectingProposal();
      expect(await d.closing.supersedeSpent(account.id, treasury.classicAddress)).toEqual([]);
      expect((await proposalOf(d, proposal.id)).state).toBe('collecting');
    });
  });

  describe('rejectIfUnreachable', () => {
    async function withRequests(states: [string, RequestTransitionName][]) {
      const { d, proposal } = await collectingProposal();
      for (const [signer, transition] of states) {
        const request = await requestOf(d, proposal.id, signer);
        await d.changes.request(request.id, transition, XAMAN_ACTOR);
      }
      return { d, proposal: proposal };
    }

    it('does not count expired or cancelled payloads against the quorum', async () => {
      const { d, proposal } = await withRequests([
        [alice.classicAddress, 'expired'],
        [bob.classicAddress, 'cancelledAtXaman'],
      ]);
      expect(await d.closing.rejectIfUnreachable(proposal.id, XAMAN_ACTOR)).toBe(false);
      expect((await proposalOf(d, proposal.id)).state).toBe('collecting');
    });

    it('does not count a rejection plus an expiry against a 2-of-3 quorum', async () => {
      const { d, proposal } = await withRequests([
        [alice.classicAddress, 'rejected'],
        [bob.classicAddress, 'expired'],
      ]);
      expect(await d.closing.rejectIfUnreachable(proposal.id, XAMAN_ACTOR)).toBe(false);
    });

    it('rejects once rejections and refusals leave too little weight', async () => {
      const { d, proposal } = await withRequests([
        [alice.classicAddress, 'rejected'],
        [bob.classicAddress, 'refused'],
      ]);
      expect(await d.closing.rejectIfUnreachable(proposal.id, XAMAN_ACTOR)).toBe(true);
      expect((await proposalOf(d, proposal.id)).state).toBe('rejected');
      expect((await requestOf(d, proposal.id, carol.classicAddress)).state).toBe('cancelled');
    });

    it('does nothing for a proposal that is no longer collecting', async () => {
      const { d, proposal } = await collectingProposal();
      await storeSignature(d, proposal, alice);
      await d.changes.proposal(proposal.id, 'quorumClaimed', operator);
      expect(await d.closing.rejectIfUnreachable(proposal.id, XAMAN_ACTOR)).toBe(false);
    });
  });
});
