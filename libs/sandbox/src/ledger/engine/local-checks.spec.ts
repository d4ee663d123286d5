import { randomBytes } from 'node:crypto';
import { deriveKeypair, generateSeed, sign, verify } from 'ripple-keypairs';
import { verifyEd25519 } from './local-checks';

/** The ledger sandbox checks ed25519 with OpenSSL; ripple-keypairs (pure JS) is the verdict it must keep. */
describe('verifyEd25519 gives the verdicts of ripple-keypairs', () => {
  const keys = Array.from({ length: 8 }, (_, i) =>
    deriveKeypair(generateSeed({ entropy: new Uint8Array(16).fill(i + 1), algorithm: 'ed25519' })),
  );
  const L = 2n ** 252n + 27742317777372353535851937790883648493n;
  const both = (message: string, signature: string, publicKey: string) => {
    let reference: boolean;
    try {
      reference = verify(message, signature, publicKey);
    } catch {
      reference = false;
    }
    return { reference, openssl: verifyEd25519(message, signature, publicKey) };
  };
  const cases: { name: string; message: string; signature: string; publicKey: string }[] = [];
  for (let i = 0; i < 64; i++) {
    const key = keys[i % keys.length]!;
    const message = randomBytes(1 + ((i * 37) % 300))
      .toString('hex')
      .toUpperCase();
    const signature = sign(message, key.privateKey);
    cases.push({ name: `valid #${i}`, message, signature, publicKey: key.publicKey });
    const flipped = Buffer.from(signature, 'hex');
    flipped[i % 64]! ^= 1 << (i % 8);
    cases.push({
      name: `signature bit flipped #${i}`,
      message,
      signature: flipped.toString('hex'),
      publicKey: key.publicKey,
    });
    const other = Buffer.from(message, 'hex');
    other[0]! ^= 0x80;
    cases.push({
      name: `message changed #${i}`,
      message: other.toString('hex'),
      signature,
      publicKey: key.publicKey,
    });
    cases.push({
      name: `other key #${i}`,
      message,
      signature,
      publicKey: keys[(i + 1) % keys.length]!.publicKey,
    });
    // S + L: the same point equation, a non-canonical S (malleability): rippled refuses it.
    const s = BigInt(
      '0x' + Buffer.from(Buffer.from(signature, 'hex').subarray(32)).reverse().toString('hex'),
    );
    const sPlusL = Buffer.from((s + L).toString(16).padStart(64, '0'), 'hex').reverse();
    if (s + L < 2n ** 256n)
      cases.push({
        name: `S + L #${i}`,
        message,
        signature: signature.slice(0, 64) + sPlusL.toString('hex'),
        publicKey: key.publicKey,
      });
  }
  const [key] = keys;
  const message = 'AB'.repeat(40);
  const signature = sign(message, key!.privateKey);
  cases.push(
    { name: 'short signature', message, signature: signature.slice(0, 126), publicKey: key!.publicKey },
    { name: 'long signature', message, signature: signature + '00', publicKey: key!.publicKey },
    { name: 'signature not hex', message, signature: 'zz' + signature.slice(2), publicKey: key!.publicKey },
    { name: 'key not on the curve', message, signature, publicKey: 'ED' + '02' + 'FF'.repeat(31) },
    // The identity point as key, with R = identity and S = 0: "valid" for every message by the bare
    // equation; a small-order key.
    {
      name: 'small-order key',
      message,
      signature: '01' + '00'.repeat(63),
      publicKey: 'ED01' + '00'.repeat(31),
    },
    {
      name: 'lower-case hex',
      message: message.toLowerCase(),
      signature: signature.toLowerCase(),
      publicKey: key!.publicKey.toLowerCase(),
    },
  );

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { reference, openssl } = both(c.message, c.signature, c.publicKey);
    expect(openssl).toBe(reference);
  });

  it('accepts every valid signature and refuses every altered one', () => {
    const verdicts = cases.map((c) => [
      c.name.replace(/ #\d+$/, ''),
      verifyEd25519(c.message, c.signature, c.publicKey),
    ]);
    expect(verdicts.filter(([name]) => name === 'valid').every(([, ok]) => ok)).toBe(true);
    expect(
      verdicts
        .filter(([name]) => /flipped|changed|other key|S \+ L/.test(name as string))
        .some(([, ok]) => ok),
    ).toBe(false);
  });
});
