/**
 * Ledger sandbox: a stateful, rippled-compatible WebSocket server (API v2 shapes) that behaves
 * like `rippled --standalone`, with ledger closes on a timer or on `ledger_accept`, and fault
 * switches for tests. See docs/sandbox-ledger.md.
 *
 * The parts: `chain.ts` (ledgers, open ledger, LocalTxs, closing and validation), `rpc/*.ts` (the
 * command handlers by area), `transport.ts` (WebSocket + HTTP on one port, subscriptions and
 * streams), `faults.ts` and `control.ts` (fault switches, in-process and over HTTP).
 */
import { Wallet } from 'xrpl';

import { Chain, ResolvedOptions } from './chain';
import { GENESIS } from './constants';
import { handleControlRequest } from './control';
import { scaledFee, seqProxyOf } from './engine';
import { NO_RESPONSE } from './rpc-support';
import { keylet } from './state';
import type { AccountRoot, SignerListEntry } from './state';
import { Transport } from './transport';
import type {
  LedgerSandbox,
  LedgerSandboxFaults,
  LedgerSandboxOptions,
  SandboxSubmitResult,
  SandboxTransaction,
} from './types';

class LedgerSandboxImpl implements LedgerSandbox {
  url = '';
  port = 0;
  private readonly chain: Chain;
  private readonly transport: Transport;
  private timer: NodeJS.Timeout | undefined;
  private readonly genesisWallet = Wallet.fromSeed(GENESIS.seed);

  constructor(private readonly options: ResolvedOptions) {
    this.chain = new Chain(options);
    this.transport = new Transport(this.chain, (req, res) => void handleControlRequest(this, req, res));
  }

  get networkId(): number {
    return this.chain.networkId;
  }

  get faults(): LedgerSandboxFaults {
    return this.chain.faults;
  }

  async listen(): Promise<void> {
    this.port = await this.transport.listen(this.options.host, this.options.port);
    this.url = `ws://${this.options.host}:${this.port}`;
    if (this.options.closeIntervalMs > 0) {
      this.timer = setInterval(() => {
        try {
          this.chain.closeLedger();
        } catch (e) {
          this.chain.log(`ledger close failed: ${String(e)}`);
        }
      }, this.options.closeIntervalMs);
    }
    this.chain.log(`ledger sandbox listening on ${this.url} (network ${this.networkId})`);
  }

  acceptLedger(): number {
    return this.chain.closeLedger();
  }

  validatedLedgerIndex(): number {
    return this.chain.validatedIndex;
  }

  currentLedgerIndex(): number {
    return this.chain.currentLedgerIndex();
  }

  submit(txBlob: string): SandboxSubmitResult {
    const result = this.chain.doSubmit(txBlob, false);
    if (result === NO_RESPONSE) throw new Error('submit dropped (faults.dropSubmits)');
    return result;
  }

  async fund(
    address: string,
    drops: bigint | number | string,
    opts: { close?: boolean } = {},
  ): Promise<{ hash: string; result: string }> {
    const genesis = this.chain.openState.account(GENESIS.address) as AccountRoot;
    const fee = scaledFee(this.chain.baseFee, this.chain.faults.openLedgerFeeMultiplier);
    const tx: Record<string, unknown> = {
      TransactionType: 'Payment',
      Account: GENESIS.address,
      Destination: address,
      Amount: BigInt(drops).toString(),
      Fee: fee.toString(),
      Sequence: genesis.Sequence,
      Flags: 0,
      LastLedgerSequence: this.chain.currentLedgerIndex() + 20,
    };
    if (this.chain.networkId > 1024) tx.NetworkID = this.chain.networkId;
    const signed = this.genesisWallet.sign(tx as unknown as Parameters<Wallet['sign']>[0]);
    const p = this.chain.preparePending(signed.tx_blob);
    const result = this.chain.applyToOpen(p);
    this.chain.addLocal(p);
    if (opts.close !== false) this.chain.closeLedger();
    return Promise.resolve({ hash: p.hash, result });
  }

  /**
   * Test helper, in process only: places a Delegate object (XLS-75) owned by `account` that lets
   * `authorize` send the `permissions` transaction types for it, and closes a ledger so it is
   * validated. No transaction creates it (the sandbox does not apply DelegateSet); the account's
   * OwnerCount is raised by one as a real Delegate would.
   */
  putDelegate(account: string, authorize: string, permissions: string[]): number {
    const root = this.getAccount(account);
    if (!root) throw new Error(`putDelegate: ${account} does not exist`);
    this.chain.injectedObjects.push(
      { ...root, OwnerCount: root.OwnerCount + 1 },
      {
        LedgerEntryType: 'Delegate',
        index: keylet.delegate(account, authorize),
        Account: account,
        Authorize: authorize,
        Permissions: permissions.map((value) => ({ Permission: { PermissionValue: value } })),
        Flags: 0,
        OwnerNode: '0',
        PreviousTxnID: '0'.repeat(64),
        PreviousTxnLgrSeq: this.chain.validatedLedgerIndex(),
      },
    );
    return this.chain.closeLedger();
  }

  getAccount(address: string, ledger: 'validated' | 'current' = 'validated'): AccountRoot | undefined {
    return this.chain.stateFor(ledger).account(address);
  }

  getBalance(address: string, ledger: 'validated' | 'current' = 'validated'): bigint | undefined {
    const a = this.getAccount(address, ledger);
    return a ? BigInt(a.Balance) : undefined;
  }

  getSignerList(address: string, ledger: 'validated' | 'current' = 'validated'): SignerListEntry | undefined {
    return this.chain.stateFor(ledger).signerList(address);
  }

  getTickets(address: string, ledger: 'validated' | 'current' = 'validated'): number[] {
    return this.chain
      .stateFor(ledger)
      .tickets(address)
      .map((t) => t.TicketSequence);
  }

  getTransaction(hash: string): SandboxTransaction | undefined {
    const s = this.chain.txs.get(hash.toUpperCase());
    if (!s) return undefined;
    return { ...s, validated: s.ledgerIndex <= this.chain.validatedIndex };
  }

  findTransactions(account: string, seqOrTicket: number): SandboxTransaction[] {
    const out: SandboxTransaction[] = [];
    for (const h of this.chain.accountTxs.get(account) ?? []) {
      const s = this.chain.txs.get(h);
      if (s && s.tx.Account === account && seqProxyOf(s.tx).value === seqOrTicket) {
        out.push({ ...s, validated: s.ledgerIndex <= this.chain.validatedIndex });
      }
    }
    return out;
  }

  clientCount(): number {
    return this.transport.subs.size;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.transport.close();
  }
}

/** Starts a ledger sandbox and resolves once it listens. */
export async function startLedgerSandbox(options: LedgerSandboxOptions = {}): Promise<LedgerSandbox> {
  const check = (name: keyof LedgerSandboxOptions, min: number, max: number): void => {
    const v = options[name];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)) {
      throw new Error(`startLedgerSandbox: ${name} must be an integer in [${min}, ${max}], got ${String(v)}`);
    }
  };
  check('port', 0, 65535);
  check('networkId', 0, 0xffffffff);
  check('closeIntervalMs', 0, 86_400_000);
  check('baseFeeDrops', 1, 1_000_000_000);
  check('reserveBaseDrops', 0, 100_000_000_000);
  check('reserveIncrementDrops', 0, 100_000_000_000);
  const sandbox = new LedgerSandboxImpl({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 6006,
    networkId: options.networkId ?? 0,
    closeIntervalMs: options.closeIntervalMs ?? 1000,
    baseFeeDrops: options.baseFeeDrops ?? 10,
    reserveBaseDrops: options.reserveBaseDrops ?? 1_000_000,
    reserveIncrementDrops: options.reserveIncrementDrops ?? 200_000,
    log: options.log,
  });
  await sandbox.listen();
  return sandbox;
}
