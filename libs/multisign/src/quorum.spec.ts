import fc from 'fast-check';
import { encodeAccountID } from 'ripple-address-codec';
import { isQuorumUnreachable, quorumProgress, selectSignatures, type SignerList } from '@app/multisign';

const addr = (i: number): string => {
  const id = new Uint8Array(20);
  id[0] = 0x10;
  id[19] = i;
  return encodeAccountID(id);
};
const [A, B, C, D, E] = [1, 2, 3, 4, 5].map(addr) as [string, string, string, string, string];

const list: SignerList = {
  quorum: 5,
  entries: [
    { account: A, weight: 3 },
    { account: B, weight: 3 },
    { account: C, weight: 2 },
    { account: D, weight: 1 },
    { account: E, weight: 4 },
  ],
};
const sig = (account: string) => ({ account, tag: `sig-${account}` });

describe('quorumProgress', () => {
  it('sums SignerList weights of distinct listed signers', () => {
    expect(quorumProgress([sig(A), sig(C)], list)).toEqual({
      quorum: 5,
      collectedWeight: 5,
      reached: true,
      signers: [A, C],
    });
    expect(quorumProgress([sig(A)], list)).toMatchObject({ collectedWeight: 3, reached: false });
  });

  it('counts a signer once and ignores unlisted accounts', () => {
    expect(quorumProgress([sig(A), sig(A), sig(addr(99))], list)).toMatchObject({
      collectedWeight: 3,
      signers: [A],
    });
  });
});

describe('isQuorumUnreachable', () => {
  it('is false while the remaining signers can still reach the quorum', () => {
    expect(isQuorumUnreachable(list, [])).toBe(false);
    expect(isQuorumUnreachable(list, [E, A])).toBe(false); // B3 + C2 = 5
  });

  it('is true once rejections leave too little weight', () => {
    expect(isQuorumUnreachable(list, [E, A, B])).toBe(true); // C2 + D1 = 3 < 5
  });

  it('is true when reaching it would need more signatures than the Fee covers', () => {
    expect(isQuorumUnreachable(list, [E], 1)).toBe(true); // needs 2 (A + B)
    expect(isQuorumUnreachable(list, [E], 2)).toBe(false);
  });
});

describe('selectSignatures', () => {
  it('prefers fewer signatures, then the least excess weight', () => {
    // Two signatures suffice: E4 + D1 = 5 (exact) beats E4 + A3 = 7 and A3 + B3 = 6.
    expect(
      selectSignatures([sig(A), sig(B), sig(D), sig(E)], list, 32)
        ?.map((s) => s.account)
        .sort(),
    ).toEqual([D, E].sort());
    // Fewer signatures first: E alone cannot, so two; A3 + C2 = 5 exact.
    expect(
      selectSignatures([sig(A), sig(B), sig(C)], list, 32)
        ?.map((s) => s.account)
        .sort(),
    ).toEqual([A, C].sort());
  });

  it('returns null when the quorum cannot be reached, or not within maxSignatures', () => {
    expect(selectSignatures([sig(C), sig(D)], list, 32)).toBeNull();
    expect(selectSignatures([sig(A), sig(C), sig(D)], list, 1)).toBeNull();
  });

  it('returns the chosen signatures themselves, in numeric AccountID order, each signer once', () => {
    const chosen = selectSignatures([sig(E), sig(E), sig(D), sig(addr(77))], list, 32);
    expect(chosen).toEqual([sig(D), sig(E)]);
  });

  it('matches a brute-force search on random lists', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 1, max: 10 }),
        (weights, quorumSeed, maxSignatures) => {
          const total = weights.reduce((a, b) => a + b, 0);
          const quorum = 1 + (quorumSeed % total);
          const signerList = {
            quorum,
            entries: weights.map((weight, i) => ({ account: addr(i + 1), weight })),
          };
          const chosen = selectSignatures(
            signerList.entries.map((e) => sig(e.account)),
            signerList,
            maxSignatures,
          );
          let best: { count: number; weight: number } | null = null;
          for (let mask = 1; mask < 1 << weights.length; mask++) {
            const members = weights.filter((_, i) => mask & (1 << i));
            const weight = members.reduce((a, b) => a + b, 0);
            if (weight < quorum || members.length > maxSignatures) continue;
            if (
              !best ||
              members.length < best.count ||
              (members.length === best.count && weight < best.weight)
            ) {
              best = { count: members.length, weight };
            }
          }
          if (best === null) {
            expect(chosen).toBeNull();
          } else {
            expect(chosen).not.toBeNull();
            const weight = quorumProgress(chosen!, signerList).collectedWeight;
            expect({ count: chosen!.length, weight }).toEqual(best);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('stays fast on 32 signers with large distinct weights', () => {
    const entries = Array.from({ length: 32 }, (_, i) => ({ account: addr(i + 1), weight: 60000 - i * 997 }));
    const total = entries.reduce((a, e) => a + e.weight, 0);
    const signerList = { quorum: Math.floor(total / 2), entries };
    const started = Date.now();
    const chosen = selectSignatures(
      entries.map((e) => sig(e.account)),
      signerList,
      32,
    );
    expect(chosen).not.toBeNull();
    expect(quorumProgress(chosen!, signerList).reached).toBe(true);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
