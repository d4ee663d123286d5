/**
 * Ledger sandbox conformance: the happy path and the rippled API v2 command shapes, driven with
 * xrpl.Client only (plus the sandbox's own test-control functions).
 */
import {
  AccountSet,
  Client,
  LedgerStream,
  Payment,
  TicketCreate,
  TransactionStream,
  Wallet,
  getBalanceChanges,
  hashes as xrplHashes,
  multisign,
} from 'xrpl';

import { decode } from 'ripple-binary-codec';
import { GENESIS, TER_CODES, startLedgerSandbox } from '@app/sandbox';

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

function waitFor<T>(
  client: Client,
  event: 'ledgerClosed' | 'transaction',
  pred: (m: T) => boolean,
  ms = 3000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    const handler = (m: T): void => {
      if (pred(m)) {
        clearTimeout(timer);
        client.off(event, handler as never);
        resolve(m);
      }
    };
    client.on(event, handler as never);
  });
}

describe('ledger sandbox: happy path with xrpl.js only', () => {
  let h: Harness | undefined;
  afterEach(async () => stopHarness(h));

  it('validates a 2-of-3 multisigned Payment via submitAndWait and moves the balance', async () => {
    h = await startHarness({ closeIntervalMs: 200 });
    const { client, sandbox } = h;
    const { ms, signers, dest } = await multisigFixture(h);
    const info = await client.request({
      command: 'account_info',
      account: ms.address,
      signer_lists: true,
      ledger_index: 'validated',
    });
    expect(info.result.signer_lists?.[0]?.SignerQuorum).toBe(2);
    const before = sandbox.getBalance(ms.address)!;

    const tx: Payment = await client.autofill(
      {
        TransactionType: 'Payment',
        Account: ms.address,
        Destination: dest.address,
        Amount: String(20 * XRP),
      },
      2,
    );
    expect(tx.Fee).toBe('36');
    expect(tx.LastLedgerSequence).toBe(sandbox.validatedLedgerIndex() + 20);
    const blob = multisignWith(tx, [signers[0]!, signers[2]!]);
    const res = await client.submitAndWait(blob);
    expect(res.result.validated).toBe(true);
    expect(res.result.meta).toMatchObject({
      TransactionResult: 'tesSUCCESS',
      delivered_amount: String(20 * XRP),
    });
    expect(sandbox.getBalance(dest.address)).toBe(BigInt(20 * XRP));
    expect(sandbox.getBalance(ms.address)).toBe(before - BigInt(20 * XRP) - 36n);
    expect(await client.getXrpBalance(dest.address)).toBe(20);
    const changes = getBalanceChanges(res.result.meta as never);
    expect(changes.map((c) => c.account).sort()).toEqual([ms.address, dest.address].sort());
  });

  it('xrpl.js alone: fund from genesis, SignerListSet, autofill(tx, n), sign(tx, true), multisign, submitAndWait', async () => {
    h = await startHarness({ closeIntervalMs: 100 });
    const { client } = h;
    const genesis = Wallet.fromSeed(GENESIS.seed);
    const ms = newWallet();
    const [s1, s2, s3] = [newWallet('ed25519'), newWallet(), newWallet()];
    const dest = newWallet();
    for (const w of [ms, s1]) {
      const funded = await client.submitAndWait(
        {
          TransactionType: 'Payment',
          Account: genesis.address,
          Destination: w.address,
          Amount: String(100 * XRP),
        },
        { wallet: genesis, autofill: true },
      );
      expect((funded.result.meta as { TransactionResult: string }).TransactionResult).toBe('tesSUCCESS');
    }
    const sls = await client.submitAndWait(
      {
        TransactionType: 'SignerListSet',
        Account: ms.address,
        SignerQuorum: 3,
        SignerEntries: [
          { SignerEntry: { Account: s1.address, SignerWeight: 2 } },
          { SignerEntry: { Account: s2.address, SignerWeight: 1 } },
          { SignerEntry: { Account: s3.address, SignerWeight: 1 } },
        ],
      },
      { wallet: ms, autofill: true },
    );
    expect((sls.result.meta as { TransactionResult: string }).TransactionResult).toBe('tesSUCCESS');
    const tx = await client.autofill(
      {
        TransactionType: 'Payment',
        Account: ms.address,
        Destination: dest.address,
        Amount: String(30 * XRP),
      },
      2,
    );
    const combined = multisign([s3.sign(tx, true).tx_blob, s1.sign(tx, true).tx_blob]); // s2 unfunded (phantom) not needed
    const res = await client.submitAndWait(combined);
    expect(res.result.validated).toBe(true);
    expect((res.result.meta as { TransactionResult: string }).TransactionResult).toBe('tesSUCCESS');
    expect(await client.getXrpBalance(dest.address)).toBe(30);

    // a tec result is validated too: submitAndWait resolves with it
    const tooMuch = await client.autofill(
      {
        TransactionType: 'Payment',
        Account: ms.address,
        Destination: dest.address,
        Amount: String(1_000 * XRP),
      },
      2,
    );
    const failed = await client.submitAndWait(
      multisign([s1.sign(tooMuch, true).tx_blob, s2.sign(tooMuch, true).tx_blob]),
    );
    expect((failed.result.meta as { TransactionResult: string }).TransactionResult).toBe(
      'tecUNFUNDED_PAYMENT',
    );
  }, 20_000);

  it('starts like rippled --standalone: genesis holds 100 billion XRP; fund() is a real Payment', async () => {
    h = await startHarness();
    const { client, sandbox } = h;
    const g = await client.request({
      command: 'account_info',
      account: GENESIS.address,
      ledger_index: 'validated',
    });
    expect(g.result.account_data.Balance).toBe('100000000000000000');
    expect(Wallet.fromSeed(GENESIS.seed).address).toBe(GENESIS.address);
    const w = newWallet();
    const { hash, result } = await sandbox.fund(w.address, 50 * XRP);
    expect(result).toBe('tesSUCCESS');
    const t = await client.request({ command: 'tx', transaction: hash });
    expect(t.result.tx_json).toMatchObject({
      TransactionType: 'Payment',
      Account: GENESIS.address,
      DeliverMax: String(50 * XRP),
    });
    expect(t.result.validated).toBe(true);
    expect(await client.getXrpBalance(w.address)).toBe(50);
    const ledger = await client.request({ command: 'ledger', ledger_index: 'validated' });
    expect(ledger.result.ledger.total_coins).toBe(String(100_000_000_000n * 1_000_000n - 10n));
  });

  it('closes ledgers on its interval', async () => {
    h = await startHarness({ closeIntervalMs: 50 });
    const first = h.sandbox.validatedLedgerIndex();
    // no clock in the assertion: three more ledgers must validate by themselves (the test's own
    // timeout is the only bound)
    while (h.sandbox.validatedLedgerIndex() <= first + 2) await new Promise((r) => setTimeout(r, 20));
    expect(h.sandbox.validatedLedgerIndex()).toBeGreaterThan(first + 2);
  });
});

describe('ledger sandbox: commands and API v2 shapes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => stopHarness(h));

  it('server_info: network, fees and reserves in XRP, truthful complete_ledgers', async () => {
    const res = await h.client.request({ command: 'server_info' });
    expect(res).toMatchObject({ type: 'response', api_version: 2 });
    const info = res.result.info;
    expect(info.network_id).toBe(0);
    expect(info.load_factor).toBe(1);
    expect(info.server_state).toBe('full');
    expect(info.validated_ledger).toMatchObject({
      base_fee_xrp: 0.00001,
      reserve_base_xrp: 1,
      reserve_inc_xrp: 0.2,
    });
    expect(info.validated_ledger?.seq).toBe(h.sandbox.validatedLedgerIndex());
    expect(info.complete_ledgers).toBe(`1-${h.sandbox.validatedLedgerIndex()}`);
    expect(h.client.networkID).toBe(0);
    // a loopback client is admin (as rippled with admin = 127.0.0.1): no validator key or list;
    // a standalone close is a simulated 100 ms consensus round
    expect(info).toMatchObject({
      pubkey_validator: 'none',
      validator_list: { count: 0, expiration: 'unknown', status: 'unknown' },
      last_close: { converge_time_s: 0.1, proposers: 0 },
      peer_disconnects: '0',
      peer_disconnects_resources: '0',
      sandbox: true,
    });
    expect(info.ports).toBeUndefined();
    expect(info.state_accounting.full.transitions).toBe('1');
    expect(info.load).toEqual({ job_types: [], threads: 1 });
  });

  it('server_state: the same in drops', async () => {
    const res = await h.client.request({ command: 'server_state' });
    expect(res.result.state.validated_ledger).toMatchObject({
      base_fee: 10,
      reserve_base: 1_000_000,
      reserve_inc: 200_000,
    });
    expect(res.result.state.load_base).toBe(256);
    expect(res.result.state.load_factor).toBe(256);
    expect(res.result.state).toMatchObject({
      last_close: { converge_time: 100, proposers: 0 },
      peer_disconnects: '0',
      peer_disconnects_resources: '0',
      pubkey_validator: 'none',
      validator_list_expires: 0,
    });
    expect((res.result.state as unknown as Record<string, unknown>).sandbox).toBeUndefined();
  });

  it('fee, ledger_current, ping, ledger_accept', async () => {
    const fee = await h.client.request({ command: 'fee' });
    expect(fee.result.drops).toMatchObject({ base_fee: '10', minimum_fee: '10', open_ledger_fee: '10' });
    expect(fee.result).toMatchObject({ expected_ledger_size: '1000', max_queue_size: '20000' });
    const cur = await h.client.request({ command: 'ledger_current' });
    expect(cur.result.ledger_current_index).toBe(h.sandbox.validatedLedgerIndex() + 1);
    expect((await h.client.request({ command: 'ping' })).result).toEqual({ role: 'admin', unlimited: true });
    const random: { result: { random: string } } = await h.client.request({ command: 'random' } as never);
    expect(random.result.random).toMatch(/^[0-9A-F]{64}$/);
    const acc: { result: { ledger_current_index: number } } = await h.client.request({
      command: 'ledger_accept',
    } as never);
    expect(acc.result.ledger_current_index).toBe(cur.result.ledger_current_index + 1);
    expect(fee.result.ledger_current_index).toBe(cur.result.ledger_current_index);
  });

  it('ledger: validated / closed / current / by index / by hash, with transactions', async () => {
    const a = newWallet();
    const { hash } = await h.sandbox.fund(a.address, 10 * XRP);
    const v = await h.client.request({
      command: 'ledger',
      ledger_index: 'validated',
      transactions: true,
      expand: true,
    });
    expect(v.result.validated).toBe(true);
    expect(typeof v.result.ledger_index).toBe('number');
    expect(v.result.ledger).toMatchObject({
      closed: true,
      ledger_index: v.result.ledger_index,
      ledger_hash: v.result.ledger_hash,
    });
    const txs = v.result.ledger.transactions as unknown as Array<{
      hash: string;
      tx_json: Record<string, unknown>;
      meta: unknown;
    }>;
    expect(txs.map((t) => t.hash)).toEqual([hash]);
    expect(txs[0]?.tx_json.TransactionType).toBe('Payment');
    const byIndex = await h.client.request({ command: 'ledger', ledger_index: v.result.ledger_index - 1 });
    expect(byIndex.result.ledger_hash).toBe(v.result.ledger.parent_hash);
    const byHash = await h.client.request({
      command: 'ledger',
      ledger_hash: v.result.ledger_hash,
      transactions: true,
    });
    expect(byHash.result.ledger.transactions).toEqual([hash]);
    const closed = await h.client.request({ command: 'ledger', ledger_index: 'closed' });
    expect(closed.result.ledger_index).toBe(v.result.ledger_index);
    const current = await h.client.request({ command: 'ledger', ledger_index: 'current' });
    expect(current.result.ledger.closed).toBe(false);
    expect(current.result.validated).toBe(false);
    const err = await rpcError(
      h.client.request({ command: 'ledger', ledger_index: v.result.ledger_index + 5 }),
    );
    expect(err).toMatchObject({ error: 'lgrNotFound', error_code: 21, status: 'error', type: 'response' });
  });

  it('account_info: v2 signer_lists at result level, current vs validated, actNotFound/actMalformed', async () => {
    const { ms, signers } = await multisigFixture(h);
    const cur = await h.client.request({ command: 'account_info', account: ms.address, signer_lists: true });
    expect(cur.result.ledger_current_index).toBe(h.sandbox.currentLedgerIndex());
    expect(cur.result.validated).toBe(false);
    const list = cur.result.signer_lists?.[0];
    expect(list).toMatchObject({
      LedgerEntryType: 'SignerList',
      Flags: 65536,
      SignerListID: 0,
      SignerQuorum: 2,
      OwnerNode: '0',
    });
    expect(list?.SignerEntries.map((e) => e.SignerEntry.Account).sort()).toEqual(
      signers.map((s) => s.address).sort(),
    );
    expect(cur.result.account_data).toMatchObject({
      LedgerEntryType: 'AccountRoot',
      Account: ms.address,
      OwnerCount: 1,
    });
    expect((cur.result.account_data as unknown as Record<string, unknown>).signer_lists).toBeUndefined();
    const v = await h.client.request({
      command: 'account_info',
      account: signers[0]!.address,
      ledger_index: 'validated',
      signer_lists: true,
    });
    expect(v.result.validated).toBe(true);
    expect(v.result.signer_lists).toEqual([]);
    const nf = await rpcError(h.client.request({ command: 'account_info', account: newWallet().address }));
    expect(nf).toMatchObject({ error: 'actNotFound', error_code: 19, error_message: 'Account not found.' });
    await expect(h.client.request({ command: 'account_info', account: newWallet().address })).rejects.toThrow(
      'Account not found.',
    );
    const bad = await rpcError(h.client.request({ command: 'account_info', account: 'rNotAnAddress' }));
    expect(bad).toMatchObject({ error: 'actMalformed', error_code: 35 });
  });

  it('open vs validated ledger: a funding payment is visible in "current" before it validates', async () => {
    const w = newWallet();
    await h.sandbox.fund(w.address, 25 * XRP, { close: false });
    const cur = await h.client.request({
      command: 'account_info',
      account: w.address,
      ledger_index: 'current',
    });
    expect(cur.result.account_data.Balance).toBe(String(25 * XRP));
    const v = await rpcError(
      h.client.request({ command: 'account_info', account: w.address, ledger_index: 'validated' }),
    );
    expect(v.error).toBe('actNotFound');
    const closed = h.sandbox.acceptLedger();
    const lc = await h.client.request({ command: 'ledger_closed' } as never);
    expect((lc as { result: { ledger_index: number } }).result.ledger_index).toBe(closed);
    const after = await h.client.request({
      command: 'account_info',
      account: w.address,
      ledger_index: 'validated',
    });
    expect(after.result).toMatchObject({ validated: true, ledger_index: closed });
    expect(after.result.account_data).toMatchObject({ Sequence: closed, OwnerCount: 0, Flags: 0 });
    // historical state: the account did not exist one ledger earlier
    const earlier = await rpcError(
      h.client.request({ command: 'account_info', account: w.address, ledger_index: closed - 1 }),
    );
    expect(earlier.error).toBe('actNotFound');
  });

  it('SignerListSet replace keeps OwnerCount 1; delete (quorum 0) removes it; reserve enforced', async () => {
    const { ms, signers } = await multisigFixture(h);
    const s4 = newWallet();
    const tx = await h.client.autofill(
      {
        TransactionType: 'SignerListSet',
        Account: ms.address,
        SignerQuorum: 1,
        SignerEntries: [s4, signers[0]!].map((w) => ({
          SignerEntry: { Account: w.address, SignerWeight: 1 },
        })),
      },
      2,
    );
    expect((await submitBlob(h, multisignWith(tx, [signers[0]!, signers[1]!]))).engine_result).toBe(
      'tesSUCCESS',
    );
    h.sandbox.acceptLedger();
    expect(h.sandbox.getAccount(ms.address)?.OwnerCount).toBe(1);
    expect(h.sandbox.getSignerList(ms.address)?.SignerQuorum).toBe(1);
    const del = await h.client.autofill(
      { TransactionType: 'SignerListSet', Account: ms.address, SignerQuorum: 0 },
      1,
    );
    expect((await submitBlob(h, multisignWith(del, [s4]))).engine_result).toBe('tesSUCCESS');
    h.sandbox.acceptLedger();
    expect(h.sandbox.getAccount(ms.address)?.OwnerCount).toBe(0);
    expect(h.sandbox.getSignerList(ms.address)).toBeUndefined();

    const poor = newWallet();
    await fundWallets(h, [poor], 1_100_000); // 1.1 XRP < 1.2 XRP needed for one owned object
    expect(await setSignerList(h, poor, 1, [{ account: s4.address, weight: 1 }])).toBe(
      'tecINSUFFICIENT_RESERVE',
    );
  });

  it('TicketCreate: Sequence S creates S+1..S+N, next Sequence S+N+1; tickets used out of order; reuse -> tefNO_TICKET', async () => {
    const { ms, signers, dest } = await multisigFixture(h);
    const s = h.sandbox.getAccount(ms.address)!.Sequence;
    const tc: TicketCreate = await h.client.autofill(
      { TransactionType: 'TicketCreate', Account: ms.address, TicketCount: 3 },
      2,
    );
    expect(tc.Sequence).toBe(s);
    expect((await submitBlob(h, multisignWith(tc, [signers[0]!, signers[1]!]))).engine_result).toBe(
      'tesSUCCESS',
    );
    h.sandbox.acceptLedger();
    const acct = h.sandbox.getAccount(ms.address)!;
    expect(acct).toMatchObject({ Sequence: s + 4, TicketCount: 3, OwnerCount: 4 });
    const objs = await h.client.request({
      command: 'account_objects',
      account: ms.address,
      type: 'ticket',
      ledger_index: 'validated',
    });
    expect(objs.result.account_objects.map((o) => (o as { TicketSequence: number }).TicketSequence)).toEqual([
      s + 1,
      s + 2,
      s + 3,
    ]);
    expect(objs.result.account_objects[0]).toMatchObject({
      LedgerEntryType: 'Ticket',
      Account: ms.address,
      OwnerNode: '0',
    });
    const sl = await h.client.request({
      command: 'account_objects',
      account: ms.address,
      type: 'signer_list',
    });
    expect(sl.result.account_objects).toHaveLength(1);
    const all = await h.client.request({ command: 'account_objects', account: ms.address });
    expect(all.result.account_objects).toHaveLength(4);
    const none = await h.client.request({ command: 'account_objects', account: ms.address, type: 'offer' });
    expect(none.result.account_objects).toEqual([]);
    const bad = await rpcError(
      h.client.request({ command: 'account_objects', account: ms.address, type: 'nope' as never }),
    );
    expect(bad.error).toBe('invalidParams');

    const pay = async (ticket: number, drops: number): Promise<Payment> =>
      h.client.autofill(
        {
          TransactionType: 'Payment',
          Account: ms.address,
          Destination: dest.address,
          Amount: String(drops),
          Sequence: 0,
          TicketSequence: ticket,
        },
        2,
      );
    const later = multisignWith(await pay(s + 3, 3 * XRP), [signers[1]!, signers[2]!]);
    const earlier = multisignWith(await pay(s + 1, 2 * XRP), [signers[0]!, signers[2]!]);
    expect((await submitBlob(h, later)).engine_result).toBe('tesSUCCESS');
    h.sandbox.acceptLedger();
    expect((await submitBlob(h, earlier)).engine_result).toBe('tesSUCCESS');
    h.sandbox.acceptLedger();
    expect(h.sandbox.getTickets(ms.address)).toEqual([s + 2]);
    expect(h.sandbox.getAccount(ms.address)).toMatchObject({
      Sequence: s + 4,
      TicketCount: 1,
      OwnerCount: 2,
    });
    expect(h.sandbox.getBalance(dest.address)).toBe(BigInt(5 * XRP));
    const reuse = multisignWith(await pay(s + 1, 1 * XRP), [signers[0]!, signers[1]!]);
    expect((await submitBlob(h, reuse)).engine_result).toBe('tefNO_TICKET');
    expect(h.sandbox.findTransactions(ms.address, s + 3)).toHaveLength(1);
  });

  it('TicketCreate: temINVALID_COUNT and tecINSUFFICIENT_RESERVE', async () => {
    const a = newWallet();
    await fundWallets(h, [a], 1_500_000);
    const tx: TicketCreate = await h.client.autofill({
      TransactionType: 'TicketCreate',
      Account: a.address,
      TicketCount: 1,
    });
    expect((await submitBlob(h, signRaw({ ...tx, TicketCount: 251 }, a))).engine_result).toBe(
      'temINVALID_COUNT',
    );
    expect((await submitBlob(h, signRaw({ ...tx, TicketCount: 3 }, a))).engine_result).toBe(
      'tecINSUFFICIENT_RESERVE',
    );
    expect(
      (await submitBlob(h, signRaw({ ...tx, Sequence: tx.Sequence! + 1, TicketCount: 2 }, a))).engine_result,
    ).toBe('tesSUCCESS');
  });

  it('tx: v2 shape (tx_json with DeliverMax, top-level hash/ledger_index/validated/meta/close_time_iso, ctid)', async () => {
    const a = newWallet();
    await fundWallets(h, [a]);
    const dest = newWallet();
    const r = await submitAndClose(
      h,
      { TransactionType: 'Payment', Account: a.address, Destination: dest.address, Amount: String(5 * XRP) },
      a,
    );
    const res = await h.client.request({ command: 'tx', transaction: r.hash });
    const result = res.result as unknown as Record<string, any>;
    expect(result).toMatchObject({
      hash: r.hash,
      validated: true,
      ledger_index: h.sandbox.validatedLedgerIndex(),
    });
    expect(result.close_time_iso).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(result.ledger_hash).toMatch(/^[0-9A-F]{64}$/);
    expect(result.ctid).toMatch(/^C[0-9A-F]{15}$/);
    expect(result.tx_json.DeliverMax).toBe(String(5 * XRP));
    expect(result.tx_json.Amount).toBeUndefined();
    expect(result.meta.TransactionResult).toBe('tesSUCCESS');
    expect(result.meta.TransactionIndex).toBe(0);
    const nodes = result.meta.AffectedNodes as Array<Record<string, any>>;
    const created = nodes.find((n) => n.CreatedNode)?.CreatedNode;
    expect(created).toMatchObject({
      LedgerEntryType: 'AccountRoot',
      NewFields: { Account: dest.address, Balance: String(5 * XRP) },
    });
    const modified = nodes.find((n) => n.ModifiedNode)?.ModifiedNode;
    expect(modified.FinalFields.Account).toBe(a.address);
    expect(Object.keys(modified.PreviousFields).sort()).toEqual(['Balance', 'Sequence']);
    expect(modified.PreviousTxnID).toMatch(/^[0-9A-F]{64}$/);
    const acct = h.sandbox.getAccount(a.address)!;
    expect(acct.PreviousTxnID).toBe(r.hash);
    // binary form
    const bin = await h.client.request({ command: 'tx', transaction: r.hash, binary: true });
    expect((bin.result as unknown as Record<string, unknown>).meta_blob).toMatch(/^[0-9A-F]+$/);
  });

  it('tx: txnNotFound, with searched_all only when a range is given, truthful to complete_ledgers', async () => {
    const missing = 'A'.repeat(64);
    const v = h.sandbox.validatedLedgerIndex();
    const plain = await rpcError(h.client.request({ command: 'tx', transaction: missing }));
    expect(plain).toMatchObject({
      error: 'txnNotFound',
      error_code: 29,
      error_message: 'Transaction not found.',
    });
    expect(plain.searched_all).toBeUndefined();
    const all = await rpcError(
      h.client.request({ command: 'tx', transaction: missing, min_ledger: 1, max_ledger: v }),
    );
    expect(all.searched_all).toBe(true);
    const beyond = await rpcError(
      h.client.request({ command: 'tx', transaction: missing, min_ledger: 1, max_ledger: v + 3 }),
    );
    expect(beyond.searched_all).toBe(false);
    const range = await rpcError(
      h.client.request({ command: 'tx', transaction: missing, min_ledger: 10, max_ledger: 5 }),
    );
    expect(range.error).toBe('invalidLgrRange');
  });

  it('tx: a transaction still in the open ledger is returned with validated: false', async () => {
    const a = newWallet();
    await fundWallets(h, [a]);
    const tx: AccountSet = await h.client.autofill({ TransactionType: 'AccountSet', Account: a.address });
    const signed = a.sign(tx);
    await submitBlob(h, signed.tx_blob);
    const res = await h.client.request({ command: 'tx', transaction: signed.hash });
    expect(res.result.validated).toBe(false);
    expect(res.result.meta).toBeUndefined();
    h.sandbox.acceptLedger();
    const after = await h.client.request({ command: 'tx', transaction: signed.hash });
    expect(after.result.validated).toBe(true);
  });

  it('a held terPRE_SEQ transaction expires after its LastLedgerSequence (never applied)', async () => {
    const a = newWallet();
    await fundWallets(h, [a]);
    const tx: AccountSet = await h.client.autofill({ TransactionType: 'AccountSet', Account: a.address });
    const lls = h.sandbox.currentLedgerIndex() + 1;
    const signed = a.sign({ ...tx, Sequence: tx.Sequence! + 1, LastLedgerSequence: lls });
    expect((await submitBlob(h, signed.tx_blob)).engine_result).toBe('terPRE_SEQ');
    const min = h.sandbox.currentLedgerIndex();
    h.sandbox.acceptLedger();
    h.sandbox.acceptLedger();
    // rippled keeps a local tx until a closed ledger passes LastLedgerSequence + 1; until then
    // `tx` still knows it (validated: false, no meta)
    const known = await h.client.request({ command: 'tx', transaction: signed.hash });
    expect(known.result).toMatchObject({ validated: false });
    expect(known.result.meta).toBeUndefined();
    h.sandbox.acceptLedger();
    h.sandbox.acceptLedger();
    const nf = await rpcError(
      h.client.request({ command: 'tx', transaction: signed.hash, min_ledger: min, max_ledger: lls + 1 }),
    );
    expect(nf).toMatchObject({ error: 'txnNotFound', searched_all: true });
    expect(h.sandbox.getAccount(a.address)?.Sequence).toBe(tx.Sequence);
  });

  it('account_tx: validated history newest first, forward, limit + marker', async () => {
    const a = newWallet();
    await fundWallets(h, [a]);
    const hashes: string[] = [];
    for (let i = 0; i < 3; i++) {
      hashes.push((await submitAndClose(h, { TransactionType: 'AccountSet', Account: a.address }, a)).hash);
    }
    const res = await h.client.request({ command: 'account_tx', account: a.address });
    const got = res.result.transactions.map((t) => t.hash);
    expect(got.slice(0, 3)).toEqual([...hashes].reverse());
    expect(got).toHaveLength(4); // + the funding payment
    expect(res.result.transactions[0]).toMatchObject({ validated: true });
    expect(res.result.transactions[0]?.tx_json).toMatchObject({ TransactionType: 'AccountSet' });
    const fwd = await h.client.request({
      command: 'account_tx',
      account: a.address,
      forward: true,
      limit: 2,
    });
    expect(fwd.result.transactions).toHaveLength(2);
    expect(fwd.result.marker).toBeDefined();
    const next = await h.client.request({
      command: 'account_tx',
      account: a.address,
      forward: true,
      limit: 2,
      marker: fwd.result.marker,
    });
    expect(next.result.transactions.map((t) => t.hash)).toEqual(hashes.slice(1));
  });

  it('submit_multisigned: JSON in (Signers in any order are sorted), v2 hash at result level', async () => {
    const { ms, signers, dest } = await multisigFixture(h);
    const tx: Payment = await h.client.autofill(
      { TransactionType: 'Payment', Account: ms.address, Destination: dest.address, Amount: String(3 * XRP) },
      2,
    );
    const combined = decode(multisignWith(tx, [signers[0]!, signers[1]!])) as Record<string, any>;
    combined.Signers.reverse();
    const res = await h.client.request({ command: 'submit_multisigned', tx_json: combined as never });
    expect(res.result).toMatchObject({ engine_result: 'tesSUCCESS', engine_result_code: 0 });
    expect(res.result.hash).toMatch(/^[0-9A-F]{64}$/);
    // API v2 (TransactionSign.cpp insertDeliverMax): a Payment's Amount is shown as DeliverMax
    expect(res.result.tx_json).toMatchObject({ DeliverMax: String(3 * XRP) });
    expect(res.result.tx_json).not.toHaveProperty('Amount');
    h.sandbox.acceptLedger();
    expect(h.sandbox.getTransaction(res.result.hash!)?.validated).toBe(true);
    const dup = { ...combined, Signers: [combined.Signers[0], combined.Signers[0]] };
    expect(
      (await rpcError(h.client.request({ command: 'submit_multisigned', tx_json: dup as never }))).error,
    ).toBe('invalidParams');
  });

  it('submit: tx_json is the transaction exactly as decoded (a Payment keeps Amount) plus its hash', async () => {
    const [a, b] = [newWallet(), newWallet()];
    await fundWallets(h, [a]);
    const signed = a.sign(
      await h.client.autofill({
        TransactionType: 'Payment',
        Account: a.address,
        Destination: b.address,
        Amount: String(20 * XRP),
      }),
    );
    const res = await h.client.request({ command: 'submit', tx_blob: signed.tx_blob });
    expect(res.result.engine_result).toBe('tesSUCCESS');
    expect(res.result.tx_json).toEqual({ ...decode(signed.tx_blob), hash: signed.hash });
    // what xrpl.js's own helpers do with it
    expect(xrplHashes.hashSignedTx(res.result.tx_json as never)).toBe(signed.hash);
  });

  it('unknown commands and api_version 1 are refused', async () => {
    const e = await rpcError(h.client.request({ command: 'no_such_thing' } as never));
    expect(e).toMatchObject({ error: 'unknownCmd', error_code: 32 });
    const v1 = await rpcError(h.client.request({ command: 'server_info', api_version: 1 }));
    expect(v1.error).toBe('invalid_API_version');
    const signAndSubmit = await rpcError(
      h.client.request({
        command: 'submit',
        tx_json: { TransactionType: 'AccountSet' },
        secret: 'x',
      } as never),
    );
    expect(signAndSubmit.error).toBe('notSupported');
  });

  it('result codes come from ripple-binary-codec definitions', () => {
    expect(TER_CODES).toMatchObject({
      tesSUCCESS: 0,
      tefBAD_QUORUM: -185,
      telINSUF_FEE_P: -394,
      tecUNFUNDED_PAYMENT: 104,
      terPRE_SEQ: -92,
    });
  });
});

describe('ledger sandbox: subscriptions', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => stopHarness(h));

  it('ledger stream: snapshot on subscribe, then ledgerClosed per validated ledger', async () => {
    const sub = await h.client.request({ command: 'subscribe', streams: ['ledger'] });
    expect(sub.result).toMatchObject({
      fee_base: 10,
      reserve_base: 1_000_000,
      reserve_inc: 200_000,
      ledger_index: h.sandbox.validatedLedgerIndex(),
    });
    const next = waitFor<LedgerStream>(h.client, 'ledgerClosed', () => true);
    const idx = h.sandbox.acceptLedger();
    const msg = await next;
    expect(msg).toMatchObject({
      type: 'ledgerClosed',
      ledger_index: idx,
      txn_count: 0,
      validated_ledgers: `1-${idx}`,
    });
    await h.client.request({ command: 'unsubscribe', streams: ['ledger'] });
  });

  it('account stream: transaction messages for the account, with engine_result and meta', async () => {
    const a = newWallet();
    await h.client.request({ command: 'subscribe', accounts: [a.address] });
    const got = waitFor<TransactionStream>(
      h.client,
      'transaction',
      (m) => m.tx_json?.Destination === a.address,
    );
    const { hash } = await h.sandbox.fund(a.address, 20 * XRP);
    const m = await got;
    expect(m).toMatchObject({
      type: 'transaction',
      validated: true,
      engine_result: 'tesSUCCESS',
      hash,
      status: 'closed',
    });
    expect(m.engine_result_code).toBe(0);
    expect((m.meta as { TransactionResult: string }).TransactionResult).toBe('tesSUCCESS');
    await h.client.request({ command: 'unsubscribe', accounts: [a.address] });
    let extra = 0;
    const count = (): void => {
      extra++;
    };
    h.client.on('transaction', count);
    await h.sandbox.fund(a.address, 1 * XRP);
    await new Promise((r) => setTimeout(r, 100));
    h.client.off('transaction', count);
    expect(extra).toBe(0);
  });

  it('transactions stream sees every validated transaction', async () => {
    await h.client.request({ command: 'subscribe', streams: ['transactions'] });
    const w = newWallet();
    const got = waitFor<TransactionStream>(
      h.client,
      'transaction',
      (m) => m.tx_json?.Destination === w.address,
    );
    await h.sandbox.fund(w.address, 5 * XRP);
    expect((await got).ledger_index).toBe(h.sandbox.validatedLedgerIndex());
    await h.client.request({ command: 'unsubscribe', streams: ['transactions'] });
  });

  it('subscribe rejects an unknown stream', async () => {
    const e = await rpcError(h.client.request({ command: 'subscribe', streams: ['nope' as never] }));
    expect(e.error).toBe('malformedStream');
  });
});

describe('ledger sandbox: lifecycle', () => {
  it('listens on 127.0.0.1 with a random port and closes cleanly', async () => {
    const s = await startLedgerSandbox({ port: 0, closeIntervalMs: 0, networkId: 7 });
    expect(s.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    const c = new Client(s.url);
    await c.connect();
    expect(c.networkID).toBe(7);
    expect(s.clientCount()).toBe(1);
    await c.disconnect();
    await s.close();
    expect(TER_CODES.tesSUCCESS).toBe(0);
  });

  it('rejects bad options and a port already in use', async () => {
    await expect(startLedgerSandbox({ port: 0, networkId: -1 })).rejects.toThrow(/networkId/);
    await expect(startLedgerSandbox({ port: 0, closeIntervalMs: 1.5 })).rejects.toThrow(/closeIntervalMs/);
    const s = await startLedgerSandbox({ port: 0, closeIntervalMs: 0 });
    try {
      await expect(startLedgerSandbox({ port: s.port, closeIntervalMs: 0 })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await s.close();
    }
  });
});
