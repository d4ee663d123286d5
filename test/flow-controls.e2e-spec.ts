import { Wallet } from 'xrpl';
import { applySingleSigned, MultisigSetup } from '@app/sandbox';
import { FlowEnv, payment, startFlow, waitUntil } from './support/flow';

/**
 * Treasury controls through the REST API and both sandboxes: what a proposer key may not do, account
 * policies, time locks, pre-flight checks, reminders and renewal. Every refusal leaves no proposal
 * and no payload behind.
 */
describe('treasury controls (REST API + both sandboxes + PostgreSQL)', () => {
  let env: FlowEnv;
  let proposerKey: string;

  beforeAll(async () => {
    env = await startFlow({ env: { SIGN_REMINDER_AFTER_MS: '1500', SIGN_REMINDER_MAX: '1' } });
    const issued = await env.call('POST', '/v1/api-keys', { name: 'treasury proposer', role: 'proposer' });
    expect(issued.status).toBe(201);
    proposerKey = issued.body.key;
  }, 30_000);
  afterAll(async () => {
    await env?.close();
  }, 30_000);

  const twoOfThree = () => env.setUp({ quorum: 2, signers: [{ weight: 1 }, { weight: 1 }, { weight: 1 }] });

  /**
   * What a refused proposal must not leave behind for an account: proposals, first sign requests,
   * and payloads at Xaman for any proposal (reminders of proposals in flight do not count).
   */
  async function nothingStored(accountId: string) {
    const [row] = await env.db.dataSource.query<{ proposals: number; requests: number; address: string }[]>(
      `SELECT (SELECT count(*)::int FROM proposals WHERE account_id = a.id) AS proposals,
              (SELECT count(*)::int FROM signature_requests r JOIN proposals p ON p.id = r.proposal_id
               WHERE p.account_id = a.id AND r.attempt = 1) AS requests,
              a.address
       FROM accounts a WHERE a.id = $1`,
      [accountId],
    );
    const proposalsWithPayloads = new Set(
      env.xaman
        .listPayloadRecords()
        .filter(
          (r) =>
            (r.platform.payload as { request_json: { Account?: string } }).request_json.Account ===
            row!.address,
        )
        .map((r) => (r.platform.custom_meta as { blob: { proposalId: string } }).blob.proposalId),
    );
    return {
      proposals: row!.proposals,
      requests: row!.requests,
      proposalsWithPayloads: proposalsWithPayloads.size,
    };
  }

  function propose(accountId: string, txjson: Record<string, unknown>, key: string | null = proposerKey) {
    return env.call('POST', '/v1/proposals', { accountId, txjson }, { key });
  }

  function sign(uuid: string) {
    return env.xaman.sign(uuid);
  }

  async function signTwo(proposal: { signers: { payloadUuid: string }[] }) {
    sign(proposal.signers[0]!.payloadUuid);
    sign(proposal.signers[1]!.payloadUuid);
  }

  /**
   * The first two signers sign their latest payloads, read just before signing: a reminder may have
   * replaced a payload meanwhile (SIGN_REMINDER_MAX=1 here, so one fresh read is enough).
   */
  async function signTwoLatest(proposalId: string) {
    for (const index of [0, 1]) {
      const latest = async () => (await env.call('GET', `/v1/proposals/${proposalId}`)).body.signers[index];
      try {
        sign((await latest()).payloadUuid);
      } catch {
        const replaced = await waitUntil(
          async () => {
            const signer = await latest();
            return signer.reminders === 1 && signer.state === 'created' ? signer : undefined;
          },
          10_000,
          'the reminder payload',
        );
        sign(replaced.payloadUuid);
      }
    }
  }

  async function fundedDestination(flag?: number): Promise<string> {
    const wallet = Wallet.generate();
    await env.ledger.fund(wallet.classicAddress, 50_000_000n);
    if (flag !== undefined)
      await applySingleSigned(env.ledger, wallet, { TransactionType: 'AccountSet', SetFlag: flag });
    return wallet.classicAddress;
  }

  describe('safe defaults', () => {
    let setup: MultisigSetup;
    let accountId: string;
    beforeAll(async () => {
      setup = await twoOfThree();
      accountId = await env.register(setup);
    }, 30_000);

    it('refuses SetRegularKey, SignerListSet and disabling the master key with a proposer key, and creates no payload', async () => {
      const outsider = Wallet.generate().classicAddress;
      const before = await nothingStored(accountId);
      const attempts = [
        { TransactionType: 'SetRegularKey', RegularKey: outsider },
        {
          TransactionType: 'SignerListSet',
          SignerQuorum: 1,
          SignerEntries: [{ SignerEntry: { Account: outsider, SignerWeight: 1 } }],
        },
        { TransactionType: 'AccountSet', SetFlag: 4 },
        { TransactionType: 'AccountDelete', Destination: outsider },
      ];
      for (const txjson of attempts) {
        const refused = await propose(accountId, txjson);
        expect({ type: txjson.TransactionType, status: refused.status, code: refused.body.code }).toEqual({
          type: txjson.TransactionType,
          status: 403,
          code: 'TYPE_NEEDS_ADMIN',
        });
      }
      expect(await nothingStored(accountId)).toEqual(before);
    });

    it('refuses an OfferCreate, TicketCreate 250 and a payment of the whole balance, with a code naming the rule', async () => {
      const before = await nothingStored(accountId);
      const offer = await propose(accountId, {
        TransactionType: 'OfferCreate',
        TakerGets: '999000000',
        TakerPays: '1',
      });
      expect([offer.status, offer.body.code]).toEqual([422, 'POLICY_TYPE_NOT_ALLOWED']);
      const tickets = await propose(accountId, { TransactionType: 'TicketCreate', TicketCount: 250 });
      expect([tickets.status, tickets.body.code]).toEqual([422, 'POLICY_TICKET_COUNT_OVER_LIMIT']);
      const balance = env.ledger.getBalance(setup.account.address)!;
      const drain = await propose(accountId, payment(Wallet.generate().classicAddress, balance.toString()));
      expect([drain.status, drain.body.code]).toEqual([422, 'PREFLIGHT_INSUFFICIENT_BALANCE']);
      expect(await nothingStored(accountId)).toEqual(before);
    });

    it('shows signers a summary generated from the transaction, before the proposer note', async () => {
      const destination = Wallet.generate().classicAddress;
      const created = await env.call(
        'POST',
        '/v1/proposals',
        { accountId, txjson: payment(destination, '9000000'), instruction: 'Routine 1 XRP test payment' },
        { key: proposerKey },
      );
      expect(created.status).toBe(201);
      const fee = (Number(created.body.fee) / 1_000_000).toString();
      expect(created.body.summary).toBe(`Payment of 9 XRP to ${destination}, fee ${fee} XRP`);
      const record = env.xaman.getPayloadRecord(created.body.signers[0].payloadUuid);
      expect((record.platform.custom_meta as { instruction: string }).instruction).toBe(
        `Payment of 9 XRP to ${destination}, fee ${fee} XRP. Proposer's note: Routine 1 XRP test payment`,
      );
      expect(
        (await env.call('POST', `/v1/proposals/${created.body.id}/cancel`, {}, { key: proposerKey })).status,
      ).toBe(200);
    });

    it('lets a proposer key scoped to other accounts neither create nor cancel here', async () => {
      const scoped = await env.call('POST', '/v1/api-keys', {
        name: 'scoped proposer',
        role: 'proposer',
        accountIds: ['00000000-0000-4000-8000-000000000000'],
      });
      expect(scoped.body.accountIds).toEqual(['00000000-0000-4000-8000-000000000000']);
      const before = await nothingStored(accountId);
      const refused = await propose(
        accountId,
        payment(Wallet.generate().classicAddress, '2000000'),
        scoped.body.key,
      );
      expect([refused.status, refused.body.code]).toEqual([403, 'ACCOUNT_NOT_IN_KEY_SCOPE']);
      expect(await nothingStored(accountId)).toEqual(before);

      const mine = await propose(accountId, payment(Wallet.generate().classicAddress, '2000000'));
      const cancel = await env.call(
        'POST',
        `/v1/proposals/${mine.body.id}/cancel`,
        {},
        { key: scoped.body.key },
      );
      expect([cancel.status, cancel.body.code]).toEqual([403, 'ACCOUNT_NOT_IN_KEY_SCOPE']);
      expect((await env.call('GET', `/v1/proposals/${mine.body.id}`)).body.state).toBe('collecting');
      await env.call('POST', `/v1/proposals/${mine.body.id}/cancel`, {}, { key: proposerKey });
    });
  });

  describe('an account policy', () => {
    let accountId: string;
    const allowed = Wallet.generate().classicAddress;
    beforeAll(async () => {
      // Tickets: two proposals side by side, so the second meets the window limit, not NO_FREE_SEQUENCE.
      accountId = await env.register(
        await env.setUp({ quorum: 2, signers: [{ weight: 1 }, { weight: 1 }, { weight: 1 }], tickets: 2 }),
      );
    }, 30_000);

    it('is set by admins only, as a new version, and GET shows it and its history', async () => {
      const body = {
        allowedTransactionTypes: ['Payment'],
        destinations: [{ address: allowed }],
        maxAmountDrops: '10000000',
        windowLimits: [{ hours: 24, maxDrops: '8000000' }],
      };
      const forbidden = await env.call('PUT', `/v1/accounts/${accountId}/policy`, body, { key: proposerKey });
      expect([forbidden.status, forbidden.body.code]).toEqual([403, 'FORBIDDEN']);
      expect((await env.call('GET', `/v1/accounts/${accountId}/policy`)).body).toMatchObject({
        version: 0,
        isDefault: true,
      });
      const set = await env.call('PUT', `/v1/accounts/${accountId}/policy`, body);
      expect(set.status).toBe(200);
      expect(set.body).toMatchObject({ version: 1, isDefault: false, rules: { maxAmountDrops: '10000000' } });
      const history = await env.call('GET', `/v1/accounts/${accountId}/policy/history`);
      expect(history.body.items.map((p: { version: number }) => p.version)).toEqual([1, 0]);
      const bad = await env.call('PUT', `/v1/accounts/${accountId}/policy`, { maxAmountDrops: '-1' });
      expect([bad.status, bad.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    });

    it('refuses, with a code naming the rule and no payload: over the limit, off the allow-list, a type not allowed, over the window', async () => {
      const before = await nothingStored(accountId);
      const over = await propose(accountId, payment(allowed, '20000000'));
      expect([over.status, over.body.code]).toEqual([422, 'POLICY_AMOUNT_OVER_LIMIT']);
      expect(over.body.details).toMatchObject({ policyVersion: 1, maxAmountDrops: '10000000' });
      const elsewhere = await propose(accountId, payment(Wallet.generate().classicAddress, '5000000'));
      expect([elsewhere.status, elsewhere.body.code]).toEqual([422, 'POLICY_DESTINATION_NOT_ALLOWED']);
      const tickets = await propose(accountId, { TransactionType: 'TicketCreate', TicketCount: 2 });
      expect([tickets.status, tickets.body.code]).toEqual([422, 'POLICY_TYPE_NOT_ALLOWED']);
      expect(await nothingStored(accountId)).toEqual(before);

      // 5 XRP fits; in flight, it counts against the 8 XRP a day: 5 more does not.
      const first = await propose(accountId, payment(allowed, '5000000'));
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ policyVersion: 1, xrpOutDrops: '5000000' });
      const afterFirst = await nothingStored(accountId);
      const second = await propose(accountId, payment(allowed, '5000000'));
      expect([second.status, second.body.code]).toEqual([422, 'POLICY_WINDOW_LIMIT_EXCEEDED']);
      expect(await nothingStored(accountId)).toEqual(afterFirst);
      await env.call('POST', `/v1/proposals/${first.body.id}/cancel`, {}, { key: proposerKey });
    });
  });

  describe('a time lock', () => {
    it('holds a proposal in time_locked after quorum, where it can be cancelled; nothing is submitted', async () => {
      const setup = await twoOfThree();
      const accountId = await env.register(setup);
      await env.call('PUT', `/v1/accounts/${accountId}/policy`, {
        timeLock: { aboveDrops: '1000000', delaySeconds: 86_400 },
      });
      const created = await propose(accountId, payment(Wallet.generate().classicAddress, '3000000'));
      expect(created.status).toBe(201);
      expect(created.body.timeLock).toEqual({ seconds: 86_400, releasesAt: null });
      await signTwo(created.body);
      const locked = await env.waitForProposal(created.body.id, (p) => p.state === 'time_locked');
      expect(locked.hash).toMatch(/^[0-9A-F]{64}$/);
      expect(new Date(locked.timeLock.releasesAt).getTime()).toBeGreaterThan(Date.now() + 86_000_000);
      // LastLedgerSequence covers the lock (1 s ledgers at the fastest): at least a day of ledgers ahead.
      expect(locked.lastLedgerSequence).toBeGreaterThan(env.ledger.validatedLedgerIndex() + 86_400);

      const cancel = await env.call(
        'POST',
        `/v1/proposals/${created.body.id}/cancel`,
        {},
        { key: proposerKey },
      );
      expect(cancel.status).toBe(200);
      expect(cancel.body.proposal.state).toBe('cancelled');
      expect(cancel.body.signedTransaction).toMatchObject({
        hash: locked.hash,
        validUntilLedger: locked.lastLedgerSequence,
      });
      expect(env.submissions.map((s) => s.hash)).not.toContain(locked.hash);
    }, 40_000);

    it('submits a time-locked proposal once its lock ends', async () => {
      const setup = await twoOfThree();
      const accountId = await env.register(setup);
      await env.call('PUT', `/v1/accounts/${accountId}/policy`, {
        timeLock: { aboveDrops: '0', delaySeconds: 2 },
      });
      const destination = Wallet.generate().classicAddress;
      const created = await propose(accountId, payment(destination, '4000000'));
      await signTwo(created.body);
      const locked = await env.waitForProposal(created.body.id, (p) => p.state === 'time_locked');
      const done = await env.waitForProposal(created.body.id, (p) => p.state === 'succeeded');
      expect(new Date(done.submission.submittedAt).getTime()).toBeGreaterThanOrEqual(
        new Date(locked.timeLock.releasesAt).getTime(),
      );
      expect(env.ledger.getBalance(destination)).toBe(4_000_000n);
    }, 40_000);
  });

  describe('pre-flight checks, before any signer is asked', () => {
    let accountId: string;
    beforeAll(async () => {
      accountId = await env.register(await twoOfThree());
    }, 30_000);

    it('refuses a payment without a tag to a destination that requires one, and a 2 KB memo', async () => {
      const tagged = await fundedDestination(1); // asfRequireDest
      const before = await nothingStored(accountId);
      const untagged = await propose(accountId, payment(tagged, '2000000'));
      expect([untagged.status, untagged.body.code]).toEqual([422, 'PREFLIGHT_DESTINATION_NEEDS_TAG']);
      const memo = await propose(accountId, {
        ...payment(Wallet.generate().classicAddress, '2000000'),
        Memos: [{ Memo: { MemoData: 'AB'.repeat(2048) } }],
      });
      expect([memo.status, memo.body.code]).toEqual([422, 'TEMPLATE_MEMO_TOO_LARGE']);
      const noXrp = await propose(accountId, payment(await fundedDestination(3), '2000000')); // asfDisallowXRP
      expect([noXrp.status, noXrp.body.code]).toEqual([422, 'PREFLIGHT_DESTINATION_DISALLOWS_XRP']);
      const dust = await propose(accountId, payment(Wallet.generate().classicAddress, '1000'));
      expect([dust.status, dust.body.code]).toEqual([422, 'PREFLIGHT_DESTINATION_UNFUNDED']);
      expect(await nothingStored(accountId)).toEqual(before);

      const withTag = await propose(accountId, { ...payment(tagged, '2000000'), DestinationTag: 12 });
      expect(withTag.status).toBe(201);
      expect(withTag.body.summary).toContain(`to ${tagged} (tag 12)`);
      await env.call('POST', `/v1/proposals/${withTag.body.id}/cancel`, {}, { key: proposerKey });
    });
  });

  describe('reminders', () => {
    it('pushes a fresh payload for the same transaction to a signer who has not answered', async () => {
      const setup = await twoOfThree();
      const accountId = await env.register(setup);
      const created = await propose(accountId, payment(Wallet.generate().classicAddress, '2000000'));
      const firstUuid = created.body.signers[0].payloadUuid as string;
      // SIGN_REMINDER_MAX=1: once every signer got its one reminder and its new payload is out, the
      // payloads stay as they are.
      const reminded = await env.waitForProposal(
        created.body.id,
        (p) =>
          p.signers.every(
            (s: { reminders: number; state: string }) => s.reminders === 1 && s.state === 'created',
          ),
        20_000,
      );
      const newUuid = reminded.signers[0].payloadUuid as string;
      expect(newUuid).not.toBe(firstUuid);
      expect(reminded.signers[0]).toMatchObject({ state: 'created', pushed: true, reminders: 1 });
      const first = env.xaman.getPayloadRecord(firstUuid);
      const second = env.xaman.getPayloadRecord(newUuid);
      expect((first.platform.meta as { cancelled: boolean }).cancelled).toBe(true);
      expect(second.userId).toBe(first.userId);
      expect((second.platform.payload as { request_json: unknown }).request_json).toEqual(
        (first.platform.payload as { request_json: unknown }).request_json,
      );
      // The new payload counts: two signatures pay out.
      sign(newUuid);
      sign(reminded.signers[1].payloadUuid);
      await env.waitForProposal(created.body.id, (p) => p.state === 'succeeded', 20_000);
    }, 40_000);
  });

  describe('renewal', () => {
    it('renews a proposal whose fee went stale: the successor pays out exactly once, the old one never can', async () => {
      const setup = await twoOfThree();
      const accountId = await env.register(setup);
      const destination = Wallet.generate().classicAddress;
      const created = await propose(accountId, payment(destination, '6000000'));
      const old = created.body;
      sign(old.signers[0].payloadUuid);
      await env.waitForProposal(old.id, (p) => p.quorum.collectedWeight === 1);

      env.ledger.faults.openLedgerFeeMultiplier = 3;
      try {
        const renewed = await env.call('POST', `/v1/proposals/${old.id}/renew`, {}, { key: proposerKey });
        expect(renewed.status).toBe(201);
        const successor = renewed.body.proposal;
        expect(renewed.body.previous).toMatchObject({
          id: old.id,
          state: 'superseded',
          replacedBy: successor.id,
        });
        expect(successor).toMatchObject({
          state: 'collecting',
          replaces: { id: old.id, kind: 'renewal' },
          sequence: old.sequence,
          ticketSequence: old.ticketSequence,
          quorum: { collectedWeight: 0 },
        });
        expect(Number(successor.fee)).toBeGreaterThan(Number(old.fee));
        expect(successor.lastLedgerSequence).toBeGreaterThan(old.lastLedgerSequence);
        // Renewing again, or the old one, is refused.
        const again = await env.call('POST', `/v1/proposals/${old.id}/renew`, {}, { key: proposerKey });
        expect([again.status, again.body.code]).toEqual([409, 'PROPOSAL_NOT_RENEWABLE']);
        // The old payloads were withdrawn: the second signer can no longer sign the old bytes.
        await waitUntil(
          async () =>
            (await env.call('GET', `/v1/proposals/${old.id}`)).body.signers[1].state === 'cancelled',
          10_000,
          'old payloads withdrawn',
        );
        expect(() => sign(old.signers[1].payloadUuid)).toThrow();

        await signTwoLatest(successor.id);
        const done = await env.waitForProposal(successor.id, (p) => p.state === 'succeeded');
        expect(env.ledger.getBalance(destination)).toBe(6_000_000n);
        const applied = env.submissions.filter((s) => s.result === 'tesSUCCESS' && s.hash === done.hash);
        expect(applied).toHaveLength(1);
        expect((await env.call('GET', `/v1/proposals/${old.id}`)).body.state).toBe('superseded');
        expect(old.hash).toBeNull();
      } finally {
        env.ledger.faults.openLedgerFeeMultiplier = 1;
      }
    }, 40_000);

    it('invalidates a cancelled proposal on ledger with a no-op AccountSet on its number', async () => {
      const setup = await twoOfThree();
      const accountId = await env.register(setup);
      const created = await propose(accountId, payment(Wallet.generate().classicAddress, '2000000'));
      const open = await env.call(
        'POST',
        `/v1/proposals/${created.body.id}/invalidate-on-ledger`,
        {},
        { key: proposerKey },
      );
      expect([open.status, open.body.code]).toEqual([409, 'PROPOSAL_STILL_OPEN']);
      await env.call('POST', `/v1/proposals/${created.body.id}/cancel`, {}, { key: proposerKey });
      const invalidation = await env.call(
        'POST',
        `/v1/proposals/${created.body.id}/invalidate-on-ledger`,
        {},
        { key: proposerKey },
      );
      expect(invalidation.status).toBe(201);
      expect(invalidation.body.proposal).toMatchObject({
        transactionType: 'AccountSet',
        sequence: created.body.sequence,
        replaces: { id: created.body.id, kind: 'invalidation' },
        xrpOutDrops: '0',
      });
      expect(invalidation.body.previous.replacedBy).toBe(invalidation.body.proposal.id);
      await signTwo(invalidation.body.proposal);
      await env.waitForProposal(invalidation.body.proposal.id, (p) => p.state === 'succeeded');
      expect(env.ledger.getAccount(setup.account.address)!.Sequence).toBe(created.body.sequence + 1);
    }, 40_000);
  });
});
