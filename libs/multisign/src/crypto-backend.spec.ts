import fc from 'fast-check';
import { deriveKeypair, generateSeed, sign as keypairsSign, verify as keypairsVerify } from 'ripple-keypairs';
import { cryptoBackend } from '@app/multisign';
import { fallbackWarning, isSecp256k1Point, loadCryptoBackend, type CryptoBackend } from './crypto-backend';
import { checkSecp256k1Der, isCanonicalEd25519Signature } from './signature-rules';

const native = loadCryptoBackend();
const fallback = loadCryptoBackend({
  loadSecp256k1: () => {
    throw new Error('simulated: prebuilt binary missing');
  },
  nodeEd25519: false,
});

/** Our whole check for one signature: XRPL encoding rules first, then the backend. */
function ourVerdict(
  backend: CryptoBackend,
  messageHex: string,
  signatureHex: string,
  publicKeyHex: string,
): boolean {
  const message = Buffer.from(messageHex, 'hex');
  const signature = Buffer.from(signatureHex, 'hex');
  const publicKey = Buffer.from(publicKeyHex, 'hex');
  if (publicKey[0] === 0xed) {
    return isCanonicalEd25519Signature(signature) && backend.verifyEd25519(message, signature, publicKey);
  }
  const der = checkSecp256k1Der(signature);
  return (
    der.kind === 'fully-canonical' &&
    backend.verifySecp256k1(message, signature, der.compact, publicKey) === 'valid'
  );
}

const keys = {
  ed25519: deriveKeypair(generateSeed({ entropy: new Uint8Array(16).fill(0x31), algorithm: 'ed25519' })),
  secp256k1: deriveKeypair(
    generateSeed({ entropy: new Uint8Array(16).fill(0x32), algorithm: 'ecdsa-secp256k1' }),
  ),
};

describe('crypto backend', () => {
  it('loads the native backends on this platform (linux-x64 prebuilt + node:crypto)', () => {
    expect(cryptoBackend()).toMatchObject({
      secp256k1: 'libsecp256k1-native',
      ed25519: 'node-crypto',
      fallback: false,
      problems: [],
    });
    expect(fallbackWarning(cryptoBackend())).toBeNull();
  });

  it('falls back to ripple-keypairs, says so, and explains why', () => {
    expect(fallback.info).toMatchObject({
      secp256k1: 'ripple-keypairs-js',
      ed25519: 'ripple-keypairs-js',
      fallback: true,
    });
    expect(fallback.info.problems.join(' ')).toContain('simulated: prebuilt binary missing');
    expect(fallbackWarning(fallback.info)).toMatch(/SLOW pure-JS fallback/);
  });

  it('refuses a native binding that fails the self-test', () => {
    const liar = loadCryptoBackend({
      loadSecp256k1: () => ({ ecdsaVerify: () => true, publicKeyVerify: () => true }),
    });
    expect(liar.info.secp256k1).toBe('ripple-keypairs-js');
    expect(liar.info.problems.join(' ')).toContain('self-test');
  });

  it.each(['ed25519', 'secp256k1'] as const)(
    'agrees with ripple-keypairs.verify on random %s vectors, valid and tampered, on both backends',
    (algorithm) => {
      const { privateKey, publicKey } = keys[algorithm];
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: 0, maxLength: 300 }),
          fc.nat(),
          fc.integer({ min: 0, max: 7 }),
          (message, position, bit) => {
            const messageHex = Buffer.from(message).toString('hex');
            const signature = keypairsSign(messageHex, privateKey);
            const tamperedSig = Buffer.from(signature, 'hex');
            tamperedSig[position % tamperedSig.length]! ^= 1 << bit;
            const tamperedMessage = Buffer.from(message.length > 0 ? message : [0]);
            tamperedMessage[position % tamperedMessage.length]! ^= 1 << bit;
            const vectors: [string, string][] = [
              [messageHex, signature],
              [messageHex, tamperedSig.toString('hex')],
              [tamperedMessage.toString('hex'), signature],
            ];
            for (const [m, s] of vectors) {
              let expected: boolean;
              try {
                expected = keypairsVerify(m, s, publicKey);
              } catch {
                expected = false;
              }
              expect(ourVerdict(native, m, s, publicKey)).toBe(expected);
              expect(ourVerdict(fallback, m, s, publicKey)).toBe(expected);
            }
            expect(ourVerdict(native, messageHex, signature, publicKey)).toBe(true);
          },
        ),
        { numRuns: 150 },
      );
    },
  );

  it('agrees with ripple-keypairs across many different keys', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.boolean(), (entropy, ed) => {
        const pair = deriveKeypair(generateSeed({ entropy, algorithm: ed ? 'ed25519' : 'ecdsa-secp256k1' }));
        const messageHex = Buffer.from(entropy).toString('hex');
        const signature = keypairsSign(messageHex, pair.privateKey);
        expect(ourVerdict(native, messageHex, signature, pair.publicKey)).toBe(true);
        expect(ourVerdict(fallback, messageHex, signature, pair.publicKey)).toBe(true);
        expect(ourVerdict(native, messageHex + '00', signature, pair.publicKey)).toBe(false);
      }),
      { numRuns: 60 },
    );
  });

  it('classifies secp256k1 keys off the curve the same way on both backends', () => {
    const offCurve = Buffer.from('02' + '00'.repeat(31) + '05', 'hex');
    const onCurve = Buffer.from(keys.secp256k1.publicKey, 'hex');
    expect(isSecp256k1Point(offCurve)).toBe(false);
    expect(isSecp256k1Point(onCurve)).toBe(true);
    const der = Buffer.from(keypairsSign('AB', keys.secp256k1.privateKey), 'hex');
    const check = checkSecp256k1Der(der);
    if (check.kind !== 'fully-canonical') throw new Error('fixture');
    for (const backend of [native, fallback]) {
      expect(backend.verifySecp256k1(Buffer.from('AB', 'hex'), der, check.compact, offCurve)).toBe('bad-key');
      expect(backend.verifySecp256k1(Buffer.from('AC', 'hex'), der, check.compact, onCurve)).toBe('invalid');
    }
  });
});

describe('loud fallback', () => {
  afterEach(() => jest.restoreAllMocks());

  it('emits a MULTISIGN_CRYPTO_FALLBACK process warning once when the native binary cannot load', async () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    await jest.isolateModulesAsync(async () => {
      jest.doMock('node:module', () => ({
        createRequire: () => () => {
          throw new Error('simulated: no prebuilt binary for this platform');
        },
      }));
      const isolated = await import('./crypto-backend');
      const info = isolated.cryptoBackend();
      isolated.cryptoBackend();
      expect(info).toMatchObject({ secp256k1: 'ripple-keypairs-js', ed25519: 'node-crypto', fallback: true });
      expect(info.description).toContain('SLOW');
    });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('simulated: no prebuilt binary'), {
      code: 'MULTISIGN_CRYPTO_FALLBACK',
    });
  });
});
