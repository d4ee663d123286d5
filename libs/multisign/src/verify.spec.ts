import { decode, encode, encodeForMultisigning } from 'ripple-binary-codec';
import { verify as keypairsVerify } from 'ripple-keypairs';
import {
  BLOB_REFUSAL_CODES,
  MultisignError,
  prepare,
  verifySignerBlob,
  type BlobRefusalCode,
  type PreparedTransaction,
  type VerifyResult,
} from '@app/multisign';
import { preparedBytes } from './xrpl-binary';
import {
  alice,
  baseFacts,
  blobWithSigner,
  bob,
  carol,
  carolRegularKey,
  ctxFor,
  dave,
  derSignature,
  erin,
  erinRegularKey,
  mallory,
  parseDer,
  paymentTemplate,
  rawSignature,
  SECP_N,
  signBlob,
  signerList,
  treasury,
} from '../test/multisign.fixtures';

let prepared: PreparedTransaction;
beforeAll(() => {
  prepared = prepare(paymentTemplate, baseFacts);
});

const txOf = (p: PreparedTransaction) => p.txJson as Record<string, unknown>;

function verifyAs(blob: string, signer: string, ctx = ctxFor(signer)): VerifyResult {
  return verifySignerBlob(prepared, blob, signer, ctx);
}

function codeOf(result: VerifyResult): BlobRefusalCode | 'OK' {
  return result.ok ? 'OK' : result.code;
}

/** A Signer for `account` whose signature was made by `wallet` over `signedTx` (default: the prepared tx). */
function signer(account: string, wallet = alice, signedTx = txOf(prepared)) {
  return {
    Account: account,
    SigningPubKey: wallet.publicKey,
    TxnSignature: rawSignature(signedTx, wallet, account),
  };
}

describe('verifySignerBlob accepts', () => {
  it('an ed25519 master-key blob from xrpl.js', () => {
    const result = verifyAs(signBlob(prepared, alice), alice.classicAddress);
    expect(result).toEqual({
      ok: true,
      signature: {
        account: alice.classicAddress,
        signingPubKey: alice.publicKey,
        txnSignature: expect.stringMatching(/^[0-9A-F]{128}$/),
        weight: 1,
        keyType: 'master',
        algorithm: 'ed25519',
      },
    });
  });

  it('a secp256k1 master-key blob', () => {
    const result = verifyAs(signBlob(prepared, bob), bob.classicAddress);
    expect(result.ok && result.signature).toMatchObject({
      keyType: 'master',
      algorithm: 'secp256k1',
      weight: 1,
    });
  });

  it("a blob signed with the signer's current RegularKey", () => {
    const result = verifyAs(signBlob(prepared, carolRegularKey, carol.classicAddress), carol.classicAddress);
    expect(result.ok && result.signature).toMatchObject({
      account: carol.classicAddress,
      signingPubKey: carolRegularKey.publicKey,
      keyType: 'regular',
      weight: 2,
    });
  });

  it('an unfunded signer with its master key', () => {
    expect(codeOf(verifyAs(signBlob(prepared, dave), dave.classicAddress))).toBe('OK');
  });

  it('a master-disabled signer using its RegularKey', () => {
    const result = verifyAs(signBlob(prepared, erinRegularKey, erin.classicAddress), erin.classicAddress);
    expect(result.ok && result.signature.keyType).toBe('regular');
  });

  it('lower-case hex', () => {
    expect(codeOf(verifyAs(signBlob(prepared, bob).toLowerCase(), bob.classicAddress))).toBe('OK');
  });

  it('a JSON copy of the prepared transaction (as reloaded from storage)', () => {
    const reloaded = JSON.parse(JSON.stringify(prepared)) as PreparedTransaction;
    const result = verifySignerBlob(
      reloaded,
      signBlob(prepared, alice),
      alice.classicAddress,
      ctxFor(alice.classicAddress),
    );
    expect(result.ok).toBe(true);
  });
});

describe('verifySignerBlob refuses', () => {
  it('malformed hex and undecodable bytes: BLOB_MALFORMED', () => {
    for (const blob of ['', 'zz', 'ABC', 'DEADBEEF', signBlob(prepared, alice).slice(0, 40)]) {
      expect(codeOf(verifyAs(blob, alice.classicAddress))).toBe('BLOB_MALFORMED');
    }
  });

  it('a single-signed blob: BLOB_NOT_MULTISIGNED', () => {
    const { SigningPubKey: _drop, ...unsigned } = txOf(prepared);
    const single = alice.sign(structuredClone(unsigned) as never).tx_blob;
    expect(codeOf(verifyAs(single, alice.classicAddress))).toBe('BLOB_NOT_MULTISIGNED');
  });

  it('a multisigned blob that also carries a TxnSignature: BLOB_NOT_MULTISIGNED', () => {
    const blob = encode({ ...decode(signBlob(prepared, alice)), TxnSignature: 'AB'.repeat(64) });
    expect(codeOf(verifyAs(blob, alice.classicAddress))).toBe('BLOB_NOT_MULTISIGNED');
  });

  it('no Signers, or two: BLOB_SIGNER_COUNT', () => {
    expect(codeOf(verifyAs(prepared.encoded, alice.classicAddress))).toBe('BLOB_SIGNER_COUNT');
    const two = encode({
      ...txOf(prepared),
      Signers: [
        ...(decode(signBlob(prepared, alice)).Signers as unknown[]),
        ...(decode(signBlob(prepared, bob)).Signers as unknown[]),
      ],
    });
    const result = verifyAs(two, alice.classicAddress);
    expect(result).toMatchObject({ ok: false, code: 'BLOB_SIGNER_COUNT', details: { count: 2 } });
  });

  it('a Signer with an extra or a missing field: BLOB_SIGNER_MALFORMED', () => {
    const extra = blobWithSigner(txOf(prepared), { ...signer(alice.classicAddress), SignerWeight: 1 });
    expect(codeOf(verifyAs(extra, alice.classicAddress))).toBe('BLOB_SIGNER_MALFORMED');
    const { TxnSignature: _t, ...missing } = signer(alice.classicAddress);
    expect(codeOf(verifyAs(blobWithSigner(txOf(prepared), missing), alice.classicAddress))).toBe(
      'BLOB_SIGNER_MALFORMED',
    );
  });

  it('a blob over a different transaction: BLOB_TX_MISMATCH, naming the fields', () => {
    const other = prepare(
      { ...paymentTemplate, Amount: '99000000' },
      { ...baseFacts, lastLedgerSequence: 9_000_001 },
    );
    const result = verifyAs(signBlob(other, alice), alice.classicAddress);
    expect(result).toMatchObject({
      ok: false,
      code: 'BLOB_TX_MISMATCH',
      details: { fields: ['Amount', 'LastLedgerSequence'] },
    });
  });

  it('the same transaction in non-canonical field order: BLOB_NOT_CANONICAL', () => {
    // Move the Signers array after Memos (canonical order puts it before).
    const canonical = Buffer.from(signBlob(prepared, alice), 'hex');
    const signersStart = canonical.indexOf(Buffer.from([0xf3, 0xe0, 0x10]));
    const memosStart = canonical.indexOf(Buffer.from([0xf9, 0xea]));
    expect(signersStart).toBeGreaterThan(0);
    expect(memosStart).toBeGreaterThan(signersStart);
    const reordered = Buffer.concat([
      canonical.subarray(0, signersStart),
      canonical.subarray(memosStart),
      canonical.subarray(signersStart, memosStart),
    ]);
    expect(decode(reordered.toString('hex'))).toEqual(decode(canonical.toString('hex')));
    expect(codeOf(verifyAs(reordered.toString('hex'), alice.classicAddress))).toBe('BLOB_NOT_CANONICAL');
  });

  it("another signer's blob: SIGNER_ACCOUNT_MISMATCH", () => {
    expect(
      verifyAs(signBlob(prepared, bob), alice.classicAddress, ctxFor(alice.classicAddress)),
    ).toMatchObject({
      ok: false,
      code: 'SIGNER_ACCOUNT_MISMATCH',
      details: { signer: bob.classicAddress, expected: alice.classicAddress },
    });
  });

  it('the multisig account signing for itself: SIGNER_IS_ACCOUNT', () => {
    const blob = signBlob(prepared, treasury);
    expect(codeOf(verifyAs(blob, treasury.classicAddress))).toBe('SIGNER_IS_ACCOUNT');
  });

  it('a key that is not 33 bytes ED/02/03 or not on the curve: SIGNING_PUBKEY_MALFORMED', () => {
    const good = signer(bob.classicAddress, bob);
    const keys = [
      bob.publicKey.slice(0, 64), // 32 bytes
      '04' + bob.publicKey.slice(2), // wrong prefix
      '0479BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8', // uncompressed
      '02' + '00'.repeat(31) + '05', // x = 5: x^3 + 7 = 132 is not a square mod p
      '',
    ];
    for (const key of keys) {
      const blob = blobWithSigner(txOf(prepared), { ...good, SigningPubKey: key });
      expect([key, codeOf(verifyAs(blob, bob.classicAddress))]).toEqual([key, 'SIGNING_PUBKEY_MALFORMED']);
    }
  });

  it('a non-strict DER secp256k1 signature: SIGNATURE_MALFORMED', () => {
    const good = signer(bob.classicAddress, bob);
    const { r, s } = parseDer(good.TxnSignature);
    const strict = derSignature(r, s);
    expect(strict).toBe(good.TxnSignature);
    const intHex = (value: bigint, extraZero: boolean) => {
      let hex = value.toString(16);
      if (hex.length % 2) hex = '0' + hex;
      if (extraZero || parseInt(hex.slice(0, 2), 16) >= 0x80) hex = '00' + hex;
      if (extraZero && parseInt(hex.slice(2, 4), 16) >= 0x80) hex = '00' + hex;
      return '02' + (hex.length / 2).toString(16).padStart(2, '0') + hex;
    };
    const seq = (body: string) => '30' + (body.length / 2).toString(16).padStart(2, '0') + body;
    const variants = [
      seq(intHex(r, true) + intHex(s, false)), // R padded with a needless zero byte
      seq(intHex(r, false) + intHex(s, true)), // S padded
      good.TxnSignature + '00', // trailing byte
      '31' + good.TxnSignature.slice(2), // not a SEQUENCE
      seq(intHex(r, false) + intHex(s, false) + '0201' + '01'), // a third integer
      derSignature(r + SECP_N, s), // R >= n
      derSignature(r, s + SECP_N), // S >= n
      '3006020100020101', // R = 0
      '300602018102010' + '1', // negative R
      good.TxnSignature.slice(0, 20),
    ];
    for (const sig of variants) {
      const blob = blobWithSigner(txOf(prepared), { ...good, TxnSignature: sig });
      expect([sig, codeOf(verifyAs(blob, bob.classicAddress))]).toEqual([sig, 'SIGNATURE_MALFORMED']);
    }
  });

  it('a high-S (canonical but not fully canonical) signature: SIGNATURE_NOT_FULLY_CANONICAL', () => {
    const good = signer(bob.classicAddress, bob);
    const { r, s } = parseDer(good.TxnSignature);
    const highS = derSignature(r, SECP_N - s);
    const message = encodeForMultisigning(txOf(prepared), bob.classicAddress);
    // ripple-keypairs (noble, lowS) refuses it as well; rippled refuses it with RequireFullyCanonicalSig.
    expect(keypairsVerify(message, highS, bob.publicKey)).toBe(false);
    const blob = blobWithSigner(txOf(prepared), { ...good, TxnSignature: highS });
    expect(codeOf(verifyAs(blob, bob.classicAddress))).toBe('SIGNATURE_NOT_FULLY_CANONICAL');
  });

  it('an ed25519 signature that is not 64 bytes or has S >= L: SIGNATURE_MALFORMED', () => {
    const good = signer(alice.classicAddress, alice);
    const sig = Buffer.from(good.TxnSignature, 'hex');
    const L = 0x1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3edn;
    const s = BigInt('0x' + Buffer.from(sig.subarray(32)).reverse().toString('hex'));
    const sPlusL = Buffer.from((s + L).toString(16).padStart(64, '0'), 'hex').reverse();
    const malleated = Buffer.concat([sig.subarray(0, 32), sPlusL])
      .toString('hex')
      .toUpperCase();
    for (const bad of [good.TxnSignature.slice(2), good.TxnSignature + '00', malleated]) {
      const blob = blobWithSigner(txOf(prepared), { ...good, TxnSignature: bad });
      expect(codeOf(verifyAs(blob, alice.classicAddress))).toBe('SIGNATURE_MALFORMED');
    }
  });

  it('a signature over other data: SIGNATURE_INVALID', () => {
    const otherTx = { ...txOf(prepared), Amount: '1' };
    const cases = [
      signer(alice.classicAddress, alice, otherTx), // ed25519 over another tx
      signer(bob.classicAddress, bob, otherTx), // secp256k1 over another tx
      { ...signer(alice.classicAddress, alice), Account: bob.classicAddress }, // alice's signature re-addressed to bob
      {
        Account: bob.classicAddress,
        SigningPubKey: bob.publicKey,
        TxnSignature: rawSignature(txOf(prepared), bob, alice.classicAddress),
      }, // bound to another account
    ];
    for (const s of cases) {
      const blob = blobWithSigner(txOf(prepared), s);
      expect(codeOf(verifyAs(blob, s.Account))).toBe('SIGNATURE_INVALID');
    }
  });

  it('the master key of a signer that disabled it: SIGNER_MASTER_DISABLED', () => {
    expect(codeOf(verifyAs(signBlob(prepared, erin), erin.classicAddress))).toBe('SIGNER_MASTER_DISABLED');
  });

  it('a key that is neither master nor the current RegularKey: SIGNER_KEY_NOT_AUTHORISED', () => {
    const byMallory = signBlob(prepared, mallory, carol.classicAddress);
    expect(codeOf(verifyAs(byMallory, carol.classicAddress))).toBe('SIGNER_KEY_NOT_AUTHORISED');
    // Carol's regular key after the RegularKey was removed on ledger.
    const byOldRegular = signBlob(prepared, carolRegularKey, carol.classicAddress);
    const ctx = { signerList, signerFacts: { funded: true, masterDisabled: false, regularKey: null } };
    expect(codeOf(verifyAs(byOldRegular, carol.classicAddress, ctx))).toBe('SIGNER_KEY_NOT_AUTHORISED');
  });

  it('an unfunded signer using a non-master key: SIGNER_UNFUNDED_NON_MASTER_KEY', () => {
    const blob = signBlob(prepared, carolRegularKey, dave.classicAddress);
    expect(codeOf(verifyAs(blob, dave.classicAddress))).toBe('SIGNER_UNFUNDED_NON_MASTER_KEY');
  });

  it('a valid signature from an account outside the SignerList: SIGNER_NOT_IN_LIST', () => {
    expect(codeOf(verifyAs(signBlob(prepared, mallory), mallory.classicAddress))).toBe('SIGNER_NOT_IN_LIST');
  });

  it('has a test above for every refusal code', () => {
    // Keeps this file honest when a code is added.
    expect(BLOB_REFUSAL_CODES).toHaveLength(16);
  });
});

describe('verifySignerBlob throws for caller mistakes', () => {
  it('INVALID_ARGUMENT for a bad expected signer, signer list or facts', () => {
    const blob = signBlob(prepared, alice);
    const codeOfThrow = (run: () => unknown) => {
      try {
        run();
        return 'no throw';
      } catch (error) {
        return (error as MultisignError).code;
      }
    };
    expect(codeOfThrow(() => verifySignerBlob(prepared, blob, 'rNope', ctxFor(alice.classicAddress)))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(
      codeOfThrow(() =>
        verifySignerBlob(prepared, blob, alice.classicAddress, {
          signerList: { quorum: 0, entries: [] },
          signerFacts: ctxFor(alice.classicAddress).signerFacts,
        }),
      ),
    ).toBe('INVALID_ARGUMENT');
    expect(
      codeOfThrow(() =>
        verifySignerBlob(prepared, blob, alice.classicAddress, {
          signerList,
          signerFacts: { funded: 'yes' } as never,
        }),
      ),
    ).toBe('INVALID_ARGUMENT');
  });

  it('PREPARED_INCONSISTENT when txJson and encoded disagree', () => {
    const tampered = { ...prepared, txJson: { ...txOf(prepared), Amount: '1' } } as PreparedTransaction;
    expect(() =>
      verifySignerBlob(
        tampered,
        signBlob(prepared, alice),
        alice.classicAddress,
        ctxFor(alice.classicAddress),
      ),
    ).toThrow(expect.objectContaining({ code: 'PREPARED_INCONSISTENT' }));
  });
});

describe('verifySignerBlob edge encodings', () => {
  it('takes a Signer whose TxnSignature needs a 2-byte length prefix through the fast parser and refuses the signature', () => {
    const good = {
      Account: bob.classicAddress,
      SigningPubKey: bob.publicKey,
      TxnSignature: rawSignature(txOf(prepared), bob, bob.classicAddress),
    };
    const blob = blobWithSigner(txOf(prepared), { ...good, TxnSignature: 'AB'.repeat(200) });
    expect(codeOf(verifyAs(blob, bob.classicAddress))).toBe('SIGNATURE_MALFORMED');
  });

  it('refuses a blob larger than 1 MB without decoding it', () => {
    expect(verifyAs('AB'.repeat(1024 * 1024 + 1), alice.classicAddress)).toMatchObject({
      ok: false,
      code: 'BLOB_MALFORMED',
    });
  });
});

describe('a reloaded PreparedTransaction must agree with its txJson', () => {
  it('reuses the checked layout of an equal reloaded copy, and still refuses an altered one after it', () => {
    const first = JSON.parse(JSON.stringify(prepared)) as PreparedTransaction;
    const second = JSON.parse(JSON.stringify(prepared)) as PreparedTransaction;
    expect(preparedBytes(second)).toBe(preparedBytes(first)); // the same object: checked once
    const altered = { ...second, txJson: { ...txOf(prepared), Amount: '1' } } as PreparedTransaction;
    expect(() => preparedBytes(altered)).toThrow(expect.objectContaining({ code: 'PREPARED_INCONSISTENT' }));
    const renumbered = { ...second, sequence: second.sequence + 1 } as PreparedTransaction;
    expect(() => preparedBytes(renumbered)).toThrow(
      expect.objectContaining({ code: 'PREPARED_INCONSISTENT', details: { field: 'sequence' } }),
    );
    const withOwnAccount = { ...second, account: bob.classicAddress } as PreparedTransaction;
    expect(() => preparedBytes(withOwnAccount)).toThrow(
      expect.objectContaining({ code: 'PREPARED_INCONSISTENT' }),
    );
  });

  it.each([
    ['feeDrops', { feeDrops: '41' }],
    ['sequence', { sequence: 3 }],
    ['ticketSequence', { ticketSequence: 43 }],
    ['lastLedgerSequence', { lastLedgerSequence: 1 }],
    ['networkId', { networkId: 21338 }],
    ['maxSignatures', { maxSignatures: 33 }],
  ])('refuses a mismatched %s (PREPARED_INCONSISTENT)', (field, patch) => {
    const reloaded = { ...(JSON.parse(JSON.stringify(prepared)) as PreparedTransaction), ...patch };
    expect(() =>
      verifySignerBlob(
        reloaded,
        signBlob(prepared, alice),
        alice.classicAddress,
        ctxFor(alice.classicAddress),
      ),
    ).toThrow(expect.objectContaining({ code: 'PREPARED_INCONSISTENT', details: { field } }));
  });
});
