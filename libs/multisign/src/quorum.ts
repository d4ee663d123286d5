import { MultisignError } from './multisign.errors';
import type { SignerList } from './multisign.types';
import { MAX_SIGNERS } from './prepare';
import { accountIdOf, isList } from './xrpl-binary';

/** Anything that names a signer; VerifiedSignature qualifies. */
export interface SignerRef {
  readonly account: string;
}

export interface QuorumProgress {
  readonly quorum: number;
  /** Sum of SignerList weights of distinct listed signers among the signatures. */
  readonly collectedWeight: number;
  readonly reached: boolean;
  /** Distinct listed signers counted, in input order. */
  readonly signers: readonly string[];
}

function weights(signerList: SignerList): Map<string, number> {
  if (
    typeof signerList !== 'object' ||
    signerList === null ||
    !Number.isInteger(signerList.quorum) ||
    signerList.quorum <= 0 ||
    !isList(signerList.entries)
  ) {
    throw new MultisignError('INVALID_ARGUMENT', 'signerList must be { quorum > 0, entries }');
  }
  const map = new Map<string, number>();
  for (const entry of signerList.entries) {
    if (!Number.isInteger(entry.weight) || entry.weight <= 0 || map.has(entry.account)) {
      throw new MultisignError(
        'INVALID_ARGUMENT',
        'signerList entries need distinct accounts with positive weights',
      );
    }
    map.set(entry.account, entry.weight);
  }
  return map;
}

/**
 * Weight collected vs SignerQuorum. Each listed signer counts once with its SignerList weight;
 * signatures of accounts not in the list count for nothing (rippled: tefBAD_SIGNATURE).
 */
export function quorumProgress(signatures: readonly SignerRef[], signerList: SignerList): QuorumProgress {
  const weightOf = weights(signerList);
  const signers: string[] = [];
  let collectedWeight = 0;
  for (const { account } of signatures) {
    const weight = weightOf.get(account);
    if (weight === undefined || signers.includes(account)) continue;
    signers.push(account);
    collectedWeight += weight;
  }
  return {
    quorum: signerList.quorum,
    collectedWeight,
    reached: collectedWeight >= signerList.quorum,
    signers,
  };
}

/** Fewest signers (heaviest first) needed to reach `quorum` with these weights; Infinity if impossible. */
function fewestSignersNeeded(sortedDescending: readonly number[], quorum: number): number {
  let sum = 0;
  for (let i = 0; i < sortedDescending.length; i++) {
    sum += sortedDescending[i] ?? 0;
    if (sum >= quorum) return i + 1;
  }
  return Infinity;
}

/**
 * True when the signers still able to sign (every entry not in `excludedSigners`, e.g. those who
 * rejected or whose blobs were refused) can no longer reach the quorum, or could only reach it
 * with more than `maxSignatures` signatures (what the prepared Fee covers).
 */
export function isQuorumUnreachable(
  signerList: SignerList,
  excludedSigners: Iterable<string>,
  maxSignatures: number = MAX_SIGNERS,
): boolean {
  const weightOf = weights(signerList);
  const excluded = new Set(excludedSigners);
  const remaining = [...weightOf.entries()]
    .filter(([account]) => !excluded.has(account))
    .map(([, weight]) => weight)
    .sort((a, b) => b - a);
  return fewestSignersNeeded(remaining, signerList.quorum) > Math.min(maxSignatures, MAX_SIGNERS);
}

/** Search budget for the least-excess search; beyond it the best set found so far is returned. */
const SEARCH_NODE_BUDGET = 500_000;

/**
 * The smallest set of signatures that reaches the quorum: fewest signatures first, then least
 * weight above the quorum; never more than `maxSignatures` (what the Fee covers). Signatures of
 * unlisted accounts are ignored and each signer is used at most once (its first signature).
 * Returns the chosen signatures in combine() order (numeric AccountID), or null when the quorum
 * cannot be reached within `maxSignatures`.
 *
 * The signature count is always minimal. Excess weight is minimal exactly (branch and bound); on
 * adversarial weight sets the search stops after 500k nodes (tens of ms) with the best set found, still valid.
 */
export function selectSignatures<T extends SignerRef>(
  signatures: readonly T[],
  signerList: SignerList,
  maxSignatures: number,
): T[] | null {
  const weightOf = weights(signerList);
  const seen = new Set<string>();
  const candidates: { signature: T; weight: number; id: Buffer }[] = [];
  for (const signature of signatures) {
    const weight = weightOf.get(signature.account);
    if (weight === undefined || seen.has(signature.account)) continue;
    seen.add(signature.account);
    candidates.push({ signature, weight, id: accountIdOf(signature.account) });
  }
  candidates.sort((a, b) => b.weight - a.weight || Buffer.compare(a.id, b.id));
  const w = candidates.map((c) => c.weight);
  const quorum = signerList.quorum;
  const k = fewestSignersNeeded(w, quorum);
  if (k > Math.min(maxSignatures, MAX_SIGNERS)) return null;

  const n = w.length;
  // suffix[i] = sum of w[i..n-1]; prefix sums for "largest r from i" = sum w[i..i+r-1].
  const prefix = [0];
  for (let i = 0; i < n; i++) prefix.push((prefix[i] ?? 0) + (w[i] ?? 0));
  const rangeSum = (from: number, count: number): number => (prefix[from + count] ?? 0) - (prefix[from] ?? 0);

  let best = rangeSum(0, k);
  let bestPick = Array.from({ length: k }, (_, i) => i);
  const pick: number[] = [];
  let nodes = 0;

  const search = (i: number, sum: number): void => {
    if (best === quorum || nodes++ > SEARCH_NODE_BUDGET) return;
    const need = k - pick.length;
    if (need === 0) {
      if (sum >= quorum && sum < best) {
        best = sum;
        bestPick = [...pick];
      }
      return;
    }
    if (n - i < need) return;
    if (sum + rangeSum(i, need) < quorum) return; // even the heaviest remaining cannot reach it
    if (sum + rangeSum(n - need, need) >= best) return; // even the lightest remaining cannot beat best
    pick.push(i);
    search(i + 1, sum + (w[i] ?? 0));
    pick.pop();
    search(i + 1, sum);
  };
  search(0, 0);

  return bestPick
    .map((i) => candidates[i])
    .filter((c): c is NonNullable<typeof c> => c !== undefined)
    .sort((a, b) => Buffer.compare(a.id, b.id))
    .map((c) => c.signature);
}
