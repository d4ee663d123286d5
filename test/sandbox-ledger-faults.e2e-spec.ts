/**
 * Ledger sandbox fault switches, observed through xrpl.Client.
 */
import { Client, Payment } from 'xrpl';

import {
  Harness,
  XRP,
  multisigFixture,
  multisignWith,
  rpcError,
  startHarness,
  stopHarness,
  submitBlob,
} from './support/ledger/helpers';

describe('ledger sandbox: fault switches', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => stopHarness(h));

  async function preparedPayment(
    fx: Awaited<ReturnType<typeof multisigFixture>>,
    drops: number,
    signers = 2,
  ): Promise<Payment> {
    return h.client.autofill(
      {
        TransactionType: 'Payment',
        Account: fx.ms.address,
        Destination: fx.dest.address,
        Amount: String(drops),
      },
      signers,
    );
  }

  it('dropSubmits: the submit gets no answer (client times out) and nothing is applied; a count wears off', async () => {
    const fx = await multisigFixture(h);
    const tx = await preparedPayment(fx, 5 * XRP);
    const blob = multisignWith(tx, [fx.signers[0]!, fx.signers[1]!]);
    const client = new Client(h.sandbox.url, { timeout: 300 });
    await client.connect();
    try {
      h.sandbox.faults.dropSubmits = 1;
      await expect(client.submit(blob)).rejects.toThrow(/Timeout/i);
      h.sandbox.acceptLedger();
      expect(h.sandbox.getBalance(fx.dest.address)).toBeUndefined();
      expect(h.sandbox.faults.dropSubmits).toBe(false);
      // Answered again (through a client with the usual timeout: 300 ms is only for the dropped one).
      const r = await submitBlob(h, blob);
      expect(r.engine_result).toBe('tesSUCCESS');
    } finally {
      await client.disconnect();
    }
  });

  it('neverValidate: provisional tesSUCCESS, then never in a validated ledger; past LLS searched_all is true', async () => {
    const fx = await multisigFixture(h);
    const tx = await preparedPayment(fx, 5 * XRP);
    const lls = h.sandbox.currentLedgerIndex() + 2;
    const blob = multisignWith({ ...tx, LastLedgerSequence: lls }, [fx.signers[0]!, fx.signers[1]!]);
    h.sandbox.faults.neverValidate = true;
    const r = await submitBlob(h, blob);
    expect(r.engine_result).toBe('tesSUCCESS');
    const min = h.sandbox.validatedLedgerIndex();
    h.sandbox.faults.neverValidate = false; // only transactions submitted while on are affected
    for (let i = 0; i < 4; i++) h.sandbox.acceptLedger();
    expect(h.sandbox.validatedLedgerIndex()).toBeGreaterThan(lls);
    const nf = await rpcError(
      h.client.request({ command: 'tx', transaction: r.tx_json.hash, min_ledger: min, max_ledger: lls }),
    );
    expect(nf).toMatchObject({ error: 'txnNotFound', searched_all: true });
    expect(h.sandbox.getAccount(fx.ms.address)?.Sequence).toBe(tx.Sequence);
    expect(h.sandbox.getBalance(fx.dest.address)).toBeUndefined();
  });

  it('neverValidate: a resubmission after the fault is switched off validates', async () => {
    const fx = await multisigFixture(h);
    const tx = await preparedPayment(fx, 5 * XRP);
    const blob = multisignWith(tx, [fx.signers[0]!, fx.signers[1]!]);
    h.sandbox.faults.neverValidate = true;
    expect((await submitBlob(h, blob)).engine_result).toBe('tesSUCCESS');
    h.sandbox.faults.neverValidate = false;
    await submitBlob(h, blob); // already in the open ledger: tefPAST_SEQ, but now "submitted while off"
    h.sandbox.acceptLedger();
    expect(h.sandbox.getBalance(fx.dest.address)).toBe(BigInt(5 * XRP));
  });

  it('neverValidate: submitAndWait gives up once the validated ledger passes LastLedgerSequence', async () => {
    await stopHarness(h);
    h = await startHarness({ closeIntervalMs: 100 });
    const fx = await multisigFixture(h);
    const tx = await preparedPayment(fx, 5 * XRP);
    const blob = multisignWith({ ...tx, LastLedgerSequence: h.sandbox.currentLedgerIndex() + 1 }, [
      fx.signers[0]!,
      fx.signers[1]!,
    ]);
    h.sandbox.faults.neverValidate = true;
    await expect(h.client.submitAndWait(blob)).rejects.toThrow(/LastLedgerSequence/);
  });

  it('holdValidation: ledgers close but are not validated until released', async () => {
    const fx = await multisigFixture(h);
    const v0 = h.sandbox.validatedLedgerIndex();
    h.sandbox.faults.holdValidation = true;
    const tx = await preparedPayment(fx, 5 * XRP);
    const r = await submitBlob(h, multisignWith(tx, [fx.signers[0]!, fx.signers[2]!]));
    h.sandbox.acceptLedger();
    h.sandbox.acceptLedger();
    expect(h.sandbox.validatedLedgerIndex()).toBe(v0);
    const info = await h.client.request({ command: 'server_info' });
    expect(info.result.info.complete_ledgers).toBe(`1-${v0}`);
    const closed = await h.client.request({ command: 'ledger', ledger_index: 'closed' });
    expect(closed.result.ledger_index).toBe(v0 + 2);
    expect(closed.result.validated).toBe(false);
    const pending = await h.client.request({ command: 'tx', transaction: r.tx_json.hash });
    expect(pending.result).toMatchObject({ validated: false, ledger_index: v0 + 1 });
    const nf = await rpcError(
      h.client.request({ command: 'tx', transaction: 'B'.repeat(64), min_ledger: v0, max_ledger: v0 + 2 }),
    );
    expect(nf.searched_all).toBe(false);
    h.sandbox.faults.holdValidation = false;
    h.sandbox.acceptLedger();
    const done = await h.client.request({ command: 'tx', transaction: r.tx_json.hash });
    expect(done.result.validated).toBe(true);
  });

  it('openLedgerFeeMultiplier: reported by server_info/fee; a pre-signed Fee becomes telINSUF_FEE_P, kept and applied when the fee drops', async () => {
    const fx = await multisigFixture(h);
    const tx = await preparedPayment(fx, 5 * XRP); // Fee 36 at load 1
    h.sandbox.faults.openLedgerFeeMultiplier = 10;
    const info = await h.client.request({ command: 'server_info' });
    expect(info.result.info.load_factor).toBe(10);
    const fee = await h.client.request({ command: 'fee' });
    expect(fee.result.drops.open_ledger_fee).toBe('100');
    const r = await submitBlob(h, multisignWith(tx, [fx.signers[0]!, fx.signers[1]!]));
    expect(r).toMatchObject({ engine_result: 'telINSUF_FEE_P', applied: false, kept: true });
    h.sandbox.acceptLedger();
    expect(h.sandbox.getBalance(fx.dest.address)).toBeUndefined();
    // xrpl.js autofill now pays the escalated fee
    const pricier = await preparedPayment(fx, 1 * XRP);
    expect(Number(pricier.Fee)).toBe(360);
    h.sandbox.faults.openLedgerFeeMultiplier = 1;
    h.sandbox.acceptLedger(); // held tx retried in the new open ledger...
    h.sandbox.acceptLedger(); // ...and validated
    expect(h.sandbox.getBalance(fx.dest.address)).toBe(BigInt(5 * XRP));
  });

  it('holdCommands: a held submit is neither applied nor answered; cleared, it is applied even though its client left', async () => {
    const fx = await multisigFixture(h);
    const tx = await preparedPayment(fx, 5 * XRP);
    const blob = multisignWith(tx, [fx.signers[0]!, fx.signers[1]!]);
    const client = new Client(h.sandbox.url, { timeout: 300 });
    await client.connect();
    h.sandbox.faults.holdCommands = ['submit'];
    await expect(client.submit(blob)).rejects.toThrow(/Timeout/i);
    await client.disconnect();
    h.sandbox.acceptLedger();
    expect(h.sandbox.getBalance(fx.dest.address)).toBeUndefined();
    // other commands are answered meanwhile
    expect((await h.client.request({ command: 'ping' })).result).toEqual({ role: 'admin', unlimited: true });
    h.sandbox.faults.holdCommands = [];
    const applied = await new Promise<number>((resolve) => {
      const check = (): void => {
        h.sandbox.acceptLedger();
        const found = h.sandbox.findTransactions(fx.ms.address, tx.Sequence!);
        if (found.length > 0) resolve(found.length);
        else setTimeout(check, 20);
      };
      check();
    });
    expect(applied).toBe(1);
    expect(h.sandbox.getBalance(fx.dest.address)).toBe(BigInt(5 * XRP));
  });

  it('holdCommands: "command:account" holds that account only, and the answer comes when released', async () => {
    const fx = await multisigFixture(h);
    h.sandbox.faults.holdCommands = [`account_info:${fx.ms.address}`];
    let answered = false;
    const held = h.client
      .request({ command: 'account_info', account: fx.ms.address, ledger_index: 'validated' })
      .then((r) => {
        answered = true;
        return r.result.account_data.Account;
      });
    const other = await h.client.request({
      command: 'account_info',
      account: fx.signers[0]!.address,
      ledger_index: 'validated',
    });
    expect(other.result.account_data.Account).toBe(fx.signers[0]!.address);
    expect(answered).toBe(false);
    h.sandbox.faults.holdCommands = [];
    await expect(held).resolves.toBe(fx.ms.address);
  });

  it('disconnectAll: clients are dropped and can reconnect', async () => {
    const disconnected = new Promise<number>((resolve) => h.client.once('disconnected', resolve));
    expect(h.sandbox.clientCount()).toBe(1);
    h.sandbox.faults.disconnectAll();
    await disconnected;
    expect(h.client.isConnected()).toBe(false);
    await h.client.connect();
    expect((await h.client.request({ command: 'ping' })).result).toEqual({ role: 'admin', unlimited: true });
  });

  it('validateAlternateSignerSubset: a different valid signer subset validates (malleability), reconcilable by Sequence', async () => {
    const fx = await multisigFixture(h);
    const tx = await preparedPayment(fx, 5 * XRP, 3);
    const blob = multisignWith(tx, [fx.signers[0]!, fx.signers[1]!, fx.signers[2]!]);
    h.sandbox.faults.validateAlternateSignerSubset = true;
    const r = await submitBlob(h, blob);
    expect(r.engine_result).toBe('tesSUCCESS');
    const submittedHash = r.tx_json.hash as string;
    const min = h.sandbox.currentLedgerIndex();
    h.sandbox.acceptLedger();
    h.sandbox.faults.validateAlternateSignerSubset = false;

    const nf = await rpcError(
      h.client.request({
        command: 'tx',
        transaction: submittedHash,
        min_ledger: min,
        max_ledger: h.sandbox.validatedLedgerIndex(),
      }),
    );
    expect(nf).toMatchObject({ error: 'txnNotFound', searched_all: true });
    const history = await h.client.request({ command: 'account_tx', account: fx.ms.address, limit: 1 });
    const validated = history.result.transactions[0]!;
    expect(validated.hash).not.toBe(submittedHash);
    expect(validated.tx_json).toMatchObject({ Account: fx.ms.address, Sequence: tx.Sequence });
    expect((validated.tx_json as { Signers: unknown[] }).Signers).toHaveLength(2);
    expect((validated.meta as { TransactionResult: string }).TransactionResult).toBe('tesSUCCESS');
    expect(h.sandbox.findTransactions(fx.ms.address, tx.Sequence!).map((t) => t.hash)).toEqual([
      validated.hash,
    ]);
    expect(h.sandbox.getBalance(fx.dest.address)).toBe(BigInt(5 * XRP));
  });

  it('validateAlternate(blob): another subset of the same transaction wins at the next close', async () => {
    const fx = await multisigFixture(h);
    const tx = await preparedPayment(fx, 5 * XRP);
    const mine = multisignWith(tx, [fx.signers[0]!, fx.signers[1]!]);
    const theirs = multisignWith(tx, [fx.signers[0]!, fx.signers[2]!]);
    const r = await submitBlob(h, mine);
    expect(r.engine_result).toBe('tesSUCCESS');
    const { hash: altHash } = h.sandbox.faults.validateAlternate(theirs);
    expect(altHash).not.toBe(r.tx_json.hash);
    h.sandbox.acceptLedger();
    const found = await h.client.request({ command: 'tx', transaction: altHash });
    expect(found.result.validated).toBe(true);
    await expect(h.client.request({ command: 'tx', transaction: r.tx_json.hash })).rejects.toThrow(
      'Transaction not found.',
    );
    expect(h.sandbox.getBalance(fx.dest.address)).toBe(BigInt(5 * XRP));
    // resubmitting mine is now stale
    expect((await submitBlob(h, mine)).engine_result).toBe('tefPAST_SEQ');
    expect(() => h.sandbox.faults.validateAlternate('1200')).toThrow();
  });

  it('forgetLedgers: a gap in complete_ledgers makes searched_all false and hides its transactions', async () => {
    const fx = await multisigFixture(h);
    const tx = await preparedPayment(fx, 5 * XRP);
    const r = await submitBlob(h, multisignWith(tx, [fx.signers[0]!, fx.signers[1]!]));
    const inLedger = h.sandbox.acceptLedger();
    h.sandbox.acceptLedger();
    const v = h.sandbox.validatedLedgerIndex();
    h.sandbox.faults.forgetLedgers(inLedger, inLedger);
    const info = await h.client.request({ command: 'server_info' });
    expect(info.result.info.complete_ledgers).toBe(`1-${inLedger - 1},${v}`);
    const nf = await rpcError(
      h.client.request({
        command: 'tx',
        transaction: r.tx_json.hash,
        min_ledger: inLedger - 1,
        max_ledger: v,
      }),
    );
    expect(nf).toMatchObject({ error: 'txnNotFound', searched_all: false });
    expect((await rpcError(h.client.request({ command: 'ledger', ledger_index: inLedger }))).error).toBe(
      'lgrNotFound',
    );
    h.sandbox.faults.reset();
    const found = await h.client.request({ command: 'tx', transaction: r.tx_json.hash });
    expect(found.result.validated).toBe(true);
  });

  it('reset() turns every switch off', () => {
    Object.assign(h.sandbox.faults, {
      dropSubmits: true,
      neverValidate: true,
      holdValidation: true,
      openLedgerFeeMultiplier: 5,
      validateAlternateSignerSubset: true,
      holdCommands: ['submit'],
    });
    h.sandbox.faults.reset();
    expect(h.sandbox.faults).toMatchObject({
      dropSubmits: false,
      neverValidate: false,
      holdValidation: false,
      openLedgerFeeMultiplier: 1,
      validateAlternateSignerSubset: false,
      holdCommands: [],
    });
  });
});

describe('ledger sandbox: control routes (HTTP on the same port, for black-box users)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => stopHarness(h));

  const control = async (
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: any }> => {
    const res = await fetch(`${h.sandbox.url.replace(/^ws/, 'http')}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, json: await res.json() };
  };

  it('GET /sandbox and /sandbox/faults: the summary and every switch, off', async () => {
    const summary = await control('GET', '/sandbox');
    expect(summary.status).toBe(200);
    expect(summary.json).toMatchObject({
      url: h.sandbox.url,
      networkId: 0,
      validatedLedgerIndex: h.sandbox.validatedLedgerIndex(),
      clients: 1,
    });
    expect((await control('GET', '/sandbox/faults')).json).toEqual({
      dropSubmits: false,
      neverValidate: false,
      holdValidation: false,
      openLedgerFeeMultiplier: 1,
      validateAlternateSignerSubset: false,
      holdCommands: [],
    });
  });

  it('PUT /sandbox/faults holdCommands: set, refused when not a list of strings, cleared by reset', async () => {
    expect((await control('PUT', '/sandbox/faults', { holdCommands: ['submit', 'tx'] })).json).toMatchObject({
      holdCommands: ['submit', 'tx'],
    });
    const bad = await control('PUT', '/sandbox/faults', { holdCommands: 'submit', holdValidation: true });
    expect(bad.status).toBe(400);
    expect(h.sandbox.faults.holdValidation).toBe(false);
    expect((await control('POST', '/sandbox/faults/reset')).json).toMatchObject({ holdCommands: [] });
  });

  it('PUT /sandbox/faults raises the fee for xrpl.Client; reset puts it back', async () => {
    const on = await control('PUT', '/sandbox/faults', { openLedgerFeeMultiplier: 10, holdValidation: true });
    expect(on.status).toBe(200);
    expect(on.json).toMatchObject({ openLedgerFeeMultiplier: 10, holdValidation: true });
    expect((await h.client.request({ command: 'fee' })).result.drops.open_ledger_fee).toBe('100');
    const held = h.sandbox.validatedLedgerIndex();
    expect((await control('POST', '/sandbox/ledger/accept')).json.validatedLedgerIndex).toBe(held);
    const off = await control('POST', '/sandbox/faults/reset');
    expect(off.json).toMatchObject({ openLedgerFeeMultiplier: 1, holdValidation: false });
    expect((await h.client.request({ command: 'fee' })).result.drops.open_ledger_fee).toBe('10');
  });

  it('PUT /sandbox/faults dropSubmits: a count of submits gets no answer, then it wears off', async () => {
    const fx = await multisigFixture(h);
    const tx: Payment = await h.client.autofill(
      {
        TransactionType: 'Payment',
        Account: fx.ms.address,
        Destination: fx.dest.address,
        Amount: String(XRP),
      },
      2,
    );
    const blob = multisignWith(tx, [fx.signers[0]!, fx.signers[1]!]);
    await control('PUT', '/sandbox/faults', { dropSubmits: 1 });
    expect(() => h.sandbox.submit(blob)).toThrow(/dropped/);
    expect((await control('GET', '/sandbox/faults')).json.dropSubmits).toBe(false);
    expect(h.sandbox.submit(blob).engine_result).toBe('tesSUCCESS');
  });

  it('POST /sandbox/faults/disconnect drops the WebSocket clients', async () => {
    const disconnected = new Promise<number>((resolve) => h.client.once('disconnected', resolve));
    expect((await control('POST', '/sandbox/faults/disconnect')).json).toEqual({ disconnected: 1 });
    await disconnected;
    expect(h.client.isConnected()).toBe(false);
  });

  it('POST /sandbox/faults/forget-ledgers punches a hole in complete_ledgers', async () => {
    for (let i = 0; i < 3; i++) h.sandbox.acceptLedger();
    expect(h.sandbox.validatedLedgerIndex()).toBe(5);
    expect((await control('POST', '/sandbox/faults/forget-ledgers', { from: 2, to: 3 })).status).toBe(200);
    const info = await h.client.request({ command: 'server_info' });
    expect(info.result.info.complete_ledgers).toBe('1,4-5');
  });

  it('refuses bad bodies and unknown routes and changes nothing', async () => {
    const unknown = await control('PUT', '/sandbox/faults', { neverValidate: true, noSuchSwitch: true });
    expect(unknown).toMatchObject({ status: 400, json: { error: { code: 'INVALID_BODY' } } });
    const badValue = await control('PUT', '/sandbox/faults', { openLedgerFeeMultiplier: 0 });
    expect(badValue).toMatchObject({ status: 400, json: { error: { code: 'INVALID_BODY' } } });
    const notJson = await control('PUT', '/sandbox/faults', '{nope');
    expect(notJson).toMatchObject({ status: 400, json: { error: { code: 'INVALID_JSON' } } });
    const badBlob = await control('POST', '/sandbox/faults/validate-alternate', { tx_blob: '00' });
    expect(badBlob).toMatchObject({ status: 400, json: { error: { code: 'INVALID_TRANSACTION' } } });
    expect((await control('GET', '/sandbox/nothing')).status).toBe(404);
    expect((await control('GET', '/')).status).toBe(404);
    expect(h.sandbox.faults.neverValidate).toBe(false);
    expect(h.sandbox.faults.openLedgerFeeMultiplier).toBe(1);
  });
});
