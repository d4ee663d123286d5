import { decode, encode } from 'ripple-binary-codec';
import { MultisignError, prepare, quoteFee, type PrepareErrorCode, type PrepareFacts } from '@app/multisign';
import { baseFacts, destination, paymentTemplate, treasury } from '../test/multisign.fixtures';

function refusalOf(run: () => unknown): { code: string; details?: unknown } {
  try {
    run();
  } catch (error) {
    if (error instanceof MultisignError) return { code: error.code, details: error.details };
    throw error;
  }
  throw new Error('expected a MultisignError');
}

describe('prepare', () => {
  it('fixes Account, Sequence 0 + TicketSequence, Fee for N signatures, LastLedgerSequence and an empty SigningPubKey', () => {
    const prepared = prepare(paymentTemplate, baseFacts);
    expect(prepared.txJson).toMatchObject({
      TransactionType: 'Payment',
      Account: treasury.classicAddress,
      Destination: destination,
      Amount: '25000000',
      Sequence: 0,
      TicketSequence: 42,
      Fee: '40',
      LastLedgerSequence: 9_000_000,
      SigningPubKey: '',
    });
    expect(prepared.txJson).not.toHaveProperty('NetworkID');
    expect(prepared).toMatchObject({
      account: treasury.classicAddress,
      feeDrops: '40',
      maxSignatures: 3,
      sequence: 0,
      ticketSequence: 42,
      lastLedgerSequence: 9_000_000,
      networkId: null,
    });
  });

  it('txJson is the canonical decoding of `encoded` (what Xaman re-encodes to the same bytes)', () => {
    const prepared = prepare(paymentTemplate, baseFacts);
    expect(prepared.encoded).toBe(encode(prepared.txJson as never));
    expect(decode(prepared.encoded)).toEqual(prepared.txJson);
    expect(prepared.encoded).toMatch(/^[0-9A-F]+$/);
  });

  it('uses a plain Sequence when given a number', () => {
    const prepared = prepare(paymentTemplate, { ...baseFacts, sequence: 17 });
    expect(prepared.txJson.Sequence).toBe(17);
    expect(prepared.txJson).not.toHaveProperty('TicketSequence');
    expect(prepared.ticketSequence).toBeNull();
  });

  it('writes NetworkID only above 1024', () => {
    expect(prepare(paymentTemplate, { ...baseFacts, networkId: 1 }).txJson).not.toHaveProperty('NetworkID');
    expect(prepare(paymentTemplate, { ...baseFacts, networkId: 1024 }).txJson).not.toHaveProperty(
      'NetworkID',
    );
    const xahau = prepare(paymentTemplate, { ...baseFacts, networkId: 21338 });
    expect(xahau.txJson.NetworkID).toBe(21338);
    expect(xahau.networkId).toBe(21338);
  });

  it('accepts template fields that already hold the prepared values', () => {
    const prepared = prepare(
      {
        ...paymentTemplate,
        Account: treasury.classicAddress,
        Sequence: 0,
        TicketSequence: 42,
        Fee: '40',
        LastLedgerSequence: 9_000_000,
        SigningPubKey: '',
      },
      baseFacts,
    );
    expect(prepared.encoded).toBe(prepare(paymentTemplate, baseFacts).encoded);
  });

  it('returns a deeply frozen object that survives a JSON round trip', () => {
    const prepared = prepare(paymentTemplate, baseFacts);
    expect(Object.isFrozen(prepared)).toBe(true);
    expect(Object.isFrozen(prepared.txJson)).toBe(true);
    expect(Object.isFrozen((prepared.txJson.Memos as unknown[])[0])).toBe(true);
    expect(JSON.parse(JSON.stringify(prepared))).toEqual(prepared);
  });

  it('converts a Flags object into its number', () => {
    const prepared = prepare(
      // A token payment: on XRP to XRP rippled refuses the flag (temBAD_SEND_XRP_PARTIAL).
      {
        ...paymentTemplate,
        Amount: { currency: 'USD', issuer: destination, value: '10' },
        Flags: { tfPartialPayment: true },
        DeliverMin: { currency: 'USD', issuer: destination, value: '1' },
      },
      baseFacts,
    );
    expect(prepared.txJson.Flags).toBe(0x00020000);
  });

  it('prepares a SignerListSet (quorum change) too', () => {
    const prepared = prepare(
      {
        TransactionType: 'SignerListSet',
        SignerQuorum: 2,
        SignerEntries: [
          { SignerEntry: { Account: destination, SignerWeight: 1 } },
          { SignerEntry: { Account: 'rGxQxwQJWJcaP7okoJSqBZPS19soV4LPL3', SignerWeight: 1 } },
        ],
      },
      baseFacts,
    );
    expect(prepared.txJson.SignerQuorum).toBe(2);
  });

  describe('refuses with a stable code', () => {
    const cases: [string, Record<string, unknown>, Partial<PrepareFacts>, PrepareErrorCode][] = [
      ['Signers in the template', { Signers: [] }, {}, 'TEMPLATE_HAS_SIGNERS'],
      ['a TxnSignature', { TxnSignature: 'AB' }, {}, 'TEMPLATE_HAS_TXN_SIGNATURE'],
      [
        'a non-empty SigningPubKey',
        { SigningPubKey: '02' + 'AB'.repeat(32) },
        {},
        'TEMPLATE_HAS_SIGNING_PUBKEY',
      ],
      ['another Account', { Account: destination }, {}, 'TEMPLATE_ACCOUNT_MISMATCH'],
      [
        'a non-zero Sequence with a TicketSequence',
        { Sequence: 5, TicketSequence: 42 },
        {},
        'TEMPLATE_SEQUENCE_AND_TICKET',
      ],
      ['a different Fee', { Fee: '12' }, {}, 'TEMPLATE_FIELD_CONFLICT'],
      ['a numeric Fee', { Fee: 40 }, {}, 'TEMPLATE_FIELD_CONFLICT'],
      ['a different LastLedgerSequence', { LastLedgerSequence: 5 }, {}, 'TEMPLATE_FIELD_CONFLICT'],
      ['a Sequence where a ticket is used', { Sequence: 9 }, {}, 'TEMPLATE_FIELD_CONFLICT'],
      [
        'a TicketSequence where a Sequence is used',
        { TicketSequence: 42 },
        { sequence: 9 },
        'TEMPLATE_FIELD_CONFLICT',
      ],
      ['a different TicketSequence', { TicketSequence: 43 }, {}, 'TEMPLATE_FIELD_CONFLICT'],
      ['a NetworkID on a network <= 1024', { NetworkID: 1 }, { networkId: 1 }, 'TEMPLATE_FIELD_CONFLICT'],
      ['a different NetworkID', { NetworkID: 21337 }, { networkId: 21338 }, 'TEMPLATE_FIELD_CONFLICT'],
      ['an unsigned field (BatchSigners)', { BatchSigners: [] }, {}, 'TEMPLATE_UNSUPPORTED_FIELD'],
      [
        'an unsigned field (CounterpartySignature)',
        { CounterpartySignature: {} },
        {},
        'TEMPLATE_UNSUPPORTED_FIELD',
      ],
      ['a lower-case key the codec would drop', { hash: 'AB' }, {}, 'TEMPLATE_FIELD_DROPPED'],
      [
        'a nested key the codec would drop (path_find "type")',
        {
          Amount: { currency: 'USD', issuer: destination, value: '1' },
          SendMax: '1000',
          Paths: [[{ currency: 'USD', issuer: destination, type: 48 }]],
        },
        {},
        'TEMPLATE_FIELD_DROPPED',
      ],
      ['an unknown field', { Frobnicate: 1 }, {}, 'TEMPLATE_INVALID'],
      ['a null value', { DestinationTag: null }, {}, 'TEMPLATE_INVALID'],
      ['what validate() rejects (no Amount)', { Amount: undefined }, {}, 'TEMPLATE_INVALID'],
      [
        'what validate() rejects (bad Destination)',
        { Destination: 'not-an-address' },
        {},
        'TEMPLATE_INVALID',
      ],
      ['tfInnerBatchTxn', { Flags: 0x40000000 }, {}, 'TEMPLATE_INVALID'],
      ['AccountTxnID with a ticket', { AccountTxnID: 'AB'.repeat(32) }, {}, 'TEMPLATE_INVALID'],
      ['a bad account fact', {}, { account: 'rNope' }, 'FACTS_INVALID'],
      ['sequence 0', {}, { sequence: 0 }, 'FACTS_INVALID'],
      ['ticketSequence 0', {}, { sequence: { ticketSequence: 0 } }, 'FACTS_INVALID'],
      ['signatureCount 0', {}, { signatureCount: 0 }, 'FACTS_INVALID'],
      ['signatureCount 33', {}, { signatureCount: 33 }, 'FACTS_INVALID'],
      ['lastLedgerSequence 0', {}, { lastLedgerSequence: 0 }, 'FACTS_INVALID'],
      ['a fractional base fee', {}, { fee: { baseFeeDrops: 10.5 } }, 'FACTS_INVALID'],
      ['a load factor below 1', {}, { fee: { baseFeeDrops: 10, loadFactor: 0.5 } }, 'FACTS_INVALID'],
      ['a cushion below 1', {}, { fee: { baseFeeDrops: 10, cushion: 0.9 } }, 'FACTS_INVALID'],
      ['a fee cap below the minimum', {}, { fee: { baseFeeDrops: 10, maxFeeDrops: 39 } }, 'FEE_CAP_TOO_LOW'],
    ];
    it.each(cases)('%s', (_name, templatePatch, factsPatch, code) => {
      const template = { ...paymentTemplate, ...templatePatch };
      expect(refusalOf(() => prepare(template, { ...baseFacts, ...factsPatch })).code).toBe(code);
    });

    it('names the conflicting field and both values', () => {
      expect(refusalOf(() => prepare({ ...paymentTemplate, Fee: '12' }, baseFacts)).details).toEqual({
        field: 'Fee',
        template: '12',
        prepared: '40',
      });
    });

    it('names the dropped fields', () => {
      const refusal = refusalOf(() => prepare({ ...paymentTemplate, ledger_index: 5, meta: {} }, baseFacts));
      expect(refusal).toEqual({
        code: 'TEMPLATE_FIELD_DROPPED',
        details: { fields: ['ledger_index', 'meta'] },
      });
    });

    it('refuses a template that is not an object', () => {
      expect(refusalOf(() => prepare(null as never, baseFacts)).code).toBe('TEMPLATE_NOT_OBJECT');
      expect(refusalOf(() => prepare([] as never, baseFacts)).code).toBe('TEMPLATE_NOT_OBJECT');
    });
  });
});

describe('quoteFee', () => {
  it('is base x (1 + N) with no load or cushion', () => {
    expect(quoteFee({ baseFeeDrops: 10 }, 3)).toEqual({ feeDrops: 40, minimumDrops: 40 });
    expect(quoteFee({ baseFeeDrops: '10' }, 1)).toEqual({ feeDrops: 20, minimumDrops: 20 });
  });

  it('matches xrpl.js autofill for a 1.2 cushion (12 x 3 = 36, not 13 x 3)', () => {
    expect(quoteFee({ baseFeeDrops: 10, cushion: 1.2 }, 2).feeDrops).toBe(36);
  });

  it('scales by the load factor and rounds each unit up', () => {
    expect(quoteFee({ baseFeeDrops: 10, loadFactor: 1.5 }, 2)).toEqual({ feeDrops: 45, minimumDrops: 45 });
    expect(quoteFee({ baseFeeDrops: 10, loadFactor: 1.25, cushion: 1.1 }, 1).feeDrops).toBe(28); // ceil(13.75) x 2
  });

  it('caps at maxFeeDrops when the cap still covers the minimum', () => {
    expect(quoteFee({ baseFeeDrops: 10, cushion: 2, maxFeeDrops: 50 }, 3)).toEqual({
      feeDrops: 50,
      minimumDrops: 40,
    });
  });

  it('refuses a cap below the minimum instead of building an unsubmittable tx', () => {
    expect(refusalOf(() => quoteFee({ baseFeeDrops: 10, loadFactor: 2, maxFeeDrops: 79 }, 3))).toEqual({
      code: 'FEE_CAP_TOO_LOW',
      details: { maxFeeDrops: '79', minimumDrops: '80', signatureCount: 3 },
    });
  });
});

describe("prepare: rippled's local checks before anyone signs", () => {
  const memo = (bytes: number) => [{ Memo: { MemoData: 'AB'.repeat(bytes) } }];

  it.each([
    ['Memos over 1 KB (a 2 KB MemoData)', { Memos: memo(2048) }, 'TEMPLATE_MEMO_TOO_LARGE'],
    ['Memos just over 1 KB', { Memos: memo(1020) }, 'TEMPLATE_MEMO_TOO_LARGE'],
    [
      'an XRP payment to the account itself',
      { Destination: treasury.classicAddress },
      'TEMPLATE_PAYMENT_TO_SELF',
    ],
    ['tfPartialPayment on XRP to XRP', { Flags: 0x00020000 }, 'TEMPLATE_XRP_PARTIAL_PAYMENT'],
    ['tfPartialPayment as a flag map', { Flags: { tfPartialPayment: true } }, 'TEMPLATE_XRP_PARTIAL_PAYMENT'],
    ['SendMax on XRP to XRP', { SendMax: '30000000' }, 'TEMPLATE_XRP_SENDMAX'],
  ])('refuses %s', (_what, change, code) => {
    expect(refusalOf(() => prepare({ ...paymentTemplate, ...change }, baseFacts)).code).toBe(code);
  });

  it('accepts a memo of 1 KB less its headers, and a token payment with SendMax', () => {
    expect(() => prepare({ ...paymentTemplate, Memos: memo(1000) }, baseFacts)).not.toThrow();
    const token = { currency: 'USD', issuer: destination, value: '10' };
    expect(() =>
      prepare({ ...paymentTemplate, Amount: token, SendMax: '30000000', Flags: 0x00020000 }, baseFacts),
    ).not.toThrow();
  });
});
