import fc from 'fast-check';
import { decode, encode } from 'ripple-binary-codec';
import { multisign, type Wallet } from 'xrpl';
import {
  combine,
  prepare,
  verifySignerBlob,
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
  destination,
  erin,
  erinRegularKey,
  mallory,
  paymentTemplate,
  signBlob,
} from '../test/multisign.fixtures';

/** Signers and the key each signs with: ed25519 master, secp256k1 master, regular keys, an unfunded signer. */
const signers: { account: string; key: Wallet }[] = [
  { account: alice.classicAddress, key: alice },
  { account: bob.classicAddress, key: bob },
  { account: carol.classicAddress, key: carolRegularKey },
  { account: dave.classicAddress, key: dave },
  { account: erin.classicAddress, key: erinRegularKey },
];

let prepared: PreparedTransaction;
let blobs: string[];
let verified: VerifiedSignature[];

beforeAll(() => {
  prepared = prepare(paymentTemplate, { ...baseFacts, signatureCount: 5 });
  blobs = signers.map((s) => signBlob(prepared, s.key, s.account));
  verified = signers.map((s, i) => {
    const result = verifySignerBlob(prepared, blobs[i]!, s.account, ctxFor(s.account));
    if (!result.ok) throw new Error(`fixture ${s.account}: ${result.code}`);
    return result.signature;
  });
});

type Mutation = (value: unknown, n: number) => unknown;
const bump: Mutation = (v, n) => ((Number(v) + 1 + (n % 1000)) >>> 0) % 0x100000000;
const bumpDrops: Mutation = (v, n) => String(Number(v) + 1 + (n % 1000));
const otherAddress: Mutation = (v, n) =>
  [mallory.classicAddress, destination, alice.classicAddress][n % 3] === v
    ? bob.classicAddress
    : [mallory.classicAddress, destination, alice.classicAddress][n % 3];

/** A change to every signed field of the prepared transaction. */
const mutations: Record<string, Mutation> = {
  TransactionType: () => 'AccountSet',
  Flags: (v, n) => (Number(v) ^ (1 << (n % 31))) >>> 0,
  Sequence: (_v, n) => 1 + (n % 1000),
  TicketSequence: bump,
  DestinationTag: bump,
  LastLedgerSequence: bump,
  Amount: bumpDrops,
  Fee: bumpDrops,
  SigningPubKey: () => alice.publicKey,
  Account: otherAddress,
  Destination: otherAddress,
  Memos: (_v, n) => [
    {
      Memo: {
        MemoType: '696E766F696365',
        MemoData: (n % 250).toString(16).padStart(2, '0').toUpperCase() + '00',
      },
    },
  ],
};

describe('properties', () => {
  it('the mutation table covers every field of the prepared transaction', () => {
    expect(Object.keys(mutations).sort()).toEqual(Object.keys(prepared.txJson).sort());
  });

  it('tampering with any signed field of any signer blob is always refused', () => {
    const fields = Object.keys(mutations);
    let checked = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: signers.length - 1 }),
        fc.constantFrom(...fields),
        fc.constantFrom('change', 'remove'),
        fc.nat(),
        (signerIndex, field, how, n) => {
          const tx = decode(blobs[signerIndex]!) as Record<string, unknown>;
          if (how === 'remove') delete tx[field];
          else tx[field] = mutations[field]!(tx[field], n);
          let blob: string;
          try {
            blob = encode(tx);
          } catch {
            return; // not even encodable: nothing to submit
          }
          const account = signers[signerIndex]!.account;
          const result = verifySignerBlob(prepared, blob, account, ctxFor(account));
          checked++;
          expect(result.ok).toBe(false);
          if (!result.ok) {
            expect(['BLOB_TX_MISMATCH', 'BLOB_NOT_MULTISIGNED']).toContain(result.code);
            if (result.code === 'BLOB_TX_MISMATCH') expect(result.details?.fields).toContain(field);
          }
        },
      ),
      { numRuns: 400 },
    );
    expect(checked).toBeGreaterThan(390); // the mutations produce encodable blobs, so the property is exercised
  });

  it('adding a field to a signed blob is always refused', () => {
    const additions: Record<string, unknown> = {
      SourceTag: 1,
      InvoiceID: 'AB'.repeat(32),
      SendMax: '1',
      NetworkID: 21338,
    };
    for (const [field, value] of Object.entries(additions)) {
      const tx = { ...(decode(blobs[0]!) as Record<string, unknown>), [field]: value };
      const result = verifySignerBlob(
        prepared,
        encode(tx),
        alice.classicAddress,
        ctxFor(alice.classicAddress),
      );
      expect(result).toMatchObject({ ok: false, code: 'BLOB_TX_MISMATCH', details: { fields: [field] } });
    }
  });

  it('flipping, inserting or deleting any byte of a signer blob is always refused', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: signers.length - 1 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        fc.constantFrom('flip', 'insert', 'delete'),
        (signerIndex, position, mask, how) => {
          const bytes = Buffer.from(blobs[signerIndex]!, 'hex');
          const at = position % bytes.length;
          let tampered: Buffer;
          if (how === 'flip') {
            tampered = Buffer.from(bytes);
            tampered[at]! ^= mask;
          } else if (how === 'insert') {
            tampered = Buffer.concat([bytes.subarray(0, at), Buffer.from([mask]), bytes.subarray(at)]);
          } else {
            tampered = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
          }
          const account = signers[signerIndex]!.account;
          const result = verifySignerBlob(prepared, tampered.toString('hex'), account, ctxFor(account));
          expect(result.ok).toBe(false);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('any order (and any repetition) of the same signatures combines to the same bytes as xrpl.js multisign()', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: signers.length - 1 }), {
          minLength: 1,
          maxLength: signers.length,
        }),
        fc.array(fc.nat(), { maxLength: 3 }),
        fc.boolean(),
        (order, repeats, reloaded) => {
          const chosen = order.map((i) => verified[i]!);
          const withRepeats = [...chosen, ...repeats.map((r) => chosen[r % chosen.length]!)];
          const input = reloaded
            ? (JSON.parse(JSON.stringify(withRepeats)) as VerifiedSignature[])
            : withRepeats;
          const combined = combine(prepared, input);
          const canonical = combine(
            prepared,
            [...order].sort().map((i) => verified[i]!),
          );
          expect(combined.blob).toBe(canonical.blob);
          expect(combined.hash).toBe(canonical.hash);
          expect(combined.blob).toBe(multisign(order.map((i) => blobs[i]!)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('every combined blob carries signatures that re-verify one by one', () => {
    const combined = combine(prepared, verified);
    const tx = decode(combined.blob) as { Signers: { Signer: Record<string, string> }[] } & Record<
      string,
      unknown
    >;
    expect(tx.Signers).toHaveLength(5);
    for (const { Signer } of tx.Signers) {
      const single = encode({ ...tx, Signers: [{ Signer }] });
      const result = verifySignerBlob(prepared, single, Signer.Account!, ctxFor(Signer.Account!));
      expect(result.ok).toBe(true);
    }
    expect(signers.map((s) => s.account)).toContain(carol.classicAddress);
  });
});
