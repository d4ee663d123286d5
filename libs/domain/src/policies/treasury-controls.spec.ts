import { buildDomain, Domain } from '../../test/fakes';
import {
  alice,
  blobFor,
  bob,
  carol,
  destination,
  operator,
  payment,
  proposalOf,
  propose,
  registerTreasury,
  signs,
} from '../../test/domain.fixtures';
import { AccountRecord } from '../records';
import { AccessScope } from './access-scope';
import { DEFAULT_POLICY_RULES, PolicyRules } from './policy';

const XRP = 1_000_000;

describe('treasury controls in the flow (fakes)', () => {
  let d: Domain;
  let account: AccountRecord;

  beforeEach(async () => {
    d = buildDomain();
    account = await registerTreasury(d, { tickets: [1, 2, 3] });
  });

  const setPolicy = (rules: Partial<PolicyRules>) =>
    d.setPolicy.execute(account.id, { ...DEFAULT_POLICY_RULES, ...rules }, operator);

  const create = (txjson: Record<string, unknown>, scope?: AccessScope, expiresInMinutes?: number) =>
    d.creating.execute({
      accountId: account.id,
      txjson,
      idempotencyKey: null,
      actor: operator,
      ...(scope ? { scope } : {}),
      ...(expiresInMinutes ? { expiresInMinutes } : {}),
    });

  async function refusedWithNothingStored(promise: Promise<unknown>, code: string) {
    await expect(promise).rejects.toMatchObject({ code });
    expect(d.proposals.proposals.size).toBe(0);
    expect(d.proposals.requests.size).toBe(0);
    expect(d.xaman.created).toHaveLength(0);
  }

  describe('creation', () => {
    it('refuses a SetRegularKey from a proposer before anything is stored or sent; an admin may propose it', async () => {
      const tx = { TransactionType: 'SetRegularKey', RegularKey: destination };
      await refusedWithNothingStored(create(tx), 'TYPE_NEEDS_ADMIN');
      await expect(create(tx, { role: 'admin', accountIds: null })).resolves.toMatchObject({
        replayed: false,
      });
    });

    it('refuses an account outside the key scope: ACCOUNT_NOT_IN_KEY_SCOPE', async () => {
      await refusedWithNothingStored(
        create(payment(), { role: 'proposer', accountIds: ['00000000-0000-4000-8000-000000000000'] }),
        'ACCOUNT_NOT_IN_KEY_SCOPE',
      );
      await expect(create(payment(), { role: 'proposer', accountIds: [account.id] })).resolves.toBeDefined();
    });

    it.each([
      ['POLICY_AMOUNT_OVER_LIMIT', { maxAmountDrops: String(10 * XRP) }, payment(String(11 * XRP))],
      [
        'POLICY_DESTINATION_NOT_ALLOWED',
        { destinations: [{ address: alice.classicAddress, destinationTag: null }] },
        payment(),
      ],
      ['POLICY_TYPE_NOT_ALLOWED', { allowedTransactionTypes: ['TicketCreate'] }, payment()],
      ['POLICY_FEE_OVER_LIMIT', { maxFeeDrops: 20 }, payment()],
      ['POLICY_WINDOW_TOO_LONG', { maxSigningWindowMinutes: 30 }, payment()],
    ] as const)('refuses %s under the policy, storing and sending nothing', async (code, rules, tx) => {
      await setPolicy(rules as Partial<PolicyRules>);
      await refusedWithNothingStored(create(tx), code);
    });

    it('counts in-flight and succeeded proposals in a rolling window, not cancelled or older ones', async () => {
      await setPolicy({ windowLimits: [{ hours: 24, maxDrops: String(60 * XRP) }] });
      const first = await propose(d, account.id, { txjson: payment(String(25 * XRP)) });
      await propose(d, account.id, { txjson: payment(String(25 * XRP)) });
      await expect(create(payment(String(25 * XRP)))).rejects.toMatchObject({
        code: 'POLICY_WINDOW_LIMIT_EXCEEDED',
        details: { windowHours: 24, usedDrops: String(50 * XRP) },
      });
      await d.closing.cancel(first.id, operator);
      await expect(create(payment(String(25 * XRP)))).resolves.toBeDefined();
      // A day later the window is empty again.
      d.clock.advance(24 * 3600_000 + 1);
      for (const p of await d.proposals.inStates(['collecting'], 10)) await d.closing.cancel(p.id, operator);
      await expect(create(payment(String(60 * XRP)))).resolves.toBeDefined();
    });

    it('records the policy version and what the proposal sends out; a later policy does not change them', async () => {
      await setPolicy({ maxAmountDrops: String(100 * XRP) });
      const proposal = await propose(d, account.id, { txjson: payment(String(30 * XRP)) });
      await setPolicy({ maxAmountDrops: String(200 * XRP) });
      expect(await proposalOf(d, proposal.id)).toMatchObject({
        policyVersion: 1,
        xrpOutDrops: String(30 * XRP),
      });
      expect((await d.policyQueries.history(account.id)).map((p) => p.version)).toEqual([2, 1, 0]);
      expect(d.audit.of(account.id).filter((e) => e.action === 'policy.set')).toHaveLength(2);
    });

    it('refuses a policy that makes no sense: POLICY_INVALID, nothing stored', async () => {
      await expect(
        setPolicy({
          windowLimits: [
            { hours: 24, maxDrops: '1' },
            { hours: 24, maxDrops: '2' },
          ],
        }),
      ).rejects.toMatchObject({
        code: 'POLICY_INVALID',
      });
      expect((await d.policyQueries.current(account.id)).version).toBe(0);
    });

    it('refuses before anyone signs when the destination requires a tag, and when the balance cannot pay', async () => {
      d.ledger.setAccount(destination, { requireDestTag: true });
      await refusedWithNothingStored(create(payment()), 'PREFLIGHT_DESTINATION_NEEDS_TAG');
      d.ledger.setAccount(destination, { requireDestTag: false });
      await refusedWithNothingStored(create(payment(String(10_000 * XRP))), 'PREFLIGHT_INSUFFICIENT_BALANCE');
    });

    it('sends signers the generated summary first, then the note', async () => {
      await d.creating.execute({
        accountId: account.id,
        txjson: payment(String(900 * XRP)),
        instruction: 'Routine 1 XRP test payment',
        idempotencyKey: null,
        actor: operator,
      });
      expect(d.xaman.created[0]!.instruction).toMatch(
        new RegExp(
          `^Payment of 900 XRP to ${destination}, fee 0\\.00003 XRP\\. Proposer's note: Routine 1 XRP`,
        ),
      );
    });
  });

  describe('the time lock', () => {
    it('sizes LastLedgerSequence to cover the lock, waits in time_locked after quorum, and the worker submits after it', async () => {
      await setPolicy({ timeLock: { aboveDrops: String(10 * XRP), delaySeconds: 3600 } });
      const proposal = await propose(d, account.id, { txjson: payment(String(25 * XRP)) });
      // 60 min window + 60 min lock at 3 s a ledger, plus the margin.
      expect(proposal.lastLedgerSequence).toBe(1_000 + 7200 / 3 + 20);
      expect(proposal.timeLockSeconds).toBe(3600);
      await signs(d, proposal, alice);
      await signs(d, proposal, bob);
      const locked = await proposalOf(d, proposal.id);
      expect(locked).toMatchObject({
        state: 'time_locked',
        releasesAt: new Date(d.clock.now().getTime() + 3600_000),
      });
      expect(locked.combinedBlob).not.toBeNull();
      expect(d.ledger.submitted).toHaveLength(0);

      expect(await d.combining.releaseDue()).toBe(0);
      d.clock.advance(3600_000);
      const released = await Promise.all([d.combining.releaseDue(), d.combining.releaseDue()]);
      expect(released.reduce((a, b) => a + b, 0)).toBe(1);
      expect(d.ledger.submitted).toEqual([locked.combinedBlob]);
      expect((await proposalOf(d, proposal.id)).state).toBe('submitted');
    });

    it('does not lock a proposal at or below the amount', async () => {
      await setPolicy({ timeLock: { aboveDrops: String(25 * XRP), delaySeconds: 3600 } });
      const proposal = await propose(d, account.id, { txjson: payment(String(25 * XRP)) });
      await signs(d, proposal, alice);
      await signs(d, proposal, bob);
      expect((await proposalOf(d, proposal.id)).state).toBe('submitted');
    });

    it('applies a lock added after creation (tightening reaches proposals in flight)', async () => {
      const proposal = await propose(d, account.id);
      expect(proposal.timeLockSeconds).toBe(0);
      await setPolicy({ timeLock: { aboveDrops: '0', delaySeconds: 600 } });
      await signs(d, proposal, alice);
      await signs(d, proposal, bob);
      expect(await proposalOf(d, proposal.id)).toMatchObject({ state: 'time_locked', timeLockSeconds: 600 });
    });

    it('keeps the lock a proposal was made under when the policy drops it (loosening does not reach it)', async () => {
      await setPolicy({ timeLock: { aboveDrops: '0', delaySeconds: 600 } });
      const proposal = await propose(d, account.id);
      await setPolicy({ timeLock: null });
      await signs(d, proposal, alice);
      await signs(d, proposal, bob);
      expect((await proposalOf(d, proposal.id)).state).toBe('time_locked');
    });

    it('invalidates at quorum a proposal that a policy set after it no longer allows; never submits it', async () => {
      const proposal = await propose(d, account.id, { txjson: payment(String(25 * XRP)) });
      await setPolicy({ maxAmountDrops: String(10 * XRP) });
      await signs(d, proposal, alice);
      await signs(d, proposal, bob);
      const closed = await proposalOf(d, proposal.id);
      expect(closed.state).toBe('invalidated');
      expect(closed.finalReason).toMatch(/^POLICY_AMOUNT_OVER_LIMIT: policy version 1/);
      expect(d.ledger.submitted).toHaveLength(0);
    });

    it('submits at quorum when a later policy only loosened the rules', async () => {
      await setPolicy({ maxAmountDrops: String(30 * XRP) });
      const proposal = await propose(d, account.id, { txjson: payment(String(25 * XRP)) });
      await setPolicy({ maxAmountDrops: null });
      await signs(d, proposal, alice);
      await signs(d, proposal, bob);
      expect((await proposalOf(d, proposal.id)).state).toBe('submitted');
    });

    it('can be cancelled during the lock; the answer says the signed blob stays valid until LastLedgerSequence', async () => {
      await setPolicy({ timeLock: { aboveDrops: '0', delaySeconds: 600 } });
      const proposal = await propose(d, account.id);
      await signs(d, proposal, alice);
      await signs(d, proposal, bob);
      const { signedTransaction } = await d.closing.cancel(proposal.id, operator);
      expect(signedTransaction).toMatchObject({
        hash: (await proposalOf(d, proposal.id)).combinedHash,
        validUntilLedger: proposal.lastLedgerSequence,
      });
      d.clock.advance(600_000);
      expect(await d.combining.releaseDue()).toBe(0);
      expect(d.ledger.submitted).toHaveLength(0);
      expect((await proposalOf(d, proposal.id)).state).toBe('cancelled');
    });
  });

  describe('reminders', () => {
    it('cancels an unopened payload and pushes a new attempt for the same transaction, at most maxReminders times', async () => {
      const proposal = await propose(d, account.id, { expiresInMinutes: 600 });
      expect(await d.reminders.runDue()).toBe(0);
      d.clock.advance(d.settings.reminderAfterMs + 1);
      expect(await d.reminders.runDue()).toBe(3);
      const requests = await d.proposals.requestsOf(proposal.id);
      expect(requests.map((r) => `${r.attempt}:${r.state}`).sort()).toEqual([
        '1:cancelled',
        '1:cancelled',
        '1:cancelled',
        '2:created',
        '2:created',
        '2:created',
      ]);
      expect(d.xaman.created).toHaveLength(6);
      expect(d.xaman.created[3]!.txjson).toEqual(d.xaman.created[0]!.txjson);
      d.clock.advance(d.settings.reminderAfterMs + 1);
      expect(await d.reminders.runDue()).toBe(3);
      d.clock.advance(d.settings.reminderAfterMs + 1);
      expect(await d.reminders.runDue()).toBe(0); // maxReminders = 2
      // The latest attempt signs and counts.
      for (const wallet of [alice, bob]) {
        const latest = (await d.proposals.requestsOf(proposal.id)).filter(
          (r) => r.signerAddress === wallet.classicAddress,
        );
        const uuid = latest[latest.length - 1]!.xamanPayloadUuid!;
        d.xaman.sign(uuid, blobFor(proposal, wallet), wallet.classicAddress);
        await d.signals.signal(uuid, 'webhook');
      }
      expect((await proposalOf(d, proposal.id)).state).toBe('submitted');
    });

    it('leaves an opened payload alone: the signer is looking at it', async () => {
      const proposal = await propose(d, account.id);
      const [first] = await d.proposals.requestsOf(proposal.id);
      d.xaman.cancelResults.push({ cancelled: false, reason: 'ALREADY_OPENED' });
      d.clock.advance(d.settings.reminderAfterMs + 1);
      expect(await d.reminders.runDue()).toBe(2);
      expect((await d.proposals.findRequest(first!.id))!.state).toBe('created');
    });
  });

  describe('renewal and invalidation on ledger', () => {
    it('renews on the same number with a fresh Fee and LastLedgerSequence; old signatures never count', async () => {
      const old = await propose(d, account.id);
      await signs(d, old, alice);
      d.ledger.loadFactor = 3;
      d.ledger.closeLedgers(100);
      const { proposalId } = await d.renewing.execute({ proposalId: old.id, actor: operator });
      const renewed = await proposalOf(d, proposalId);
      const previous = await proposalOf(d, old.id);
      expect(previous).toMatchObject({ state: 'superseded', replacedById: proposalId });
      expect(renewed).toMatchObject({
        state: 'collecting',
        replacesId: old.id,
        replacesKind: 'renewal',
        ticketSequence: old.ticketSequence,
        sequence: old.sequence,
      });
      expect(renewed.feeDrops).toBe(old.feeDrops * 3);
      expect(renewed.lastLedgerSequence).toBe(old.lastLedgerSequence + 100);
      expect(await d.proposals.signaturesOf(proposalId)).toHaveLength(0);
      expect((await d.proposals.requestsOf(old.id)).every((r) => r.state !== 'created')).toBe(true);
      await expect(d.renewing.execute({ proposalId: old.id, actor: operator })).rejects.toMatchObject({
        code: 'PROPOSAL_NOT_RENEWABLE',
      });
      await signs(d, renewed, alice);
      await signs(d, renewed, carol);
      expect((await proposalOf(d, proposalId)).state).toBe('submitted');
      expect(d.ledger.submitted).toHaveLength(1);
    });

    it('leaves the predecessor collecting when the successor is refused (one transaction)', async () => {
      const old = await propose(d, account.id);
      await setPolicy({ maxAmountDrops: '1' });
      await expect(d.renewing.execute({ proposalId: old.id, actor: operator })).rejects.toMatchObject({
        code: 'POLICY_AMOUNT_OVER_LIMIT',
      });
      expect((await proposalOf(d, old.id)).state).toBe('collecting');
    });

    it('invalidates a cancelled proposal with a no-op AccountSet on its Ticket; refused while it is open', async () => {
      const old = await propose(d, account.id);
      await expect(d.invalidating.execute({ proposalId: old.id, actor: operator })).rejects.toMatchObject({
        code: 'PROPOSAL_STILL_OPEN',
      });
      await d.closing.cancel(old.id, operator);
      const { proposalId } = await d.invalidating.execute({ proposalId: old.id, actor: operator });
      const noop = await proposalOf(d, proposalId);
      expect(noop.preparedTx).toMatchObject({
        TransactionType: 'AccountSet',
        TicketSequence: old.ticketSequence,
      });
      expect(noop).toMatchObject({ replacesId: old.id, replacesKind: 'invalidation', xrpOutDrops: '0' });
      expect((await proposalOf(d, old.id)).replacedById).toBe(proposalId);
    });

    it('refuses renewal and invalidation for a key scoped to other accounts', async () => {
      const old = await propose(d, account.id);
      const scope = { role: 'proposer' as const, accountIds: ['00000000-0000-4000-8000-000000000000'] };
      await expect(d.renewing.execute({ proposalId: old.id, actor: operator, scope })).rejects.toMatchObject({
        code: 'ACCOUNT_NOT_IN_KEY_SCOPE',
      });
      await expect(d.closing.cancel(old.id, operator, scope)).rejects.toMatchObject({
        code: 'ACCOUNT_NOT_IN_KEY_SCOPE',
      });
      expect((await proposalOf(d, old.id)).state).toBe('collecting');
    });
  });
});
