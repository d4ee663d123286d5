import {
  lastLedgerSequenceFor,
  maxSignaturesForQuorum,
  payloadIdentifier,
  submitVerdict,
} from './proposal-rules';

describe('maxSignaturesForQuorum', () => {
  it.each([
    [[1, 1, 1], 2, 2],
    [[2, 1, 1, 1], 3, 3],
    [[3, 1, 1], 3, 3],
    [[5, 5, 1], 5, 2],
    [[1], 1, 1],
    [[10, 1, 1, 1, 1], 10, 5],
  ])('weights %j, quorum %i: the fee covers %i signatures', (weights, quorum, expected) => {
    expect(
      maxSignaturesForQuorum(
        weights.map((weight) => ({ weight })),
        quorum,
      ),
    ).toBe(expected);
  });

  it('is never smaller than the fewest-signature set any subset of signers can need (brute force)', () => {
    for (let trial = 0; trial < 200; trial++) {
      const weights = Array.from({ length: 1 + (trial % 6) }, (_v, i) => 1 + ((trial * 7 + i * 13) % 5));
      const total = weights.reduce((a, b) => a + b, 0);
      const quorum = 1 + (trial % total);
      const bound = maxSignaturesForQuorum(
        weights.map((weight) => ({ weight })),
        quorum,
      );
      for (let mask = 1; mask < 1 << weights.length; mask++) {
        const chosen = weights.filter((_w, i) => mask & (1 << i)).sort((a, b) => b - a);
        if (chosen.reduce((a, b) => a + b, 0) < quorum) continue;
        let sum = 0;
        let fewest = 0;
        while (sum < quorum) sum += chosen[fewest++]!;
        expect(fewest).toBeLessThanOrEqual(bound);
      }
    }
  });
});

describe('lastLedgerSequenceFor', () => {
  it('outlives the window at the fastest expected close rate, plus the margin', () => {
    expect(
      lastLedgerSequenceFor({
        validatedLedgerIndex: 1000,
        windowSeconds: 3600,
        minSecondsPerLedger: 3,
        marginLedgers: 20,
      }),
    ).toBe(1000 + 1200 + 20);
    expect(
      lastLedgerSequenceFor({
        validatedLedgerIndex: 5,
        windowSeconds: 10,
        minSecondsPerLedger: 3,
        marginLedgers: 0,
      }),
    ).toBe(5 + 4);
  });
});

describe('submitVerdict', () => {
  it.each([
    ['tesSUCCESS', false, 'pending'],
    ['terQUEUED', false, 'pending'],
    ['tecUNFUNDED_PAYMENT', false, 'pending'],
    ['tefALREADY', false, 'already'],
    ['tefPAST_SEQ', false, 'sequence_consumed'],
    ['tefNO_TICKET', false, 'sequence_consumed'],
    ['tefMAX_LEDGER', false, 'retry'],
    ['terPRE_SEQ', false, 'retry'],
    ['telINSUF_FEE_P', false, 'retry'],
    ['tefBAD_QUORUM', false, 'final'],
    ['tefBAD_SIGNATURE', false, 'final'],
    ['tefMASTER_DISABLED', false, 'final'],
    ['temMALFORMED', false, 'final'],
    ['invalidTransaction', true, 'final'],
    // rippled cannot take it now: never a reason to fail the proposal
    ['tooBusy', true, 'retry'],
    ['noCurrent', true, 'retry'],
    ['notSynced', true, 'retry'],
    ['slowDown', true, 'retry'],
  ])('%s (rpc error: %s) -> %s', (result, rpcError, verdict) => {
    expect(submitVerdict(result, rpcError)).toBe(verdict);
  });
});

describe('payloadIdentifier', () => {
  it('is unique per request and fits Xaman’s 40-character limit', () => {
    const id = payloadIdentifier('0b6e7a8c-3f7d-4c1e-9a55-2f0d6c3b9e11');
    expect(id).toBe('msc-0b6e7a8c3f7d4c1e9a552f0d6c3b9e11');
    expect(id.length).toBeLessThanOrEqual(40);
  });
});
