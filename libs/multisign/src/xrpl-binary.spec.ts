import fc from 'fast-check';
import { decodeAccountID, encodeAccountID } from 'ripple-address-codec';
import { encode, encodeForMultisigning } from 'ripple-binary-codec';
import { prepare, type PreparedTransaction } from '@app/multisign';
import { loadCryptoBackend } from './crypto-backend';
import { checkSignatureCrypto } from './verify';
import {
  encodeSignersArray,
  encodeVariableLength,
  hexToBytes,
  parseSingleSignerArray,
  preparedBytes,
  type SignerBytes,
} from './xrpl-binary';
import {
  alice,
  baseFacts,
  bob,
  carol,
  carolRegularKey,
  derSignature,
  parseDer,
  paymentTemplate,
  rawSignature,
  SECP_N,
  treasury,
} from '../test/multisign.fixtures';

const templates: Record<string, unknown>[] = [
  paymentTemplate,
  { TransactionType: 'Payment', Destination: alice.classicAddress, Amount: '1' },
  {
    TransactionType: 'Payment',
    Destination: alice.classicAddress,
    Amount: { currency: 'USD', issuer: bob.classicAddress, value: '1.5' },
    SendMax: '100',
    Paths: [[{ account: carol.classicAddress }]],
  },
  {
    TransactionType: 'SignerListSet',
    SignerQuorum: 1,
    SignerEntries: [{ SignerEntry: { Account: alice.classicAddress, SignerWeight: 1 } }],
  },
  { TransactionType: 'AccountSet', SetFlag: 4 },
];

describe('prepared byte layout', () => {
  it.each(templates.map((t) => [t.TransactionType, t] as const))(
    'multisigning data is SMT\\0 + encoded + AccountID exactly as ripple-binary-codec builds it (%s)',
    (_type, template) => {
      for (const networkId of [undefined, 21338]) {
        const prepared = prepare(template, { ...baseFacts, networkId });
        for (const layout of [
          preparedBytes(prepared),
          preparedBytes(JSON.parse(JSON.stringify(prepared)) as PreparedTransaction),
        ]) {
          for (const signer of [alice.classicAddress, bob.classicAddress]) {
            const ours = Buffer.concat([layout.multisignPrefix, decodeAccountID(signer)])
              .toString('hex')
              .toUpperCase();
            expect(ours).toBe(encodeForMultisigning(prepared.txJson as never, signer).toUpperCase());
          }
          // head + tail is the encoding, and Signers belongs between them.
          expect(Buffer.concat([layout.head, layout.tail]).toString('hex').toUpperCase()).toBe(
            prepared.encoded,
          );
          const withSigners = encode({
            ...prepared.txJson,
            Signers: [
              {
                Signer: { Account: alice.classicAddress, SigningPubKey: alice.publicKey, TxnSignature: 'AB' },
              },
            ],
          }).toUpperCase();
          expect(withSigners.startsWith(layout.head.toString('hex').toUpperCase())).toBe(true);
          expect(withSigners.endsWith(layout.tail.toString('hex').toUpperCase())).toBe(true);
        }
      }
    },
  );
});

describe('Signers array encoding', () => {
  const signerArb = fc.record({
    accountId: fc.uint8Array({ minLength: 20, maxLength: 20 }),
    signingPubKey: fc.uint8Array({ minLength: 0, maxLength: 40 }),
    txnSignature: fc.uint8Array({ minLength: 0, maxLength: 300 }),
  });
  it('matches ripple-binary-codec for any signers, including 2-byte length prefixes', () => {
    fc.assert(
      fc.property(fc.array(signerArb, { minLength: 1, maxLength: 4 }), (signers) => {
        const json = {
          Signers: signers.map((s) => ({
            Signer: {
              Account: encodeAccountID(s.accountId),
              SigningPubKey: Buffer.from(s.signingPubKey).toString('hex').toUpperCase(),
              TxnSignature: Buffer.from(s.txnSignature).toString('hex').toUpperCase(),
            },
          })),
        };
        const ours = encodeSignersArray(signers).toString('hex').toUpperCase();
        expect(ours).toBe(encode(json as never).toUpperCase());
        if (signers.length === 1) {
          const parsed = parseSingleSignerArray(encodeSignersArray(signers));
          expect(
            parsed && Buffer.from(parsed.txnSignature).equals(Buffer.from(signers[0]!.txnSignature)),
          ).toBe(true);
          expect(
            parsed && Buffer.from(parsed.signingPubKey).equals(Buffer.from(signers[0]!.signingPubKey)),
          ).toBe(true);
        } else {
          expect(parseSingleSignerArray(encodeSignersArray(signers))).toBeNull();
        }
      }),
      { numRuns: 200 },
    );
  });

  it('encodes variable lengths at the boundaries like rippled', () => {
    expect(encodeVariableLength(192)).toEqual([192]);
    expect(encodeVariableLength(193)).toEqual([193, 0]);
    expect(encodeVariableLength(12480)).toEqual([240, 255]);
    expect(encodeVariableLength(12481)).toEqual([241, 0, 0]);
  });

  it('decodes hex strictly', () => {
    expect(hexToBytes('')).toBeNull();
    expect(hexToBytes('ABC')).toBeNull();
    expect(hexToBytes('ABZZ')).toBeNull();
    expect(hexToBytes(' AB')).toBeNull();
    expect(hexToBytes('aBcD')).toEqual(Buffer.from([0xab, 0xcd]));
  });
});

describe('native and fallback backends give the same verdict on every signer vector', () => {
  it('valid, re-addressed, high-S, malformed, off-curve and regular-key signatures', () => {
    const prepared = prepare(paymentTemplate, baseFacts);
    const layout = preparedBytes(prepared);
    const tx = prepared.txJson as Record<string, unknown>;
    const bobSig = rawSignature(tx, bob, bob.classicAddress);
    const { r, s } = parseDer(bobSig);
    const signer = (account: string, key: string, sig: string): SignerBytes => ({
      accountId: Buffer.from(decodeAccountID(account)),
      signingPubKey: Buffer.from(key, 'hex'),
      txnSignature: Buffer.from(sig, 'hex'),
    });
    const vectors = [
      signer(alice.classicAddress, alice.publicKey, rawSignature(tx, alice, alice.classicAddress)),
      signer(bob.classicAddress, bob.publicKey, bobSig),
      signer(
        carol.classicAddress,
        carolRegularKey.publicKey,
        rawSignature(tx, carolRegularKey, carol.classicAddress),
      ),
      signer(bob.classicAddress, alice.publicKey, rawSignature(tx, alice, alice.classicAddress)),
      signer(bob.classicAddress, bob.publicKey, derSignature(r, SECP_N - s)),
      signer(bob.classicAddress, bob.publicKey, bobSig.slice(0, -2)),
      signer(bob.classicAddress, '02' + '00'.repeat(31) + '05', bobSig),
      signer(
        treasury.classicAddress,
        treasury.publicKey,
        rawSignature(tx, treasury, treasury.classicAddress),
      ),
    ];
    const native = loadCryptoBackend();
    const fallback = loadCryptoBackend({ loadSecp256k1: () => null, nodeEd25519: false });
    expect(fallback.info.fallback).toBe(true);
    const verdicts = vectors.map((v) => {
      const a = checkSignatureCrypto(layout, v, native);
      const b = checkSignatureCrypto(layout, v, fallback);
      expect(b).toEqual(a);
      return 'ok' in a ? a.code : a.algorithm;
    });
    expect(verdicts).toEqual([
      'ed25519',
      'secp256k1',
      'ed25519',
      'SIGNATURE_INVALID',
      'SIGNATURE_NOT_FULLY_CANONICAL',
      'SIGNATURE_MALFORMED',
      'SIGNING_PUBKEY_MALFORMED',
      'secp256k1',
    ]);
  });
});
