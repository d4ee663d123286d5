import { destination, treasury } from '../../test/domain.fixtures';
import { controlChangeOf, evaluatePolicy, PolicyInput, timeLockFor } from './evaluate-policy';
import { DEFAULT_POLICY_RULES, defaultPolicy, PolicyRecord, PolicyRules } from './policy';

const XRP = 1_000_000n;

function policy(rules: Partial<PolicyRules> = {}, version = 3): PolicyRecord {
  return { ...defaultPolicy('acc'), version, rules: { ...DEFAULT_POLICY_RULES, ...rules } };
}

function payment(drops: bigint, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    TransactionType: 'Payment',
    Account: treasury.classicAddress,
    Destination: destination,
    Amount: drops.toString(),
    Fee: '36',
    Flags: 0,
    ...extra,
  };
}

function evaluate(input: Partial<PolicyInput> & { tx: Record<string, unknown> }) {
  return evaluatePolicy({
    role: 'proposer',
    policy: defaultPolicy('acc'),
    expiresInMinutes: 60,
    windowUsage: new Map(),
    ...input,
  });
}

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as { code: string }).code;
  }
  return 'ACCEPTED';
}

describe('evaluatePolicy: safe defaults', () => {
  it.each([
    ['SetRegularKey to an outsider', { TransactionType: 'SetRegularKey', RegularKey: destination }],
    ['SignerListSet handing control to one outsider', { TransactionType: 'SignerListSet', SignerQuorum: 1 }],
    ['AccountDelete', { TransactionType: 'AccountDelete', Destination: destination }],
    ['DelegateSet', { TransactionType: 'DelegateSet', Authorize: destination, Permissions: [] }],
    ['DepositPreauth', { TransactionType: 'DepositPreauth', Authorize: destination }],
    ['disabling the master key', { TransactionType: 'AccountSet', SetFlag: 4 }],
    ['allowing trust line clawback', { TransactionType: 'AccountSet', SetFlag: 16 }],
    ['an authorized NFToken minter', { TransactionType: 'AccountSet', NFTokenMinter: destination }],
  ])('refuses %s with a proposer key: TYPE_NEEDS_ADMIN', (_what, tx) => {
    expect(codeOf(() => evaluate({ tx: { ...tx, Fee: '36' } }))).toBe('TYPE_NEEDS_ADMIN');
  });

  it('lets an admin propose a control change, whatever the type list says', () => {
    expect(controlChangeOf({ TransactionType: 'SetRegularKey' })).toBe('SetRegularKey');
    expect(
      codeOf(() => evaluate({ role: 'admin', tx: { TransactionType: 'SignerListSet', Fee: '36' } })),
    ).toBe('ACCEPTED');
  });

  it('allows Payment, a sane TicketCreate and an AccountSet of the domain by default', () => {
    expect(codeOf(() => evaluate({ tx: payment(5n * XRP) }))).toBe('ACCEPTED');
    expect(
      codeOf(() => evaluate({ tx: { TransactionType: 'TicketCreate', TicketCount: 10, Fee: '36' } })),
    ).toBe('ACCEPTED');
    expect(
      codeOf(() => evaluate({ tx: { TransactionType: 'AccountSet', Domain: '6578616D706C65', Fee: '36' } })),
    ).toBe('ACCEPTED');
    expect(codeOf(() => evaluate({ tx: { TransactionType: 'AccountSet', Fee: '36', Flags: 0 } }))).toBe(
      'ACCEPTED',
    );
  });

  it('refuses types off the default list: an OfferCreate selling 999 XRP for dust', () => {
    const offer = { TransactionType: 'OfferCreate', TakerGets: '999000000', TakerPays: '1', Fee: '36' };
    expect(codeOf(() => evaluate({ tx: offer }))).toBe('POLICY_TYPE_NOT_ALLOWED');
    expect(
      codeOf(() =>
        evaluate({ tx: offer, policy: policy({ allowedTransactionTypes: ['Payment', 'OfferCreate'] }) }),
      ),
    ).toBe('ACCEPTED');
  });

  it('refuses TicketCreate 250: POLICY_TICKET_COUNT_OVER_LIMIT', () => {
    expect(
      codeOf(() => evaluate({ tx: { TransactionType: 'TicketCreate', TicketCount: 250, Fee: '36' } })),
    ).toBe('POLICY_TICKET_COUNT_OVER_LIMIT');
  });

  it('refuses AccountSet flags other than the control ones unless the policy allows them', () => {
    const requireDest = { TransactionType: 'AccountSet', SetFlag: 1, Fee: '36' };
    expect(codeOf(() => evaluate({ tx: requireDest }))).toBe('POLICY_ACCOUNTSET_FLAGS_NOT_ALLOWED');
    expect(codeOf(() => evaluate({ tx: requireDest, policy: policy({ allowAccountSetFlags: true }) }))).toBe(
      'ACCEPTED',
    );
  });
});

describe('evaluatePolicy: an account policy', () => {
  it('refuses a destination off the allow-list, and a listed one with the wrong tag', () => {
    const listed = policy({ destinations: [{ address: destination, destinationTag: 12 }] });
    expect(codeOf(() => evaluate({ tx: payment(XRP, { DestinationTag: 12 }), policy: listed }))).toBe(
      'ACCEPTED',
    );
    expect(codeOf(() => evaluate({ tx: payment(XRP, { DestinationTag: 13 }), policy: listed }))).toBe(
      'POLICY_DESTINATION_NOT_ALLOWED',
    );
    expect(codeOf(() => evaluate({ tx: payment(XRP), policy: listed }))).toBe(
      'POLICY_DESTINATION_NOT_ALLOWED',
    );
    const anyTag = policy({ destinations: [{ address: destination, destinationTag: null }] });
    expect(codeOf(() => evaluate({ tx: payment(XRP, { DestinationTag: 99 }), policy: anyTag }))).toBe(
      'ACCEPTED',
    );
  });

  it('refuses an amount over the per-proposal limit, naming the limit and the policy version', () => {
    const limited = policy({ maxAmountDrops: (100n * XRP).toString() }, 7);
    expect(codeOf(() => evaluate({ tx: payment(100n * XRP), policy: limited }))).toBe('ACCEPTED');
    try {
      evaluate({ tx: payment(900n * XRP), policy: limited });
      throw new Error('accepted');
    } catch (error) {
      expect(error).toMatchObject({
        code: 'POLICY_AMOUNT_OVER_LIMIT',
        details: { policyVersion: 7, amountDrops: '900000000', maxAmountDrops: '100000000' },
      });
    }
  });

  it('counts XRP sent by a cross-currency payment (SendMax) against the limit', () => {
    const limited = policy({ maxAmountDrops: (10n * XRP).toString() });
    const tx = payment(0n, {
      Amount: { currency: 'USD', issuer: destination, value: '5' },
      SendMax: '50000000',
    });
    expect(codeOf(() => evaluate({ tx, policy: limited }))).toBe('POLICY_AMOUNT_OVER_LIMIT');
  });

  it('refuses what would take a rolling window over its limit, counting what is already used', () => {
    const windows = policy({
      windowLimits: [
        { hours: 24, maxDrops: (100n * XRP).toString() },
        { hours: 168, maxDrops: (300n * XRP).toString() },
      ],
    });
    const usage = (day: bigint, week: bigint) =>
      new Map([
        [24, day],
        [168, week],
      ]);
    expect(
      codeOf(() =>
        evaluate({ tx: payment(40n * XRP), policy: windows, windowUsage: usage(60n * XRP, 60n * XRP) }),
      ),
    ).toBe('ACCEPTED');
    expect(
      codeOf(() =>
        evaluate({ tx: payment(41n * XRP), policy: windows, windowUsage: usage(60n * XRP, 60n * XRP) }),
      ),
    ).toBe('POLICY_WINDOW_LIMIT_EXCEEDED');
    try {
      evaluate({ tx: payment(10n * XRP), policy: windows, windowUsage: usage(0n, 295n * XRP) });
      throw new Error('accepted');
    } catch (error) {
      expect(error).toMatchObject({ code: 'POLICY_WINDOW_LIMIT_EXCEEDED', details: { windowHours: 168 } });
    }
  });

  it('refuses a Fee over the maximum and a signing window longer than allowed', () => {
    expect(
      codeOf(() => evaluate({ tx: payment(XRP, { Fee: '5000' }), policy: policy({ maxFeeDrops: 1000 }) })),
    ).toBe('POLICY_FEE_OVER_LIMIT');
    expect(
      codeOf(() =>
        evaluate({
          tx: payment(XRP),
          expiresInMinutes: 2000,
          policy: policy({ maxSigningWindowMinutes: 1440 }),
        }),
      ),
    ).toBe('POLICY_WINDOW_TOO_LONG');
  });

  it('asks for a time lock above an amount, and says what the proposal sends out', () => {
    const locked = policy({ timeLock: { aboveDrops: (100n * XRP).toString(), delaySeconds: 86_400 } });
    expect(evaluate({ tx: payment(100n * XRP), policy: locked })).toEqual({
      xrpOutDrops: 100n * XRP,
      timeLockSeconds: 0,
    });
    expect(evaluate({ tx: payment(101n * XRP), policy: locked })).toEqual({
      xrpOutDrops: 101n * XRP,
      timeLockSeconds: 86_400,
    });
    expect(timeLockFor(DEFAULT_POLICY_RULES, 10n ** 12n)).toBe(0);
  });
});
