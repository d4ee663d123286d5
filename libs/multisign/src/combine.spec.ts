import { decodeAccountID, encodeAccountID } from 'ripple-address-codec';
import { decode } from 'ripple-binary-codec';
import { hashes, multisign, type Wallet } from 'xrpl';
import {
  combine,
  MultisignError,
  prepare,
  verifySignerBlob,
  type MultisignErrorCode,
  type PreparedTransaction,
  type VerifiedSignature,
} from '@app/multisign';
import {
  alice,
  baseFacts,
  bob,
  carol,
  carolRegularKey,
  ctxFor,
  dave,
  paymentTemplate,
  signBlob,
  treasury,
} from '../test/multisign.fixtures';

let prepared: PreparedTransaction;
let blobs: string[];
let signatures: VerifiedSignature[];

function verified(
  p: PreparedTransaction,
  wallet: Wallet,
  account = wallet.classicAddress,
): VerifiedSignature {
  const result = verifySignerBlob(p, signBlob(p, wallet, account), account, ctxFor(account));
  if (!result.ok) throw new Error(`fixture did not verify: ${result.code}`);
  return result.signature;
}

beforeAll(() => {
  prepared = prepare(paymentTemplate, baseFacts);
  blobs = [
    signBlob(prepared, alice),
    signBlob(prepared, bob),
    signBlob(prepared, carolRegularKey, carol.classicAddress),
  ];
  signatures = [
    verified(prepared, alice),
    verified(prepared, bob),
    verified(prepared, carolRegularKey, carol.classicAddress),
  ];
});

function combineCode(run: () => unknown): MultisignErrorCode | 'no throw' {
  try {
    run();
    return 'no throw';
  } catch (error) {
    if (error instanceof MultisignError) return error.code;
    throw error;
  }
}

describe('combine', () => {
  it('produces exactly the bytes xrpl.js multisign() produces for the same blobs', () => {
    const combined = combine(prepared, signatures);
    expect(combined.blob).toBe(multisign(blobs));
  });

  it.each([
    [
      'a bare XRP Payment (nothing after Signers)',
      { TransactionType: 'Payment', Destination: alice.classicAddress, Amount: '1' },
      {},
    ],
    [
      'an IOU Payment with Paths (PathSet after Signers)',
      {
        TransactionType: 'Payment',
        Destination: alice.classicAddress,
        Amount: { currency: 'USD', issuer: bob.classicAddress, value: '12.5' },
        SendMax: '20000000',
        Paths: [[{ currency: 'USD', issuer: bob.classicAddress }]],
      },
      {},
    ],
    [
      'a SignerListSet (SignerEntries after Signers)',
      {
        TransactionType: 'SignerListSet',
        SignerQuorum: 2,
        SignerEntries: [
          { SignerEntry: { Account: alice.classicAddress, SignerWeight: 1 } },
          { SignerEntry: { Account: bob.classicAddress, SignerWeight: 1 } },
        ],
      },
      {},
    ],
    [
      'an AccountSet on a network that needs NetworkID',
      { TransactionType: 'AccountSet', SetFlag: 4 },
      { networkId: 21338, sequence: 7 },
    ],
  ])('matches xrpl.js multisign() byte for byte for %s', (_name, template, factsPatch) => {
    const p = prepare(template, { ...baseFacts, ...factsPatch });
    const signed = [alice, bob, dave].map((w) => signBlob(p, w));
    const sigs = [alice, bob, dave].map((w) => verified(p, w));
    const combined = combine(p, sigs);
    expect(combined.blob).toBe(multisign(signed));
    expect(combined.hash).toBe(hashes.hashSignedTx(combined.blob));
    // and the same through a reloaded (JSON) prepared transaction and reloaded signatures
    const reloaded = JSON.parse(JSON.stringify({ p, sigs })) as {
      p: PreparedTransaction;
      sigs: VerifiedSignature[];
    };
    expect(combine(reloaded.p, reloaded.sigs).blob).toBe(combined.blob);
  });

  it('hashes like xrpl.js hashSignedTx and decodes to `tx`', () => {
    const combined = combine(prepared, signatures);
    expect(combined.hash).toBe(hashes.hashSignedTx(combined.blob));
    expect(decode(combined.blob)).toEqual(combined.tx);
  });

  it('sorts Signers by numeric AccountID (not by r-address string)', () => {
    const combined = combine(prepared, signatures);
    const accounts = (combined.tx.Signers as { Signer: { Account: string } }[]).map((s) => s.Signer.Account);
    const numeric = [...signatures]
      .map((s) => s.account)
      .sort((a, b) => Buffer.compare(decodeAccountID(a), decodeAccountID(b)));
    expect(accounts).toEqual(numeric);
    // The fixture is chosen so that string order differs from numeric order.
    expect([...accounts].sort()).not.toEqual(accounts);
  });

  it('drops an identical repeated signature', () => {
    expect(combine(prepared, [...signatures, signatures[0]!]).blob).toBe(combine(prepared, signatures).blob);
  });

  it('re-verifies signatures it did not verify itself (reloaded from storage) and accepts good ones', () => {
    const reloaded = JSON.parse(JSON.stringify(signatures)) as VerifiedSignature[];
    const reloadedPrepared = JSON.parse(JSON.stringify(prepared)) as PreparedTransaction;
    expect(combine(reloadedPrepared, reloaded).blob).toBe(multisign(blobs));
  });

  describe('refuses', () => {
    it('no signatures: COMBINE_SIGNER_COUNT', () => {
      expect(combineCode(() => combine(prepared, []))).toBe('COMBINE_SIGNER_COUNT');
    });

    it('more than 32 signers: COMBINE_SIGNER_COUNT', () => {
      const wide = prepare(paymentTemplate, { ...baseFacts, signatureCount: 32 });
      const fakes = Array.from({ length: 33 }, (_, i) => ({
        ...signatures[0]!,
        account: encodeFake(i),
      }));
      expect(combineCode(() => combine(wide, fakes))).toBe('COMBINE_SIGNER_COUNT');
    });

    it('more signatures than the Fee covers: COMBINE_FEE_TOO_LOW', () => {
      const two = prepare(paymentTemplate, { ...baseFacts, signatureCount: 2 });
      const sigs = [verified(two, alice), verified(two, bob), verified(two, dave)];
      expect(combineCode(() => combine(two, sigs))).toBe('COMBINE_FEE_TOO_LOW');
      expect(combine(two, sigs.slice(0, 2)).blob).toMatch(/^[0-9A-F]+$/);
    });

    it('two different signatures of one signer: COMBINE_DUPLICATE_SIGNER', () => {
      const master = verified(prepared, carol);
      expect(combineCode(() => combine(prepared, [signatures[2]!, master]))).toBe('COMBINE_DUPLICATE_SIGNER');
    });

    it('the account signing for itself: COMBINE_SELF_SIGNER', () => {
      const self = { ...signatures[0]!, account: treasury.classicAddress };
      expect(combineCode(() => combine(prepared, [self]))).toBe('COMBINE_SELF_SIGNER');
    });

    it('a reloaded signature that does not verify for this transaction: COMBINE_SIGNATURE_INVALID', () => {
      const other = prepare({ ...paymentTemplate, Amount: '1' }, baseFacts);
      const forOther = verified(other, alice);
      expect(combineCode(() => combine(prepared, [forOther]))).toBe('COMBINE_SIGNATURE_INVALID');
      const flipped = {
        ...signatures[1]!,
        txnSignature: signatures[1]!.txnSignature.replace(/.$/, (c) => (c === '0' ? '1' : '0')),
      };
      expect(combineCode(() => combine(prepared, [flipped]))).toBe('COMBINE_SIGNATURE_INVALID');
      const lyingKeyType = { ...signatures[2]!, keyType: 'master' as const };
      expect(combineCode(() => combine(prepared, [lyingKeyType]))).toBe('COMBINE_SIGNATURE_INVALID');
      const garbage = { ...signatures[0]!, signingPubKey: 'xyz' };
      expect(combineCode(() => combine(prepared, [garbage]))).toBe('COMBINE_SIGNATURE_INVALID');
    });
  });
});

function encodeFake(i: number): string {
  const id = new Uint8Array(20).fill(0x77);
  id[19] = i;
  return encodeAccountID(id);
}
