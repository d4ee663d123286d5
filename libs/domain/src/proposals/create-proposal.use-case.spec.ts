import { buildDomain, Domain } from '../../test/fakes';
import {
  alice,
  bob,
  carol,
  mallory,
  operator,
  otherOperator,
  payment,
  propose,
  registerTreasury,
  treasury,
} from '../../test/domain.fixtures';
import { AccountRecord } from '../records';

describe('CreateProposal', () => {
  let d: Domain;
  let account: AccountRecord;

  const create = (
    txjson: Record<string, unknown> = payment(),
    extra: Partial<{ idempotencyKey: string; expiresInMinutes: number }> = {},
  ) =>
    d.creating.execute({
      accountId: account.id,
      txjson,
      idempotencyKey: extra.idempotencyKey ?? null,
      actor: operator,
      ...(extra.expiresInMinutes !== undefined ? { expiresInMinutes: extra.expiresInMinutes } : {}),
    });

  async function withTreasury(setup: Parameters<typeof registerTreasury>[1] = {}) {
    d = buildDomain();
    account = await registerTreasury(d, setup);
  }

  describe('preparing', () => {
    beforeEach(() => withTreasury());

    it('prepares the exact transaction on validated facts: Account, Sequence, Fee for the quorum, LastLedgerSequence, empty SigningPubKey', async () => {
      const proposal = await propose(d, account.id);
      // 2-of-3 list: the fee covers 2 signatures, 10 drops x (1 + 2).
      expect(proposal.preparedTx).toMatchObject({
        Account: treasury.classicAddress,
        Sequence: 100,
        Fee: '30',
        SigningPubKey: '',
        LastLedgerSequence: 1_000 + 3600 / 3 + 20,
      });
      expect(proposal).toMatchObject({ state: 'collecting', signerQuorum: 2, maxSignatures: 2 });
      expect(proposal.signerListSnapshot.ledgerIndex).toBe(1_000);
      expect(proposal.deadline).toEqual(new Date(d.clock.now().getTime() + 60 * 60_000));
    });

    it('sends one sign request per listed signer, each to that signer only', async () => {
      const proposal = await propose(d, account.id);
      const requests = await d.proposals.requestsOf(proposal.id);
      expect(requests.map((r) => r.state)).toEqual(['created', 'created', 'created']);
      expect(d.xaman.created.map((c) => c.signer).sort()).toEqual(
        [alice, bob, carol].map((w) => w.classicAddress).sort(),
      );
      expect(d.xaman.created.every((c) => c.txjson.Sequence === 100)).toBe(true);
    });

    it('refuses with SIGNER_LIST_CHANGED when the ledger list differs from the registered one, and stores nothing', async () => {
      d.ledger.change(treasury.classicAddress, {
        signerList: {
          quorum: 2,
          entries: [alice, bob, mallory].map((w) => ({ account: w.classicAddress, weight: 1 })),
        },
      });
      await expect(create()).rejects.toMatchObject({ code: 'SIGNER_LIST_CHANGED' });
      expect(d.proposals.proposals.size).toBe(0);
      expect(d.xaman.created).toHaveLength(0);
    });

    it('refuses with SIGNER_LIST_CHANGED when only the quorum changed', async () => {
      const list = (await d.ledger.accountFacts(treasury.classicAddress)).signerList!;
      d.ledger.change(treasury.classicAddress, { signerList: { ...list, quorum: 3 } });
      await expect(create()).rejects.toMatchObject({ code: 'SIGNER_LIST_CHANGED' });
    });

    it('surfaces a multisign template refusal as a DomainError with the multisign code', async () => {
      await expect(create({ ...payment(), Account: mallory.classicAddress })).rejects.toMatchObject({
        name: 'DomainError',
        code: 'TEMPLATE_ACCOUNT_MISMATCH',
      });
      await expect(create({ ...payment(), SigningPubKey: alice.publicKey })).rejects.toMatchObject({
        name: 'DomainError',
        code: 'TEMPLATE_HAS_SIGNING_PUBKEY',
      });
      expect(d.proposals.proposals.size).toBe(0);
    });

    it('records the actor who created it in the audit trail', async () => {
      const { proposalId } = await d.creating.execute({
        accountId: account.id,
        txjson: payment(),
        idempotencyKey: null,
        actor: { ...otherOperator, requestId: 'req-1' },
      });
      const created = d.audit.of(proposalId).filter((e) => e.action === 'proposal.created');
      expect(created).toHaveLength(1);
      expect(created[0]).toMatchObject({
        actorType: 'api_key',
        actorId: otherOperator.id,
        requestId: 'req-1',
      });
      expect((await d.proposals.find(proposalId))!.createdBy).toBe(otherOperator.id);
    });

    it('answers ACCOUNT_NOT_FOUND for an unknown or malformed account id', async () => {
      await expect(
        d.creating.execute({ accountId: 'nope', txjson: payment(), idempotencyKey: null, actor: operator }),
      ).rejects.toMatchObject({ code: 'ACCOUNT_NOT_FOUND' });
      await expect(
        d.creating.execute({
          accountId: '00000000-0000-4000-8000-000000000000',
          txjson: payment(),
          idempotencyKey: null,
          actor: operator,
        }),
      ).rejects.toMatchObject({ code: 'ACCOUNT_NOT_FOUND' });
    });
  });

  describe('expiry', () => {
    beforeEach(() => withTreasury({ tickets: [1, 2, 3] }));

    it.each([0, -5, 1.5, 7 * 24 * 60 + 1])(
      'refuses expiresInMinutes %p with INVALID_EXPIRY',
      async (minutes) => {
        await expect(create(payment(), { expiresInMinutes: minutes })).rejects.toMatchObject({
          code: 'INVALID_EXPIRY',
        });
      },
    );

    it.each([1, 7 * 24 * 60])(
      'accepts expiresInMinutes %p and sets the deadline from it',
      async (minutes) => {
        const { proposalId } = await create(payment(), { expiresInMinutes: minutes });
        expect((await d.proposals.find(proposalId))!.deadline).toEqual(
          new Date(d.clock.now().getTime() + minutes * 60_000),
        );
      },
    );
  });

  describe('number allocation', () => {
    it('takes the Ticket the template names (Sequence 0 + TicketSequence)', async () => {
      await withTreasury({ tickets: [7, 9] });
      const { proposalId } = await create({ ...payment(), TicketSequence: 9 });
      const proposal = (await d.proposals.find(proposalId))!;
      expect(proposal.ticketSequence).toBe(9);
      expect(proposal.preparedTx).toMatchObject({ Sequence: 0, TicketSequence: 9 });
    });

    it('takes the lowest free Ticket when none is named', async () => {
      await withTreasury({ tickets: [12, 7, 9] });
      const first = await propose(d, account.id);
      const second = await propose(d, account.id);
      expect([first.ticketSequence, second.ticketSequence]).toEqual([7, 9]);
    });

    it("takes the account's Sequence when it has no Tickets", async () => {
      await withTreasury({ sequence: 321 });
      const proposal = await propose(d, account.id);
      expect(proposal).toMatchObject({ sequence: 321, ticketSequence: null });
    });

    it('accepts the current Sequence named in the template', async () => {
      await withTreasury({ sequence: 321, tickets: [5] });
      const { proposalId } = await create({ ...payment(), Sequence: 321 });
      expect(await d.proposals.find(proposalId)).toMatchObject({ sequence: 321, ticketSequence: null });
    });

    it('refuses NO_FREE_SEQUENCE when every Ticket and the Sequence are held by open proposals', async () => {
      await withTreasury({ tickets: [4] });
      await propose(d, account.id);
      await propose(d, account.id);
      await expect(create()).rejects.toMatchObject({ code: 'NO_FREE_SEQUENCE' });
    });

    it('frees the number of a closed proposal for the next one', async () => {
      await withTreasury();
      const first = await propose(d, account.id);
      await d.closing.cancel(first.id, operator);
      const second = await propose(d, account.id);
      expect(second.sequence).toBe(first.sequence);
    });

    it('refuses TICKET_IN_USE for a Ticket an open proposal holds', async () => {
      await withTreasury({ tickets: [7] });
      await propose(d, account.id);
      await expect(create({ ...payment(), TicketSequence: 7 })).rejects.toMatchObject({
        code: 'TICKET_IN_USE',
      });
    });

    it('refuses TICKET_NOT_OWNED for a Ticket the account does not own', async () => {
      await withTreasury({ tickets: [7] });
      await expect(create({ ...payment(), TicketSequence: 8 })).rejects.toMatchObject({
        code: 'TICKET_NOT_OWNED',
      });
    });

    it('refuses SEQUENCE_NOT_CURRENT for another Sequence than the account has', async () => {
      await withTreasury({ sequence: 100 });
      await expect(create({ ...payment(), Sequence: 99 })).rejects.toMatchObject({
        code: 'SEQUENCE_NOT_CURRENT',
      });
    });

    it('refuses TEMPLATE_SEQUENCE_AND_TICKET for a Sequence and a Ticket together', async () => {
      await withTreasury({ sequence: 100, tickets: [7] });
      await expect(create({ ...payment(), Sequence: 100, TicketSequence: 7 })).rejects.toMatchObject({
        code: 'TEMPLATE_SEQUENCE_AND_TICKET',
      });
    });

    it('gives 5 concurrent creations on 3 free Tickets + the Sequence 4 distinct numbers and refuses the 5th', async () => {
      await withTreasury({ sequence: 100, tickets: [3, 5, 7] });
      const results = await Promise.allSettled(
        Array.from({ length: 5 }, (_v, i) => create(payment(String(1_000_000 + i)))),
      );
      const created = results.filter((r) => r.status === 'fulfilled');
      const refused = results.filter((r) => r.status === 'rejected');
      expect(created).toHaveLength(4);
      expect(refused.map((r) => (r.reason as { code: string }).code)).toEqual(['NO_FREE_SEQUENCE']);
      const numbers = d.proposals.proposals
        .all()
        .map((p) => (p.ticketSequence !== null ? `T${p.ticketSequence}` : `S${p.sequence}`));
      expect(numbers.sort()).toEqual(['S100', 'T3', 'T5', 'T7']);
      expect(d.accounts.allocationLockCount).toBe(5);
    });
  });

  describe('Idempotency-Key', () => {
    it('answers a repeated request with the first proposal, creating nothing new', async () => {
      await withTreasury({ tickets: [1, 2] });
      const first = await create(payment(), { idempotencyKey: 'pay-42' });
      const again = await create(payment(), { idempotencyKey: 'pay-42' });
      expect(first.replayed).toBe(false);
      expect(again).toEqual({ proposalId: first.proposalId, replayed: true });
      expect(d.proposals.proposals.size).toBe(1);
      expect(d.xaman.created).toHaveLength(3);
    });

    it('refuses IDEMPOTENCY_KEY_REUSED for the same key with another body', async () => {
      await withTreasury({ tickets: [1, 2] });
      await create(payment('1000001'), { idempotencyKey: 'pay-42' });
      await expect(create(payment('1000002'), { idempotencyKey: 'pay-42' })).rejects.toMatchObject({
        code: 'IDEMPOTENCY_KEY_REUSED',
      });
    });

    it('scopes keys to the caller: another API key may use the same key', async () => {
      await withTreasury({ tickets: [1, 2] });
      await create(payment(), { idempotencyKey: 'pay-42' });
      const other = await d.creating.execute({
        accountId: account.id,
        txjson: payment(),
        idempotencyKey: 'pay-42',
        actor: otherOperator,
      });
      expect(other.replayed).toBe(false);
      expect(d.proposals.proposals.size).toBe(2);
    });

    it.each([
      ['with free Tickets left', [1, 2, 3]],
      ['on an account with only its Sequence', []],
    ])('turns concurrent same-key creations into one proposal (%s)', async (_case, tickets) => {
      await withTreasury({ tickets });
      const results = await Promise.all([1, 2, 3].map(() => create(payment(), { idempotencyKey: 'pay-42' })));
      expect(new Set(results.map((r) => r.proposalId)).size).toBe(1);
      expect(results.filter((r) => !r.replayed)).toHaveLength(1);
      expect(d.proposals.proposals.size).toBe(1);
      expect(d.xaman.created).toHaveLength(3);
    });
  });
});
