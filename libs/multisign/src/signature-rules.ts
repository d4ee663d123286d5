/**
 * XRPL signature encoding rules, exactly as rippled applies them before any curve arithmetic
 * (`PublicKey.cpp`: `publicKeyType`, `sigPart`, `ecdsaCanonicality`, `ed25519Canonical`).
 */

export type KeyAlgorithm = 'ed25519' | 'secp256k1';

/** rippled `publicKeyType`: 33 bytes, 0xED → ed25519, 0x02/0x03 → secp256k1, anything else → none. */
export function publicKeyAlgorithm(publicKey: Uint8Array): KeyAlgorithm | null {
  if (publicKey.length !== 33) return null;
  if (publicKey[0] === 0xed) return 'ed25519';
  if (publicKey[0] === 0x02 || publicKey[0] === 0x03) return 'secp256k1';
  return null;
}

/** secp256k1 group order n. */
const SECP_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const SECP_HALF_N = SECP_N >> 1n;

export type DerCheck =
  | { readonly kind: 'fully-canonical'; readonly compact: Uint8Array }
  | { readonly kind: 'canonical-high-s' }
  | { readonly kind: 'malformed'; readonly reason: string };

function bigintOf(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt('0x' + Buffer.from(bytes).toString('hex'));
}

/**
 * rippled `sigPart`: `02 <len> <int>`, 1 <= len <= 33, not negative, no needless leading zero.
 * Returns [integer bytes, rest] or a reason.
 */
function sigPart(buf: Uint8Array): [Uint8Array, Uint8Array] | string {
  if (buf.length < 3 || buf[0] !== 0x02) return 'integer tag';
  const len = buf[1] ?? 0;
  const rest = buf.subarray(2);
  if (len > rest.length || len < 1 || len > 33) return 'integer length';
  const first = rest[0] ?? 0;
  if ((first & 0x80) !== 0) return 'negative integer';
  if (first === 0) {
    if (len === 1) return 'zero integer';
    if (((rest[1] ?? 0) & 0x80) === 0) return 'padded integer';
  }
  return [rest.subarray(0, len), rest.subarray(len)];
}

/**
 * rippled `ecdsaCanonicality` (strict DER, 0 < R,S < n) plus the fully-canonical (low S) rule that
 * RequireFullyCanonicalSig makes mandatory. On success also returns the 64-byte compact R||S.
 */
export function checkSecp256k1Der(signature: Uint8Array): DerCheck {
  if (signature.length < 8 || signature.length > 72) return { kind: 'malformed', reason: 'length' };
  if (signature[0] !== 0x30 || signature[1] !== signature.length - 2) {
    return { kind: 'malformed', reason: 'sequence header' };
  }
  const r = sigPart(signature.subarray(2));
  if (typeof r === 'string') return { kind: 'malformed', reason: `R: ${r}` };
  const s = sigPart(r[1]);
  if (typeof s === 'string') return { kind: 'malformed', reason: `S: ${s}` };
  if (s[1].length !== 0) return { kind: 'malformed', reason: 'trailing bytes' };
  const rValue = bigintOf(r[0]);
  const sValue = bigintOf(s[0]);
  if (rValue >= SECP_N) return { kind: 'malformed', reason: 'R >= n' };
  if (sValue >= SECP_N) return { kind: 'malformed', reason: 'S >= n' };
  // rippled: fully canonical when S <= n - S, i.e. S <= floor(n/2) since n is odd.
  if (sValue > SECP_HALF_N) return { kind: 'canonical-high-s' };
  const compact = new Uint8Array(64);
  const rBytes = r[0].length === 33 ? r[0].subarray(1) : r[0];
  const sBytes = s[0].length === 33 ? s[0].subarray(1) : s[0];
  compact.set(rBytes, 32 - rBytes.length);
  compact.set(sBytes, 64 - sBytes.length);
  return { kind: 'fully-canonical', compact };
}

/** Ed25519 group order L, big-endian. */
const ED25519_L = 0x1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3edn;

/** rippled `ed25519Canonical`: 64 bytes and S (little-endian second half) < L. */
export function isCanonicalEd25519Signature(signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  const sBigEndian = Buffer.from(signature.subarray(32)).reverse();
  return bigintOf(sBigEndian) < ED25519_L;
}
