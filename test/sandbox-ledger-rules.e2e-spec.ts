/**
 * Ledger sandbox conformance: rippled's local checks (RPC `invalidTransaction`) and engine
 * result codes, each produced by the matching mistake, driven through xrpl.Client only.
 */
import { decode, encode } from 'ripple-binary-codec';
import { Payment, Wallet, multisign } from 'xrpl';

import { TER_CODES } from '@app/sandbox';

import {
  Harness,
  XRP,
  fundWallets,
  multisigFixture,
  multisignWith,
  newWallet,
  rpcError,
  setSignerList,
  signRaw,
  startHarness,
  stopHarness,
  submitAndClose,
  submitBlob,
} from './support/ledger/helpers';

async function payment(
  h: Harness,
  from: string,
  to: string,
  drops: number,
  signers: number,
  extra: Partial<Payment> = {},
) {
  return h.client.autofill(
    {
      TransactionType: 'Payment',
      Account: from,
      Destination: to,
      Amount: String(drops),
      ...extra,
    },
    signers,
  );
}

describe('ledger sandbox: local checks (RPC invalidTransaction)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => stopHarness(h));

  async function expectLocalFailure(blob: string, message: string): Promise<void> {
    const data = await rpcError(submitBlob(h, blob));
    expect(data).toMatchObject({
      status: 'error',
      type: 'response',
      error: 'invalidTransaction',
      error_exception: `fails local checks: ${message}`,
    });
    expect(data.request).toMatchObject({ command: 'submit' });
  }

  it('rejects a forged / tampered signature with "Invalid signature on account …"', async () => {
    const { ms, signers, dest } = await multisigFixture(h);
    const [s1, s2] = signers as [Wallet, Wallet];
    const tx = await payment(h, ms.address, dest.address, 5 * XRP, 2);
    const good = s1.sign(tx, true).tx_blob;
    const tampered = s2.sign({ ...tx, Amount: String(6 * XRP) }, true).tx_blob;
    const decoded = decode(tampered) as Record<string, any>;
    decoded.Amount = String(5 * XRP); // s2 signed a different amount
    const blob = multisign([good, encode(decoded)]);
    await expectLocalFailure(blob, `Invalid signature on account ${s2.address}.`);
    // and it is visible to xrpl.js as a thrown RippledError whose message is error_exception
    await expect(h.client.submit(blob)).rejects.toThrow(
      `fails local checks: Invalid signature on account ${s2.address}.`,
    );
  });

  it('rejects a signature re-bound to another signer account', async () => {
    const { ms, signers, dest } = await multisigFixture(h);
    const [s1, s2, s3] = signers as [Wallet, Wallet, Wallet];
    const tx = await payment(h, ms.address, dest.address, 5 * XRP, 2);
    const d = decode(s2.sign(tx, true).tx_blob) as Record<string, any>;
    d.Signers[0].Signer.Account = s3.address; // s2's signature presented for s3
    const blob = multisign([s1.sign(tx, true).tx_blob, encode(d)]);
    await expectLocalFailure(blob, `Invalid signature on account ${s3.address}.`);
  });

  it('rejects an unsorted Signers array', async () => {
    const { ms, signers, dest } = await multisigFixture(h);
    const tx = await payment(h, ms.address, dest.address, 5 * XRP, 2);
    const sorted = decode(multisignWith(tx, [signers[0]!, signers[1]!])) as Record<string, any>;
    sorted.Signers.reverse();
    await expectLocalFailure(encode(sorted), 'Unsorted Signers array.');
  });

  it('rejects a duplicate signer', async () => {
    const { ms, signers, dest } = await multisigFixture(h);
    const tx = await payment(h, ms.address, dest.address, 5 * XRP, 2);
    const one = signers[0]!.sign(tx, true).tx_blob;
    await expectLocalFailure(multisign([one, one]), 'Duplicate Signers not allowed.');
  });

  it('rejects an empty or oversized (33) Signers array', async () => {
    const { ms, signers, dest } = await multisigFixture(h);
    const tx = await payment(h, ms.address, dest.address, 5 * XRP, 2);
    const d = decode(signers[0]!.sign(tx, true).tx_blob) as Record<string, any>;
    const many = Array.from({ length: 33 }, () => newWallet()).map((w) => ({
      Signer: { Account: w.address, SigningPubKey: w.publicKey, TxnSignature: '00' },
    }));
    await expectLocalFailure(encode({ ...d, Signers: many }), 'Invalid Signers array size.');
    await expectLocalFailure(encode({ ...d, Signers: [] }), 'Invalid Signers array size.');
  });

  it('rejects the account signing for itself ("Invalid multisigner.")', async () => {
    const { ms, signers, dest } = await multisigFixture(h);
    const tx = await payment(h, ms.address, dest.address, 5 * XRP, 2);
    await expectLocalFailure(multisignWith(tx, [signers[0]!, ms]), 'Invalid multisigner.');
  });

  it('rejects both single- and multi-signing', async () => {
    const { ms, signers, dest } = await multisigFixture(h);
    const tx = await payment(h, ms.address, dest.address, 5 * XRP, 2);
    const d = decode(multisignWith(tx, [signers[0]!, signers[1]!])) as Record<string, any>;
    await expectLocalFailure(
      encode({ ...d, TxnSignature: 'DEADBEEF' }),
      'Cannot both single- and multi-sign.',
    );
    await expectLocalFailure(
      encode({ ...d, SigningPubKey: ms.publicKey }),
      'Cannot both single- and multi-sign.',
    );
  });

  it('rejects an empty SigningPubKey without Signers and a bad single signature', async () => {
    const w = newWallet();
    await fundWallets(h, [w]);
    const tx = await payment(h, w.address, newWallet().address, 2 * XRP, 0);
    const signed = decode(w.sign(tx).tx_blob) as Record<string, any>;
    const { TxnSignature: _sig, ...unsigned } = signed;
    void _sig;
    await expectLocalFailure(encode({ ...unsigned, SigningPubKey: '' }), 'Empty SigningPubKey.');
    await expectLocalFailure(encode({ ...signed, Amount: String(3 * XRP) }), 'Invalid signature.');
  });

  it('answers invalidParams for a non-hex blob and invalidTransaction for an undecodable one', async () => {
    expect(await rpcError(submitBlob(h, 'zz'))).toMatchObject({ error: 'invalidParams', error_code: 31 });
    const data = await rpcError(submitBlob(h, '1200'));
    expect(data.error).toBe('invalidTransaction');
    expect(typeof data.error_exception).toBe('string');
    const { ms, signers, dest } = await multisigFixture(h);
    const tx = await payment(h, ms.address, dest.address, 5 * XRP, 1);
    const d = decode(signers[0]!.sign(tx, true).tx_blob) as Record<string, any>;
    delete d.Signers[0].Signer.TxnSignature;
    const missing = await rpcError(submitBlob(h, encode(d)));
    expect(missing).toMatchObject({
      error: 'invalidTransaction',
      error_exception: "Field 'TxnSignature' is required but missing.",
    });
  });
});

describe('ledger sandbox: engine results', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => stopHarness(h));

  function expectResult(r: Record<string, any>, token: string): void {
    expect(r.engine_result).toBe(token);
    expect(r.engine_result_code).toBe(TER_CODES[token]);
    expect(typeof r.engine_result_message).toBe('string');
  }

  it('tefBAD_QUORUM: valid signers whose weights do not reach the quorum', async () => {
    const { ms, signers, dest } = await multisigFixture(h, { quorum: 3, weights: [1, 1, 2] });
    const tx = await payment(h, ms.address, dest.address, 5 * XRP, 2);
    const r = await submitBlob(h, multisignWith(tx, [signers[0]!, signers[1]!]));
    expectResult(r, 'tefBAD_QUORUM');
    // not applied, but (like rippled's LocalTxs) kept and retried in later open ledgers
    expect(r).toMatchObject({
      applied: false,
      broadcast: false,
      kept: true,
      engine_result_message: 'Signatures provided do not meet the quorum.',
    });
    // weights 1 + 2 reach 3
    const ok = await submitBlob(h, multisignWith(tx, [signers[0]!, signers[2]!]));
    expectResult(ok, 'tesSUCCESS');
    expect(ok).toMatchObject({ applied: true, accepted: true, broadcast: true, kept: true, queued: false });
    expect(ok.tx_json.hash).toMatch(/^[0-9A-F]{64}$/);
  });

  it('tefBAD_SIGNATURE: a signer that is not on the SignerList', async () => {
    const { ms, signers, dest } = await multisigFixture(h);
    const outsider = newWallet();
    const tx = await payment(h, ms.address, dest.address, 5 * XRP, 2);
    expectResult(await submitBlob(h, multisignWith(tx, [signers[0]!, outsider])), 'tefBAD_SIGNATURE');
  });

  it('tefBAD_SIGNATURE: a signer key that is neither its master key nor its RegularKey', async () => {
    const { ms, signers, dest } = await multisigFixture(h);
    const stranger = newWallet();
    const tx = await payment(h, ms.address, dest.address, 5 * XRP, 2);
    // stranger signs *as* signers[1] (signature verifies, key is not authorised for that account)
    const r = await submitBlob(h, multisignWith(tx, [signers[0]!, [stranger, signers[1]!.address]]));
    expectResult(r, 'tefBAD_SIGNATURE');
  });

  it('a signer may sign with its RegularKey, and a phantom (unfunded) signer with its master key', async () => {
    const { ms, signers, dest } = await multisigFixture(h);
    const regular = newWallet();
    expect(
      (
        await submitAndClose(
          h,
          { TransactionType: 'SetRegularKey', Account: signers[1]!.address, RegularKey: regular.address },
          signers[1]!,
        )
      ).engine_result,
    ).toBe('tesSUCCESS');
    const tx = await payment(h, ms.address, dest.address, 5 * XRP, 2);
    expectResult(
      await submitBlob(h, multisignWith(tx, [signers[0]!, [regular, signers[1]!.address]])),
      'tesSUCCESS',
    );
    h.sandbox.acceptLedger();

    const phantom = await multisigFixture(h, { fundSigners: false });
    const tx2 = await payment(h, phantom.ms.address, phantom.dest.address, 5 * XRP, 2);
    expectResult(
      await submitBlob(h, multisignWith(tx2, [phantom.signers[0]!, phantom.signers[2]!])),
      'tesSUCCESS',
    );
    h.sandbox.acceptLedger();
  });

  it('tefNOT_MULTI_SIGNING: the account has no SignerList', async () => {
    const ms = newWallet();
    const s1 = newWallet();
    const s2 = newWallet();
    await fundWallets(h, [ms]);
    const tx = await payment(h, ms.address, newWallet().address, 5 * XRP, 2);
    expectResult(await submitBlob(h, multisignWith(tx, [s1, s2])), 'tefNOT_MULTI_SIGNING');
  });

  it('tefMASTER_DISABLED: a signer (or a single signer) using its disabled master key', async () => {
    const { ms, signers, dest } = await multisigFixture(h);
    const s = signers[1]!;
    const regular = newWallet();
    await submitAndClose(
      h,
      { TransactionType: 'SetRegularKey', Account: s.address, RegularKey: regular.address },
      s,
    );
    expect(
      (await submitAndClose(h, { TransactionType: 'AccountSet', Account: s.address, SetFlag: 4 }, s))
        .engine_result,
    ).toBe('tesSUCCESS');
    const info = await h.client.request({
      command: 'account_info',
      account: s.address,
      ledger_index: 'validated',
    });
    expect(info.result.account_data.Flags & 0x00100000).toBe(0x00100000);
    expect(info.result.account_flags?.disableMasterKey).toBe(true);

    const tx = await payment(h, ms.address, dest.address, 5 * XRP, 2);
    expectResult(await submitBlob(h, multisignWith(tx, [signers[0]!, s])), 'tefMASTER_DISABLED');
    // single-signed with the disabled master key
    const single = s.sign(await payment(h, s.address, dest.address, 5 * XRP, 0)).tx_blob;
    expectResult(await submitBlob(h, single), 'tefMASTER_DISABLED');
    // the regular key still works for both
    expectResult(await submitBlob(h, multisignWith(tx, [signers[0]!, [regular, s.address]])), 'tesSUCCESS');
  });

  it('tefBAD_AUTH: single-signed with a key that is not authorised', async () => {
    const a = newWallet();
    const other = newWallet();
    await fundWallets(h, [a]);
    const tx = await payment(h, a.address, other.address, 5 * XRP, 0);
    const blob = other.sign({ ...tx, SigningPubKey: other.publicKey }).tx_blob;
    expectResult(await submitBlob(h, blob), 'tefBAD_AUTH');
  });

  it('telINSUF_FEE_P: Fee not covering base x (1 + number of Signers)', async () => {
    const { ms, signers, dest } = await multisigFixture(h);
    const tx = await payment(h, ms.address, dest.address, 5 * XRP, 1); // Fee sized for one signature (24)
    const r = await submitBlob(h, multisignWith(tx, [signers[0]!, signers[1]!])); // needs 30
    expectResult(r, 'telINSUF_FEE_P');
    expect(r.engine_result_message).toBe('Fee insufficient.');
    const exact = await payment(h, ms.address, dest.address, 5 * XRP, 0, { Fee: '30' });
    expectResult(await submitBlob(h, multisignWith(exact, [signers[0]!, signers[1]!])), 'tesSUCCESS');
  });

  it('tefPAST_SEQ and terPRE_SEQ (held, then applied when the hole fills)', async () => {
    const a = newWallet();
    const b = newWallet();
    await fundWallets(h, [a]);
    const first = await payment(h, a.address, b.address, 10 * XRP, 0);
    const seq = first.Sequence!;
    const future = a.sign({ ...first, Sequence: seq + 1 }).tx_blob;
    const r = await submitBlob(h, future);
    expectResult(r, 'terPRE_SEQ');
    expect(r).toMatchObject({ applied: false, kept: true });
    expectResult(await submitBlob(h, a.sign(first).tx_blob), 'tesSUCCESS');
    // filling the hole applies the held seq+1 right away in the open ledger...
    expect(h.sandbox.getAccount(a.address, 'current')?.Sequence).toBe(seq + 2);
    h.sandbox.acceptLedger(); // ...and both validate in the next ledger
    expect(h.sandbox.getAccount(a.address)?.Sequence).toBe(seq + 2);
    const past = await submitBlob(h, a.sign({ ...first, Amount: String(11 * XRP) }).tx_blob);
    expectResult(past, 'tefPAST_SEQ');
  });

  it('terPRE_SEQ held across closes: applied when the hole is filled in a later ledger', async () => {
    const a = newWallet();
    await fundWallets(h, [a]);
    const first = await payment(h, a.address, newWallet().address, 10 * XRP, 0);
    const seq = first.Sequence!;
    const later = a.sign({
      ...first,
      Sequence: seq + 1,
      LastLedgerSequence: h.sandbox.currentLedgerIndex() + 10,
    });
    expectResult(await submitBlob(h, later.tx_blob), 'terPRE_SEQ');
    h.sandbox.acceptLedger();
    h.sandbox.acceptLedger();
    expectResult(await submitBlob(h, a.sign(first).tx_blob), 'tesSUCCESS');
    h.sandbox.acceptLedger();
    const res = await h.client.request({ command: 'tx', transaction: later.hash });
    expect(res.result.validated).toBe(true);
  });

  it('fail_hard: a failing submit is neither kept nor retried', async () => {
    const a = newWallet();
    await fundWallets(h, [a]);
    const first = await payment(h, a.address, newWallet().address, 10 * XRP, 0);
    const later = a.sign({ ...first, Sequence: first.Sequence! + 1 });
    const r = await h.client.request({ command: 'submit', tx_blob: later.tx_blob, fail_hard: true });
    expect(r.result).toMatchObject({ engine_result: 'terPRE_SEQ', kept: false, accepted: false });
    expectResult(await submitBlob(h, a.sign(first).tx_blob), 'tesSUCCESS');
    h.sandbox.acceptLedger();
    h.sandbox.acceptLedger();
    expect(h.sandbox.getAccount(a.address)?.Sequence).toBe(first.Sequence! + 1);
  });

  it('tefMAX_LEDGER: LastLedgerSequence already passed', async () => {
    const a = newWallet();
    await fundWallets(h, [a]);
    const tx = await payment(h, a.address, newWallet().address, 10 * XRP, 0);
    const blob = a.sign({ ...tx, LastLedgerSequence: h.sandbox.currentLedgerIndex() - 1 }).tx_blob;
    expectResult(await submitBlob(h, blob), 'tefMAX_LEDGER');
  });

  it('temSEQ_AND_TICKET, terPRE_TICKET and tefNO_TICKET', async () => {
    const { ms, signers, dest } = await multisigFixture(h);
    const both = await payment(h, ms.address, dest.address, 5 * XRP, 2);
    const withBoth = multisignWith({ ...both, TicketSequence: both.Sequence! + 5 }, [
      signers[0]!,
      signers[1]!,
    ]);
    expectResult(await submitBlob(h, withBoth), 'temSEQ_AND_TICKET');

    const seq = both.Sequence!;
    const ahead = multisignWith({ ...both, Sequence: 0, TicketSequence: seq + 10 }, [
      signers[0]!,
      signers[1]!,
    ]);
    expectResult(await submitBlob(h, ahead), 'terPRE_TICKET');
    const never = multisignWith({ ...both, Sequence: 0, TicketSequence: seq - 1 }, [
      signers[0]!,
      signers[1]!,
    ]);
    expectResult(await submitBlob(h, never), 'tefNO_TICKET');
  });

  it('SignerListSet malformations: temBAD_QUORUM, temBAD_SIGNER, temBAD_WEIGHT, temMALFORMED', async () => {
    const a = newWallet();
    const s1 = newWallet();
    const s2 = newWallet();
    await fundWallets(h, [a]);
    expect(
      await setSignerList(h, a, 3, [
        { account: s1.address, weight: 1 },
        { account: s2.address, weight: 1 },
      ]),
    ).toBe('temBAD_QUORUM');
    expect(
      await setSignerList(h, a, 1, [
        { account: s1.address, weight: 1 },
        { account: s1.address, weight: 1 },
      ]),
    ).toBe('temBAD_SIGNER');
    expect(
      await setSignerList(h, a, 1, [
        { account: a.address, weight: 1 },
        { account: s1.address, weight: 1 },
      ]),
    ).toBe('temBAD_SIGNER');
    expect(
      await setSignerList(h, a, 1, [
        { account: s1.address, weight: 0 },
        { account: s2.address, weight: 1 },
      ]),
    ).toBe('temBAD_WEIGHT');
    const many = Array.from({ length: 33 }, () => ({ account: newWallet().address, weight: 1 }));
    // xrpl.js refuses to sign 33 entries, so sign it by hand
    const tooMany = await h.client.autofill({
      TransactionType: 'SignerListSet',
      Account: a.address,
      SignerQuorum: 1,
      SignerEntries: many
        .slice(0, 1)
        .map((e) => ({ SignerEntry: { Account: e.account, SignerWeight: e.weight } })),
    });
    const blob = signRaw(
      {
        ...tooMany,
        SignerEntries: many.map((e) => ({ SignerEntry: { Account: e.account, SignerWeight: e.weight } })),
      },
      a,
    );
    expect((await submitBlob(h, blob)).engine_result).toBe('temMALFORMED');
    expect(h.sandbox.getSignerList(a.address)).toBeUndefined();
  });

  it('tecUNFUNDED_PAYMENT: sending below the reserve is applied as a failure (fee burned, Sequence used)', async () => {
    const a = newWallet();
    await fundWallets(h, [a], 10 * XRP);
    const before = h.sandbox.getAccount(a.address)!;
    const tx = await payment(h, a.address, newWallet().address, 9_500_000, 0); // 10 XRP - 9.5 < 1 XRP reserve
    const signed = a.sign(tx);
    const r = await submitBlob(h, signed.tx_blob);
    expectResult(r, 'tecUNFUNDED_PAYMENT');
    expect(r).toMatchObject({ applied: true });
    h.sandbox.acceptLedger();
    const res = await h.client.request({ command: 'tx', transaction: signed.hash });
    expect(res.result.validated).toBe(true);
    expect((res.result.meta as any).TransactionResult).toBe('tecUNFUNDED_PAYMENT');
    expect((res.result.meta as any).delivered_amount).toBeUndefined();
    const after = h.sandbox.getAccount(a.address)!;
    expect(BigInt(after.Balance)).toBe(BigInt(before.Balance) - BigInt(tx.Fee!));
    expect(after.Sequence).toBe(before.Sequence + 1);
  });

  it('reserve boundary: a Payment may leave exactly the reserve (the fee may dip into it), one drop more is tecUNFUNDED_PAYMENT', async () => {
    const a = newWallet();
    await fundWallets(h, [a], 10 * XRP);
    const dest = newWallet();
    await fundWallets(h, [dest], 10 * XRP);
    const balance = h.sandbox.getBalance(a.address)!;
    const over = await payment(h, a.address, dest.address, Number(balance - 1_000_000n + 1n), 0);
    expectResult(await submitBlob(h, a.sign(over).tx_blob), 'tecUNFUNDED_PAYMENT');
    h.sandbox.acceptLedger();
    const now = h.sandbox.getBalance(a.address)!;
    const exact = await payment(h, a.address, dest.address, Number(now - 1_000_000n), 0);
    expectResult(await submitBlob(h, a.sign(exact).tx_blob), 'tesSUCCESS');
    h.sandbox.acceptLedger();
    expect(h.sandbox.getBalance(a.address)).toBe(1_000_000n - BigInt(exact.Fee!));
  });

  it('multisigned SetRegularKey, then the regular key single-signs for the multisig account', async () => {
    const { ms, signers, dest } = await multisigFixture(h);
    const rk = newWallet();
    const tx = await h.client.autofill(
      { TransactionType: 'SetRegularKey', Account: ms.address, RegularKey: rk.address },
      2,
    );
    expectResult(await submitBlob(h, multisignWith(tx, [signers[1]!, signers[2]!])), 'tesSUCCESS');
    h.sandbox.acceptLedger();
    expect(h.sandbox.getAccount(ms.address)?.RegularKey).toBe(rk.address);
    const pay = await payment(h, ms.address, dest.address, 2 * XRP, 0);
    expectResult(await submitBlob(h, rk.sign(pay).tx_blob), 'tesSUCCESS');
  });

  it('submitAndWait fails fast on a tem result', async () => {
    const a = newWallet();
    await fundWallets(h, [a]);
    const tx = await payment(h, a.address, newWallet().address, 2 * XRP, 0);
    await expect(h.client.submitAndWait(a.sign({ ...tx, Destination: a.address }).tx_blob)).rejects.toThrow(
      /temREDUNDANT/,
    );
  });

  it('tecNO_DST_INSUF_XRP: creating an account with less than the base reserve', async () => {
    const a = newWallet();
    await fundWallets(h, [a]);
    const dest = newWallet();
    const r = await submitAndClose(
      h,
      { TransactionType: 'Payment', Account: a.address, Destination: dest.address, Amount: '999999' },
      a,
    );
    expect(r.engine_result).toBe('tecNO_DST_INSUF_XRP');
    expect(h.sandbox.getAccount(dest.address)).toBeUndefined();
    const ok = await submitAndClose(
      h,
      { TransactionType: 'Payment', Account: a.address, Destination: dest.address, Amount: '1000000' },
      a,
    );
    expect(ok.engine_result).toBe('tesSUCCESS');
    expect(h.sandbox.getAccount(dest.address)?.Sequence).toBe(h.sandbox.validatedLedgerIndex());
  });

  it('terNO_ACCOUNT: an unfunded sender', async () => {
    const a = newWallet();
    const tx: Payment = {
      TransactionType: 'Payment',
      Account: a.address,
      Destination: newWallet().address,
      Amount: '5000000',
      Fee: '12',
      Sequence: 1,
      LastLedgerSequence: h.sandbox.currentLedgerIndex() + 5,
    };
    expectResult(await submitBlob(h, a.sign(tx).tx_blob), 'terNO_ACCOUNT');
  });

  it('temREDUNDANT / temBAD_AMOUNT for XRP payments', async () => {
    const a = newWallet();
    await fundWallets(h, [a]);
    const base = await payment(h, a.address, newWallet().address, 1 * XRP, 0);
    expectResult(await submitBlob(h, a.sign({ ...base, Destination: a.address }).tx_blob), 'temREDUNDANT');
    expectResult(await submitBlob(h, a.sign({ ...base, Amount: '0' }).tx_blob), 'temBAD_AMOUNT');
  });

  it('AccountSet asfDisableMaster: tecNO_ALTERNATIVE_KEY without another key, tecNEED_MASTER_KEY when multisigned', async () => {
    const a = newWallet();
    await fundWallets(h, [a]);
    expect(
      (await submitAndClose(h, { TransactionType: 'AccountSet', Account: a.address, SetFlag: 4 }, a))
        .engine_result,
    ).toBe('tecNO_ALTERNATIVE_KEY');
    const { ms, signers } = await multisigFixture(h);
    const tx = await h.client.autofill({ TransactionType: 'AccountSet', Account: ms.address, SetFlag: 4 }, 2);
    expectResult(await submitBlob(h, multisignWith(tx, [signers[0]!, signers[1]!])), 'tecNEED_MASTER_KEY');
    h.sandbox.acceptLedger();
    // with a SignerList the owner may disable its master key, and then only multisign works
    expect(
      (await submitAndClose(h, { TransactionType: 'AccountSet', Account: ms.address, SetFlag: 4 }, ms))
        .engine_result,
    ).toBe('tesSUCCESS');
    const single = ms.sign(await payment(h, ms.address, newWallet().address, 2 * XRP, 0)).tx_blob;
    expectResult(await submitBlob(h, single), 'tefMASTER_DISABLED');
    // deleting the only alternative (the SignerList) is refused
    const del = await h.client.autofill(
      { TransactionType: 'SignerListSet', Account: ms.address, SignerQuorum: 0 },
      2,
    );
    expectResult(
      await submitBlob(h, multisignWith(del, [signers[0]!, signers[1]!])),
      'tecNO_ALTERNATIVE_KEY',
    );
  });

  it('SetRegularKey: temBAD_REGKEY for its own address; removal refused when it is the only key', async () => {
    const a = newWallet();
    const rk = newWallet();
    await fundWallets(h, [a]);
    const r = await submitAndClose(
      h,
      { TransactionType: 'SetRegularKey', Account: a.address, RegularKey: a.address },
      a,
    );
    expect(r.engine_result).toBe('temBAD_REGKEY');
    await submitAndClose(
      h,
      { TransactionType: 'SetRegularKey', Account: a.address, RegularKey: rk.address },
      a,
    );
    expect(h.sandbox.getAccount(a.address)?.RegularKey).toBe(rk.address);
    await submitAndClose(h, { TransactionType: 'AccountSet', Account: a.address, SetFlag: 4 }, a);
    const rm = await h.client.autofill({ TransactionType: 'SetRegularKey', Account: a.address });
    expectResult(await submitBlob(h, rk.sign(rm).tx_blob), 'tecNO_ALTERNATIVE_KEY');
  });

  it('NetworkID rules: telNETWORK_ID_MAKES_TX_NON_CANONICAL on a network <= 1024', async () => {
    const a = newWallet();
    await fundWallets(h, [a]);
    const tx = await payment(h, a.address, newWallet().address, 2 * XRP, 0);
    expectResult(
      await submitBlob(h, a.sign({ ...tx, NetworkID: 1 }).tx_blob),
      'telNETWORK_ID_MAKES_TX_NON_CANONICAL',
    );
  });
});

describe('ledger sandbox: NetworkID > 1024', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ networkId: 21337 });
  });
  afterAll(async () => stopHarness(h));

  it('requires a matching NetworkID; xrpl.js autofill adds it', async () => {
    expect(h.client.networkID).toBe(21337);
    const a = newWallet();
    await fundWallets(h, [a]);
    const tx = await payment(h, a.address, newWallet().address, 2 * XRP, 0);
    expect(tx.NetworkID).toBe(21337);
    const { NetworkID: _n, ...without } = tx;
    void _n;
    expect((await submitBlob(h, a.sign(without as Payment).tx_blob)).engine_result).toBe(
      'telREQUIRES_NETWORK_ID',
    );
    expect((await submitBlob(h, a.sign({ ...tx, NetworkID: 5000 }).tx_blob)).engine_result).toBe(
      'telWRONG_NETWORK',
    );
    expect((await submitBlob(h, a.sign(tx).tx_blob)).engine_result).toBe('tesSUCCESS');
  });
});
