import { destination, treasury } from '../../test/domain.fixtures';
import type { AccountFacts } from '../ports/ledger.port';
import { preflight, PreflightInput } from './preflight';

const XRP = 1_000_000n;

function facts(address: string, overrides: Partial<AccountFacts> = {}): AccountFacts {
  return {
    address,
    exists: true,
    ledgerIndex: 10,
    sequence: 5,
    balanceDrops: (100n * XRP).toString(),
    masterDisabled: false,
    regularKey: null,
    ticketCount: 0,
    ownerCount: 0,
    requireDestTag: false,
    disallowXRP: false,
    signerList: null,
    ...overrides,
  };
}

const unfunded = (address: string): AccountFacts => ({
  ...facts(address),
  exists: false,
  sequence: null,
  balanceDrops: null,
});

function check(
  amount: bigint,
  overrides: Partial<PreflightInput> = {},
  tx: Record<string, unknown> = {},
): string {
  try {
    preflight({
      tx: {
        TransactionType: 'Payment',
        Destination: destination,
        Amount: amount.toString(),
        Fee: '36',
        ...tx,
      },
      xrpOutDrops: amount,
      source: facts(treasury.classicAddress, { ownerCount: 1 }),
      destination: facts(destination),
      reserveBaseDrops: 1_000_000,
      reserveIncDrops: 200_000,
      inFlight: { amountDrops: 0n, feeDrops: 0n },
      ...overrides,
    });
    return 'ACCEPTED';
  } catch (error) {
    return (error as { code: string }).code;
  }
}

describe('preflight', () => {
  it('refuses a payment to an unfunded destination below the reserve, accepts one that creates it', () => {
    expect(check(XRP - 1n, { destination: unfunded(destination) })).toBe('PREFLIGHT_DESTINATION_UNFUNDED');
    expect(check(XRP, { destination: unfunded(destination) })).toBe('ACCEPTED');
  });

  it('refuses a destination that requires a tag when none is given', () => {
    const tagged = facts(destination, { requireDestTag: true });
    expect(check(XRP, { destination: tagged })).toBe('PREFLIGHT_DESTINATION_NEEDS_TAG');
    expect(check(XRP, { destination: tagged }, { DestinationTag: 0 })).toBe('ACCEPTED');
  });

  it('refuses XRP to a destination that disallows XRP', () => {
    expect(check(XRP, { destination: facts(destination, { disallowXRP: true }) })).toBe(
      'PREFLIGHT_DESTINATION_DISALLOWS_XRP',
    );
  });

  it('refuses what the balance cannot cover: amount + fee + reserve, beside the proposals in flight', () => {
    // 100 XRP less the reserve of 1 + 1 x 0.2 XRP leaves 98.8 XRP.
    expect(check(98_800_000n - 36n)).toBe('ACCEPTED');
    expect(check(98_800_000n - 35n)).toBe('PREFLIGHT_INSUFFICIENT_BALANCE');
    expect(check(100n * XRP)).toBe('PREFLIGHT_INSUFFICIENT_BALANCE');
    const inFlight = (feeDrops: bigint) => ({ inFlight: { amountDrops: 48_800_000n - 36n, feeDrops } });
    expect(check(50n * XRP, inFlight(0n))).toBe('ACCEPTED');
    expect(check(50n * XRP, inFlight(1n))).toBe('PREFLIGHT_INSUFFICIENT_BALANCE');
  });
});
