import { createHash, createPublicKey, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { createRequire } from 'node:module';
import { verify as keypairsVerify } from 'ripple-keypairs';

/**
 * Signature verification backends.
 *
 * Fast path: secp256k1 through the libsecp256k1 N-API binary that npm `secp256k1` 5.x ships prebuilt
 * (loaded explicitly with `secp256k1/bindings`; no install script, no elliptic.js fallback), and
 * Ed25519 through `node:crypto` (OpenSSL). Fallback: ripple-keypairs (pure JS, ~20x slower).
 *
 * This module only answers "does this signature verify over these bytes with this key". Every XRPL
 * encoding rule (33-byte key formats, strict DER, low S, Ed25519 S < L) is checked by the caller
 * (`signature-rules.ts`) BEFORE a backend is asked, so both backends see only inputs rippled would
 * hand to libsecp256k1 / ed25519-donna. A self-test with fixed ripple-keypairs vectors runs when a
 * backend loads; a backend that fails it is not used.
 */

/** Which implementation verifies each key type, and whether that is the slow fallback. */
export interface CryptoBackendInfo {
  readonly secp256k1: 'libsecp256k1-native' | 'ripple-keypairs-js';
  readonly ed25519: 'node-crypto' | 'ripple-keypairs-js';
  /** True when either key type runs on the pure-JS fallback (about 20x slower verification). */
  readonly fallback: boolean;
  /** One line for logs, e.g. "secp256k1: libsecp256k1 (native, secp256k1@5 prebuilt); ed25519: node:crypto". */
  readonly description: string;
  /** Why a fast backend was not used (empty when none fell back). */
  readonly problems: readonly string[];
}

/** Outcome of a secp256k1 check: `bad-key` means the 33-byte key is not a point on the curve. */
export type Secp256k1Check = 'valid' | 'invalid' | 'bad-key';

export interface CryptoBackend {
  readonly info: CryptoBackendInfo;
  /** Ed25519 over the raw message; `publicKey` is the 33-byte XRPL form (0xED + 32 bytes). */
  verifyEd25519(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean;
  /**
   * ECDSA over SHA-512Half(message). `der` and `compact` are the same signature, already checked to be
   * strict DER with 0 < R, S < n and low S; `publicKey` is 33 bytes starting 02/03.
   */
  verifySecp256k1(
    message: Uint8Array,
    der: Uint8Array,
    compact: Uint8Array,
    publicKey: Uint8Array,
  ): Secp256k1Check;
}

interface NativeSecp256k1 {
  ecdsaVerify(signature: Uint8Array, digest: Uint8Array, publicKey: Uint8Array): boolean;
  publicKeyVerify(publicKey: Uint8Array): boolean;
}

/** Fixed vectors signed with ripple-keypairs 3.1.0; message = "multisign crypto backend self-test". */
const SELF_TEST = {
  message: Buffer.from('multisign crypto backend self-test', 'utf8'),
  ed25519: {
    publicKey: 'EDF9096653463E3A0B79A67E69D9E66AB83D93D4E867335ADE5DAFE8467F4F1734',
    signature:
      '274FB2E5228E2FAE1114439CE3C29E04DE0898D07E8CD7468364F2A0704C2DB6A43C28B8A7293052FD0F4E23E8843103776E396BB144BBD85B2891892C2A570B',
  },
  secp256k1: {
    publicKey: '0322DC9BB14903F71186BC46B0107D55A069D23CD97BBD205491A992EC68FA0ABE',
    signature:
      '304402204B7880D8585F60B17E1EDC4E842824CABFCDD1BBBFE26D71C3C3A9F2FF4727E70220182EE9E096BF9B1B6A6B4FDA8FB4A0CED309C36A33EE5F7E6A4D3BF30AB2E030',
  },
};

export function sha512Half(data: Uint8Array): Buffer {
  return createHash('sha512').update(data).digest().subarray(0, 32);
}

/** SubjectPublicKeyInfo DER header for a raw 32-byte Ed25519 key (RFC 8410). */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const ED25519_KEY_CACHE_LIMIT = 4096;

function nodeEd25519Verifier(): (
  message: Uint8Array,
  signature: Uint8Array,
  publicKey: Uint8Array,
) => boolean {
  const keys = new Map<string, KeyObject>();
  return (message, signature, publicKey) => {
    const id = Buffer.from(publicKey).toString('hex');
    let key = keys.get(id);
    if (key === undefined) {
      try {
        key = createPublicKey({
          key: Buffer.concat([ED25519_SPKI_PREFIX, publicKey.subarray(1)]),
          format: 'der',
          type: 'spki',
        });
      } catch {
        return false;
      }
      if (keys.size >= ED25519_KEY_CACHE_LIMIT) keys.clear();
      keys.set(id, key);
    }
    try {
      return nodeVerify(null, message, key, signature);
    } catch {
      return false;
    }
  };
}

function keypairsEd25519Verify(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return keypairsVerify(
      Buffer.from(message).toString('hex'),
      Buffer.from(signature).toString('hex'),
      Buffer.from(publicKey).toString('hex'),
    );
  } catch {
    return false;
  }
}

const SECP_P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

/** Is the compressed key's x a coordinate of a curve point (x < p and x^3 + 7 a square mod p)? */
export function isSecp256k1Point(publicKey: Uint8Array): boolean {
  if (publicKey.length !== 33 || (publicKey[0] !== 0x02 && publicKey[0] !== 0x03)) return false;
  const x = BigInt('0x' + Buffer.from(publicKey.subarray(1)).toString('hex'));
  if (x >= SECP_P) return false;
  const rhs = (((x * x) % SECP_P) * x + 7n) % SECP_P;
  return rhs === 0n || modPow(rhs, (SECP_P - 1n) / 2n, SECP_P) === 1n;
}

function keypairsSecp256k1Verify(
  message: Uint8Array,
  der: Uint8Array,
  _compact: Uint8Array,
  publicKey: Uint8Array,
): Secp256k1Check {
  if (!isSecp256k1Point(publicKey)) return 'bad-key';
  try {
    return keypairsVerify(
      Buffer.from(message).toString('hex'),
      Buffer.from(der).toString('hex'),
      Buffer.from(publicKey).toString('hex'),
    )
      ? 'valid'
      : 'invalid';
  } catch {
    return 'invalid';
  }
}

function nativeSecp256k1Verifier(native: NativeSecp256k1): CryptoBackend['verifySecp256k1'] {
  return (message, _der, compact, publicKey) => {
    const digest = sha512Half(message);
    try {
      return native.ecdsaVerify(compact, digest, publicKey) ? 'valid' : 'invalid';
    } catch {
      // The binding throws when the key does not parse (or R/S overflow, excluded by our DER checks).
      return native.publicKeyVerify(publicKey) ? 'invalid' : 'bad-key';
    }
  };
}

/** DER (already strictly validated) to 64-byte R||S. Only used by the self-test here. */
function derToCompact(der: Uint8Array): Uint8Array {
  const rLength = der[3] ?? 0;
  const r = der.subarray(4, 4 + rLength);
  const s = der.subarray(6 + rLength);
  const out = new Uint8Array(64);
  out.set(r.subarray(Math.max(0, r.length - 32)), 32 - Math.min(32, r.length));
  out.set(s.subarray(Math.max(0, s.length - 32)), 64 - Math.min(32, s.length));
  return out;
}

function passesSelfTest(
  backend: Pick<CryptoBackend, 'verifyEd25519' | 'verifySecp256k1'>,
  which: 'ed' | 'secp',
) {
  const message = SELF_TEST.message;
  const tampered = Buffer.from(message);
  tampered[0] = (tampered[0] ?? 0) ^ 1;
  if (which === 'ed') {
    const sig = Buffer.from(SELF_TEST.ed25519.signature, 'hex');
    const key = Buffer.from(SELF_TEST.ed25519.publicKey, 'hex');
    return backend.verifyEd25519(message, sig, key) && !backend.verifyEd25519(tampered, sig, key);
  }
  const der = Buffer.from(SELF_TEST.secp256k1.signature, 'hex');
  const compact = derToCompact(der);
  const key = Buffer.from(SELF_TEST.secp256k1.publicKey, 'hex');
  return (
    backend.verifySecp256k1(message, der, compact, key) === 'valid' &&
    backend.verifySecp256k1(tampered, der, compact, key) === 'invalid'
  );
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export interface CryptoBackendOptions {
  /** Loads the native secp256k1 binding; default `require('secp256k1/bindings')`. Tests pass a failing loader. */
  loadSecp256k1?: () => unknown;
  /** Set false to skip node:crypto Ed25519 (tests of the fallback). */
  nodeEd25519?: boolean;
}

const defaultSecpLoader = (): unknown => createRequire(__filename)('secp256k1/bindings');

/** Build a backend: native where it loads and passes the self-test, ripple-keypairs otherwise. */
export function loadCryptoBackend(options: CryptoBackendOptions = {}): CryptoBackend {
  const problems: string[] = [];

  let verifySecp256k1: CryptoBackend['verifySecp256k1'] = keypairsSecp256k1Verify;
  let secpName: CryptoBackendInfo['secp256k1'] = 'ripple-keypairs-js';
  try {
    const native = (options.loadSecp256k1 ?? defaultSecpLoader)() as Partial<NativeSecp256k1> | null;
    if (typeof native?.ecdsaVerify !== 'function' || typeof native.publicKeyVerify !== 'function') {
      throw new Error('secp256k1/bindings does not expose ecdsaVerify/publicKeyVerify');
    }
    const candidate = nativeSecp256k1Verifier(native as NativeSecp256k1);
    if (!passesSelfTest({ verifyEd25519: () => false, verifySecp256k1: candidate }, 'secp')) {
      throw new Error('native secp256k1 failed the self-test against ripple-keypairs vectors');
    }
    verifySecp256k1 = candidate;
    secpName = 'libsecp256k1-native';
  } catch (error) {
    problems.push(`secp256k1 native binding unavailable: ${errorText(error)}`);
  }

  let verifyEd25519: CryptoBackend['verifyEd25519'] = keypairsEd25519Verify;
  let edName: CryptoBackendInfo['ed25519'] = 'ripple-keypairs-js';
  if (options.nodeEd25519 === false) {
    problems.push('node:crypto Ed25519 disabled by option');
  } else {
    const candidate = nodeEd25519Verifier();
    if (passesSelfTest({ verifyEd25519: candidate, verifySecp256k1: () => 'invalid' }, 'ed')) {
      verifyEd25519 = candidate;
      edName = 'node-crypto';
    } else {
      problems.push('node:crypto Ed25519 failed the self-test against ripple-keypairs vectors');
    }
  }

  const fallback = secpName !== 'libsecp256k1-native' || edName !== 'node-crypto';
  const description =
    `secp256k1: ${secpName === 'libsecp256k1-native' ? 'libsecp256k1 (native, npm secp256k1 prebuilt)' : 'ripple-keypairs (pure JS, SLOW)'}; ` +
    `ed25519: ${edName === 'node-crypto' ? 'node:crypto (OpenSSL)' : 'ripple-keypairs (pure JS, SLOW)'}`;
  return {
    info: Object.freeze({
      secp256k1: secpName,
      ed25519: edName,
      fallback,
      description,
      problems: Object.freeze(problems),
    }),
    verifyEd25519,
    verifySecp256k1,
  };
}

let active: CryptoBackend | undefined;

/** The warning text for a fallback backend, or null when every key type runs natively. */
export function fallbackWarning(info: CryptoBackendInfo): string | null {
  if (!info.fallback) return null;
  return (
    `@app/multisign is verifying signatures on the SLOW pure-JS fallback (${info.description}). ` +
    `Reasons: ${info.problems.join('; ')}`
  );
}

/** The process-wide backend, loaded on first use. Emits a Node warning once if it fell back. */
export function activeCryptoBackend(): CryptoBackend {
  if (active === undefined) {
    active = loadCryptoBackend();
    const warning = fallbackWarning(active.info);
    if (warning !== null) process.emitWarning(warning, { code: 'MULTISIGN_CRYPTO_FALLBACK' });
  }
  return active;
}

/**
 * Which crypto backend verifies signatures. Call it at boot and log `description`; if `fallback` is
 * true, log it at error level: verification then runs ~20x slower (still correct).
 */
export function cryptoBackend(): CryptoBackendInfo {
  return activeCryptoBackend().info;
}
