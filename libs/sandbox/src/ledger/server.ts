/**
 * Ledger sandbox: a stateful, rippled-compatible WebSocket server (API v2 shapes) that behaves
 * like `rippled --standalone`, with ledger closes on a timer or on `ledger_accept`, and fault
 * switches for tests. See docs/sandbox-ledger.md.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { encode } from 'ripple-binary-codec';
import { WebSocket, WebSocketServer } from 'ws';
import { Wallet } from 'xrpl';

import {
  GENESIS,
  HOLD_LEDGERS,
  RIPPLE_EPOCH_OFFSET,
  RPC_ERRORS,
  TOTAL_COINS,
  lsfDefaultRipple,
  lsfDepositAuth,
  lsfDisableMaster,
  lsfDisallowXRP,
  lsfGlobalFreeze,
  lsfNoFreeze,
  lsfPasswordSpent,
  lsfRequireAuth,
  lsfRequireDestTag,
  terClass,
  terCode,
  terMessage,
} from './constants';
import { handleControlRequest, isLoopback } from './control';
import {
  EngineEnv,
  TxJson,
  TxMeta,
  affectedAccounts,
  alternateSignerSubset,
  applyTransaction,
  decodeBlob,
  localChecks,
  scaledFee,
  seqProxyOf,
  txHash,
} from './engine';
import {
  AccountRoot,
  LedgerState,
  SignerListEntry,
  accountIdHex,
  isValidAddress,
  keylet,
  sha512Half,
} from './state';

export interface LedgerSandboxOptions {
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Port; `0` picks a free one. Default `6006`. */
  port?: number;
  /** NetworkID reported by server_info and enforced on transactions. Default `0` (like a standalone rippled). */
  networkId?: number;
  /** Close (and validate) a ledger every N ms; `0` = only on `ledger_accept`/`acceptLedger()`. Default 1000. */
  closeIntervalMs?: number;
  /** Reference transaction cost in drops. Default 10. */
  baseFeeDrops?: number;
  /** Account reserve in drops. Default 1_000_000 (1 XRP). */
  reserveBaseDrops?: number;
  /** Owner reserve per object in drops. Default 200_000 (0.2 XRP). */
  reserveIncrementDrops?: number;
  /** Logger for one-line events (submits, closes, faults). Default: silent. */
  log?: (line: string) => void;
}

/** Fault switches. All off by default; flip them at any time. */
export interface LedgerSandboxFaults {
  /**
   * Swallow `submit` requests: no response is sent and the transaction is not applied (the
   * client times out). `true` = until switched off; a number = that many submits, then off.
   */
  dropSubmits: boolean | number;
  /**
   * Transactions submitted while this is on are answered normally (e.g. provisional
   * `tesSUCCESS`) but never make it into a closed/validated ledger; ledgers keep validating, so
   * the transaction eventually expires past its LastLedgerSequence with `searched_all: true`.
   */
  neverValidate: boolean;
  /**
   * Ledgers keep closing but none becomes validated (the validated index and `complete_ledgers`
   * stop advancing). When switched off, every closed ledger is validated at the next close.
   */
  holdValidation: boolean;
  /**
   * Open-ledger fee multiplier (load factor). The open ledger requires
   * `base fee x (1 + signers) x multiplier`; `server_info.load_factor` and `fee` report it.
   */
  openLedgerFeeMultiplier: number;
  /**
   * While on, at each close a multisigned transaction that carries more signatures than its
   * quorum needs is validated with one redundant signer removed: same effect, different hash
   * (transaction malleability). Reconcile by (Account, Sequence/TicketSequence).
   */
  validateAlternateSignerSubset: boolean;
  /**
   * At the next close, apply this signed blob (e.g. a different signer subset of the same
   * transaction) *before* everything in the open ledger, so it wins the Sequence/Ticket and the
   * submitted version is dropped. Throws if the blob fails local checks.
   */
  validateAlternate(txBlob: string): { hash: string };
  /**
   * Make the server "forget" closed ledgers `from..to` (inclusive): they disappear from
   * `complete_ledgers`, `ledger` by index/hash answers `lgrNotFound`, their transactions are not
   * found by `tx`/`account_tx`, and `tx` ranges touching them report `searched_all: false`.
   */
  forgetLedgers(from: number, to: number): void;
  /** Terminate every client connection (clients see a disconnect). */
  disconnectAll(): void;
  /** Reset every switch to its default. */
  reset(): void;
}

/** The result of a submit, shaped like the `submit` RPC result. */
export interface SandboxSubmitResult {
  engine_result: string;
  engine_result_code: number;
  engine_result_message: string;
  tx_blob: string;
  tx_json: Record<string, unknown>;
  accepted: boolean;
  applied: boolean;
  broadcast: boolean;
  kept: boolean;
  queued: boolean;
  account_sequence_available?: number;
  account_sequence_next?: number;
  open_ledger_cost: string;
  validated_ledger_index: number;
}

export interface SandboxTransaction {
  hash: string;
  ledgerIndex: number;
  validated: boolean;
  tx: TxJson;
  meta: TxMeta;
  blob: string;
}

export interface LedgerSandbox {
  /** `ws://host:port`. */
  readonly url: string;
  readonly port: number;
  readonly networkId: number;
  /** Fault switches. */
  readonly faults: LedgerSandboxFaults;
  /** Close the current open ledger now (validating it unless `holdValidation`); returns its index. */
  acceptLedger(): number;
  /** Index of the latest validated ledger. */
  validatedLedgerIndex(): number;
  /** Index of the current open ledger. */
  currentLedgerIndex(): number;
  /**
   * Fund `address` with a real Payment from the genesis account and close a ledger (unless
   * `close: false`). Returns the transaction hash and its engine result.
   */
  fund(
    address: string,
    drops: bigint | number | string,
    opts?: { close?: boolean },
  ): Promise<{ hash: string; result: string }>;
  /** Submit a signed blob as the `submit` RPC would (throws an Error on RPC errors). */
  submit(txBlob: string): SandboxSubmitResult;
  /** AccountRoot of an account in the validated (default) or current ledger. */
  getAccount(address: string, ledger?: 'validated' | 'current'): AccountRoot | undefined;
  /** XRP balance in drops (validated ledger by default), or undefined if the account does not exist. */
  getBalance(address: string, ledger?: 'validated' | 'current'): bigint | undefined;
  getSignerList(address: string, ledger?: 'validated' | 'current'): SignerListEntry | undefined;
  getTickets(address: string, ledger?: 'validated' | 'current'): number[];
  /** A transaction in a closed ledger, by hash. */
  getTransaction(hash: string): SandboxTransaction | undefined;
  /** Transactions in closed ledgers sent by `account` that used this Sequence or TicketSequence. */
  findTransactions(account: string, seqOrTicket: number): SandboxTransaction[];
  /** Number of currently connected clients. */
  clientCount(): number;
  /** Stop the timer, disconnect clients and close the server. */
  close(): Promise<void>;
}

interface ClosedLedger {
  index: number;
  hash: string;
  parentHash: string;
  closeTime: number;
  parentCloseTime: number;
  /** Undefined once the ledger is older than RETAINED_STATES. */
  state: LedgerState | undefined;
  txHashes: string[];
  totalCoins: bigint;
  accountHash: string;
  transactionHash: string;
}

interface StoredTx {
  hash: string;
  tx: TxJson;
  blob: string;
  meta: TxMeta;
  ledgerIndex: number;
}

interface PendingTx {
  hash: string;
  tx: TxJson;
  blob: string;
  /** Ledger index that was open when first submitted. */
  firstLedger: number;
  neverValidate: boolean;
}

interface Subscription {
  /** rippled's Role::ADMIN: the sandbox, like xrpl.js's CI rippled.cfg, trusts loopback clients. */
  admin: boolean;
  ledger: boolean;
  transactions: boolean;
  accounts: Set<string>;
}

class RpcError extends Error {
  constructor(
    readonly token: string,
    message?: string,
    readonly extra: Record<string, unknown> = {},
    readonly code?: number,
  ) {
    super(message ?? (RPC_ERRORS as Record<string, { message: string }>)[token]?.message ?? token);
  }
}

/** Sentinel: do not answer (dropped submit). */
const NO_RESPONSE = Symbol('no-response');

const ZERO_HASH = '0'.repeat(64);

/** `account_objects` type filters rippled accepts (the sandbox only stores signer_list and ticket). */
const KNOWN_OBJECT_TYPES = new Set([
  'amm',
  'bridge',
  'check',
  'credential',
  'delegate',
  'deposit_preauth',
  'did',
  'escrow',
  'mpt_issuance',
  'mptoken',
  'nft_offer',
  'nft_page',
  'offer',
  'oracle',
  'payment_channel',
  'permissioned_domain',
  'signer_list',
  'state',
  'ticket',
  'vault',
  'xchain_owned_claim_id',
  'xchain_owned_create_account_claim_id',
]);

/** How many of the newest closed ledgers keep a full state map (older ones keep headers and txs). */
const RETAINED_STATES = 2048;

function stateOf(l: ClosedLedger): LedgerState {
  if (!l.state) throw new RpcError('lgrNotFound', 'ledgerNotFound (state no longer retained by the sandbox)');
  return l.state;
}

function rippleTimeNow(): number {
  return Math.floor(Date.now() / 1000) - RIPPLE_EPOCH_OFFSET;
}

function isoFromRippleTime(t: number): string {
  return new Date((t + RIPPLE_EPOCH_OFFSET) * 1000).toISOString().replace('.000Z', 'Z');
}

function humanFromRippleTime(t: number): string {
  const d = new Date((t + RIPPLE_EPOCH_OFFSET) * 1000);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number): string => String(n).padStart(2, '0');
  return (
    `${d.getUTCFullYear()}-${months[d.getUTCMonth()]}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.000000000 UTC`
  );
}

function dropsToXrpNumber(drops: bigint): number {
  return Number(drops) / 1_000_000;
}

/** API v2 `tx_json`: Payment's `Amount` is shown as `DeliverMax`. */
function txJsonV2(tx: TxJson): Record<string, unknown> {
  const out: Record<string, unknown> = { ...tx };
  if (tx.TransactionType === 'Payment' && out.Amount !== undefined) {
    out.DeliverMax = out.Amount;
    delete out.Amount;
  }
  return out;
}

/** Admin-only `load` (rippled's JobQueue::getJson): the sandbox has no job queue, one thread. */
const SANDBOX_LOAD = { job_types: [], threads: 1 };

class LedgerSandboxImpl implements LedgerSandbox {
  url = '';
  port = 0;
  readonly networkId: number;
  readonly faults: LedgerSandboxFaults;

  private readonly baseFee: bigint;
  private readonly reserveBase: bigint;
  private readonly reserveInc: bigint;
  private readonly log: (line: string) => void;
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly subs = new Map<WebSocket, Subscription>();
  private timer: NodeJS.Timeout | undefined;
  private readonly startedAt = Date.now();

  private readonly ledgers: ClosedLedger[] = [];
  private validatedIndex = 0;
  private publishedIndex = 0;
  private openState: LedgerState;
  private openTxs: PendingTx[] = [];
  /**
   * rippled's LocalTxs: every locally submitted transaction (unless `fail_hard` and not
   * tesSUCCESS) is re-applied to each new open ledger until it is in a closed ledger, its
   * Sequence/Ticket is consumed, or it expires (min(submit ledger + 5, LastLedgerSequence + 1)).
   */
  private localTxs: Array<{ p: PendingTx; expire: number }> = [];
  private injected: PendingTx[] = [];
  private readonly txs = new Map<string, StoredTx>();
  /** Ledgers hidden by `faults.forgetLedgers`. */
  private readonly missing = new Set<number>();
  private readonly accountTxs = new Map<string, string[]>();
  private readonly genesisWallet = Wallet.fromSeed(GENESIS.seed);

  constructor(
    private readonly options: Required<Omit<LedgerSandboxOptions, 'log'>> & Pick<LedgerSandboxOptions, 'log'>,
  ) {
    this.networkId = options.networkId;
    this.baseFee = BigInt(options.baseFeeDrops);
    this.reserveBase = BigInt(options.reserveBaseDrops);
    this.reserveInc = BigInt(options.reserveIncrementDrops);
    this.log = options.log ?? ((): void => undefined);
    this.faults = this.makeFaults();

    // Genesis ledger 1 holds the genesis account; ledger 2 is closed empty, ledger 3 is open
    // (a fresh `rippled --standalone` reports complete_ledgers "1-2").
    const genesisState = new LedgerState();
    const genesis: AccountRoot = {
      LedgerEntryType: 'AccountRoot',
      index: keylet.account(GENESIS.address),
      Account: GENESIS.address,
      Balance: TOTAL_COINS.toString(),
      Flags: 0,
      OwnerCount: 0,
      Sequence: 1,
      PreviousTxnID: ZERO_HASH,
      PreviousTxnLgrSeq: 0,
    };
    genesisState.set(genesis);
    const t = rippleTimeNow();
    this.ledgers.push(this.makeLedger(1, ZERO_HASH, 0, t - 1, genesisState, [], TOTAL_COINS, ZERO_HASH));
    this.openState = genesisState.clone();
    this.validatedIndex = 1;
    this.publishedIndex = 1;
    this.closeLedger();

    // One port, as rippled's: WebSocket upgrades for the API, plain HTTP for the control routes.
    this.http = createServer((req, res) => void handleControlRequest(this, req, res));
    this.wss = new WebSocketServer({ server: this.http });
    // the WebSocket server re-emits the HTTP server's errors (e.g. EADDRINUSE, rejected in listen())
    this.wss.on('error', () => undefined);
    this.wss.on('connection', (ws, request) =>
      this.onConnection(ws, isLoopback(request.socket.remoteAddress)),
    );
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.options.port, this.options.host, () => {
        this.http.off('error', reject);
        resolve();
      });
    });
    this.http.on('error', (e) => this.log(`ledger sandbox server error: ${String(e)}`));
    const addr = this.http.address() as AddressInfo;
    this.port = addr.port;
    this.url = `ws://${this.options.host}:${addr.port}`;
    if (this.options.closeIntervalMs > 0) {
      this.timer = setInterval(() => {
        try {
          this.closeLedger();
        } catch (e) {
          this.log(`ledger close failed: ${String(e)}`);
        }
      }, this.options.closeIntervalMs);
    }
    this.log(`ledger sandbox listening on ${this.url} (network ${this.networkId})`);
  }

  // ------------------------------------------------------------------------------------------
  // faults

  private makeFaults(): LedgerSandboxFaults {
    const defaults = {
      dropSubmits: false as boolean | number,
      neverValidate: false,
      holdValidation: false,
      openLedgerFeeMultiplier: 1,
      validateAlternateSignerSubset: false,
    };
    const faults: LedgerSandboxFaults = {
      ...defaults,
      validateAlternate: (txBlob: string) => {
        const pending = this.preparePending(txBlob);
        this.injected.push(pending);
        this.log(`fault: ${pending.hash} will be applied first at the next close`);
        return { hash: pending.hash };
      },
      forgetLedgers: (from: number, to: number) => {
        for (let i = from; i <= to; i++) this.missing.add(i);
        this.log(`fault: ledgers ${from}-${to} forgotten`);
      },
      disconnectAll: () => {
        for (const ws of this.subs.keys()) ws.terminate();
        this.subs.clear();
        this.log('fault: all clients disconnected');
      },
      reset: () => {
        Object.assign(faults, defaults);
        this.injected = [];
        this.missing.clear();
      },
    };
    return faults;
  }

  private preparePending(txBlob: string): PendingTx {
    const blob = txBlob.toUpperCase();
    const decoded = decodeBlob(blob);
    if (!decoded.ok)
      throw new RpcError('invalidTransaction', decoded.exception, { error_exception: decoded.exception });
    const reason = localChecks(decoded.tx);
    if (reason !== undefined) {
      const exception = `fails local checks: ${reason}`;
      throw new RpcError('invalidTransaction', exception, { error_exception: exception });
    }
    return {
      hash: txHash(blob),
      tx: decoded.tx,
      blob,
      firstLedger: this.currentLedgerIndex(),
      neverValidate: false,
    };
  }

  // ------------------------------------------------------------------------------------------
  // ledger machinery

  private lastClosed(): ClosedLedger {
    return this.ledgers[this.ledgers.length - 1] as ClosedLedger;
  }

  private ledgerAt(index: number): ClosedLedger | undefined {
    const first = (this.ledgers[0] as ClosedLedger).index;
    return this.ledgers[index - first];
  }

  currentLedgerIndex(): number {
    return this.lastClosed().index + 1;
  }

  validatedLedgerIndex(): number {
    return this.validatedIndex;
  }

  private validatedLedger(): ClosedLedger {
    return this.ledgerAt(this.validatedIndex) as ClosedLedger;
  }

  private env(ledgerIndex: number, open: boolean, inLedger: Set<string>): EngineEnv {
    return {
      ledgerIndex,
      open,
      baseFee: this.baseFee,
      reserveBase: this.reserveBase,
      reserveInc: this.reserveInc,
      loadFactor: this.faults.openLedgerFeeMultiplier,
      networkId: this.networkId,
      txInLedger: (h) => inLedger.has(h),
    };
  }

  private makeLedger(
    index: number,
    parentHash: string,
    parentCloseTime: number,
    closeTime: number,
    state: LedgerState,
    txHashes: string[],
    totalCoins: bigint,
    parentAccountHash: string,
  ): ClosedLedger {
    const transactionHash = txHashes.length === 0 ? ZERO_HASH : sha512Half(txHashes.join(''));
    const accountHash = sha512Half(parentAccountHash + transactionHash + index.toString(16).padStart(8, '0'));
    const hash = sha512Half(
      '4C575200' +
        index.toString(16).padStart(8, '0') +
        parentHash +
        transactionHash +
        accountHash +
        closeTime.toString(16).padStart(8, '0'),
    );
    return {
      index,
      hash,
      parentHash,
      closeTime,
      parentCloseTime,
      state,
      txHashes,
      totalCoins,
      accountHash,
      transactionHash,
    };
  }

  /** Canonical order: by (salted) account, then Sequence before Tickets, ascending, then hash. */
  private canonicalSort(txs: PendingTx[], salt: string): PendingTx[] {
    const key = (p: PendingTx): string => {
      const id = accountIdHex(p.tx.Account as string);
      let x = '';
      for (let i = 0; i < 40; i += 8) {
        const v = (parseInt(id.slice(i, i + 8), 16) ^ parseInt(salt.slice(i, i + 8), 16)) >>> 0;
        x += v.toString(16).padStart(8, '0');
      }
      return x;
    };
    return [...txs].sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      if (ka !== kb) return ka < kb ? -1 : 1;
      const sa = seqProxyOf(a.tx);
      const sb = seqProxyOf(b.tx);
      if (sa.kind !== sb.kind) return sa.kind === 'seq' ? -1 : 1;
      if (sa.value !== sb.value) return sa.value - sb.value;
      return a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0;
    });
  }

  acceptLedger(): number {
    return this.closeLedger();
  }

  private closeLedger(): number {
    const parent = this.lastClosed();
    const index = parent.index + 1;
    const parentState = stateOf(parent);
    const working = parentState.clone();

    let candidates: PendingTx[] = this.openTxs.filter((p) => !p.neverValidate);
    for (const p of this.openTxs) if (p.neverValidate) this.log(`fault: ${p.hash} discarded (neverValidate)`);
    if (this.faults.validateAlternateSignerSubset) {
      candidates = candidates.map((p) => {
        const alt = alternateSignerSubset(working, p.tx);
        if (!alt) return p;
        const blob = encode(alt);
        const variant = { ...p, tx: alt, blob, hash: txHash(blob) };
        this.log(`fault: ${p.hash} validated as signer-subset variant ${variant.hash}`);
        return variant;
      });
    }
    const injected = this.injected;
    this.injected = [];

    const included: StoredTx[] = [];
    const inLedger = new Set<string>();
    const env = this.env(index, false, inLedger);
    const tryApply = (list: PendingTx[]): PendingTx[] => {
      let retry = list;
      for (let pass = 0; pass < 3 && retry.length > 0; pass++) {
        const next: PendingTx[] = [];
        for (const p of retry) {
          if (inLedger.has(p.hash)) continue;
          const r = applyTransaction(working, p.tx, p.hash, env, included.length);
          if (r.applied && r.meta) {
            included.push({ hash: p.hash, tx: p.tx, blob: p.blob, meta: r.meta, ledgerIndex: index });
            inLedger.add(p.hash);
          } else if (terClass(r.result) === 'ter') {
            next.push(p);
          } else {
            this.log(`close ${index}: ${p.hash} dropped (${r.result})`);
          }
        }
        if (next.length === retry.length) {
          retry = next;
          break;
        }
        retry = next;
      }
      return retry;
    };
    tryApply(this.canonicalSort(injected, parent.hash));
    const leftover = tryApply(this.canonicalSort(candidates, parent.hash));

    let burned = 0n;
    for (const s of included) burned += BigInt(s.tx.Fee as string);
    const closeTime = Math.max(rippleTimeNow(), parent.closeTime + 1);
    const ledger = this.makeLedger(
      index,
      parent.hash,
      parent.closeTime,
      closeTime,
      // an empty ledger shares its parent's (immutable) state map
      included.length === 0 ? parentState : working,
      included.map((s) => s.hash),
      parent.totalCoins - burned,
      parent.accountHash,
    );
    this.ledgers.push(ledger);
    // Bound memory on long runs: only the newest RETAINED_STATES ledgers keep their state map.
    const old = this.ledgers[this.ledgers.length - 1 - RETAINED_STATES];
    if (old) old.state = undefined;
    for (const s of included) {
      this.txs.set(s.hash, s);
      for (const a of affectedAccounts(s.tx, s.meta)) {
        const list = this.accountTxs.get(a) ?? [];
        list.push(s.hash);
        this.accountTxs.set(a, list);
      }
    }

    // New open ledger (OpenLedger::accept): sweep the local transactions against the closed
    // ledger, then re-apply what failed with a retry code at close and every live local tx.
    this.openState = working.clone();
    this.openTxs = [];
    this.sweepLocalTxs(ledger);
    const live = this.localTxs.map((l) => l.p).filter((p) => !leftover.some((x) => x.hash === p.hash));
    for (const p of this.canonicalSort([...leftover, ...live], ledger.hash)) {
      if (!this.openTxs.some((o) => o.hash === p.hash)) this.applyToOpen(p);
    }

    if (!this.faults.holdValidation) this.validatedIndex = index;
    this.log(
      `ledger ${index} closed with ${included.length} tx(s)${this.faults.holdValidation ? ' (not validated)' : ''}`,
    );
    this.publish();
    return index;
  }

  /**
   * Applies a transaction to the open ledger. On tesSUCCESS the account's next local
   * transaction (a held terPRE_SEQ one) is applied right away, like `popAcctTransaction`.
   */
  private applyToOpen(p: PendingTx): string {
    const inLedger = new Set(this.openTxs.map((o) => o.hash));
    const r = applyTransaction(
      this.openState,
      p.tx,
      p.hash,
      this.env(this.currentLedgerIndex(), true, inLedger),
      this.openTxs.length,
    );
    if (r.applied) this.openTxs.push(p);
    if (r.result === 'tesSUCCESS') {
      const acct = this.openState.account(p.tx.Account as string);
      const next = this.localTxs.find(
        (l) =>
          l.p.tx.Account === p.tx.Account &&
          seqProxyOf(l.p.tx).kind === 'seq' &&
          seqProxyOf(l.p.tx).value === acct?.Sequence &&
          !this.openTxs.some((o) => o.hash === l.p.hash),
      );
      if (next) this.applyToOpen(next.p);
    }
    return r.result;
  }

  /** LocalTxs::sweep against a newly closed ledger. */
  private sweepLocalTxs(closed: ClosedLedger): void {
    this.localTxs = this.localTxs.filter(({ p, expire }) => {
      if (p.neverValidate) return false;
      if (closed.index > expire) {
        this.log(`local tx ${p.hash} expired`);
        return false;
      }
      if (this.txs.get(p.hash)) return false;
      const acct = stateOf(closed).account(p.tx.Account as string);
      if (!acct) return true;
      const sp = seqProxyOf(p.tx);
      if (sp.kind === 'seq') return !(acct.Sequence > sp.value);
      if (acct.Sequence <= sp.value) return true;
      return stateOf(closed).ticket(acct.Account, sp.value) !== undefined;
    });
  }

  private addLocal(p: PendingTx): void {
    if (this.localTxs.some((l) => l.p.hash === p.hash)) return;
    const lls = p.tx.LastLedgerSequence as number | undefined;
    const submitted = this.currentLedgerIndex();
    const expire = Math.min(submitted + HOLD_LEDGERS, lls === undefined ? Infinity : lls + 1);
    this.localTxs.push({ p, expire });
  }

  // ------------------------------------------------------------------------------------------
  // submit

  submit(txBlob: string): SandboxSubmitResult {
    const result = this.doSubmit(txBlob, false);
    if (result === NO_RESPONSE) throw new Error('submit dropped (faults.dropSubmits)');
    return result;
  }

  private doSubmit(txBlob: unknown, failHard: boolean): SandboxSubmitResult | typeof NO_RESPONSE {
    if (
      typeof txBlob !== 'string' ||
      txBlob.length === 0 ||
      !/^[0-9a-fA-F]+$/.test(txBlob) ||
      txBlob.length % 2
    ) {
      throw new RpcError('invalidParams');
    }
    const drop = this.faults.dropSubmits;
    if (drop === true || (typeof drop === 'number' && drop > 0)) {
      if (typeof drop === 'number') this.faults.dropSubmits = drop - 1 > 0 ? drop - 1 : false;
      this.log(`fault: submit of ${txHash(txBlob)} dropped`);
      return NO_RESPONSE;
    }
    const p = this.preparePending(txBlob);
    const known = this.localTxs.find((l) => l.p.hash === p.hash)?.p ?? p;
    // the neverValidate fault applies to the latest submission of a blob
    known.neverValidate = this.faults.neverValidate;
    const result = this.applyToOpen(known);
    const cls = terClass(result);
    const applied = cls === 'tes' || cls === 'tec';
    // NetworkOPs::apply: a local submit goes to LocalTxs (and is "kept") unless fail_hard
    // rejected it.
    const kept = !(failHard && result !== 'tesSUCCESS');
    if (kept) this.addLocal(known);
    const acct = this.openState.account(p.tx.Account as string);
    this.log(`submit ${p.hash} ${p.tx.TransactionType as string} -> ${result}`);
    return {
      engine_result: result,
      engine_result_code: terCode(result),
      engine_result_message: terMessage(result),
      tx_blob: p.blob,
      // rippled's `submit` answers the transaction exactly as decoded (Amount, no DeliverMax),
      // whatever the API version; only submit_multisigned, tx, account_tx, ledger and the streams
      // insert DeliverMax for v2.
      tx_json: { ...p.tx, hash: p.hash },
      accepted: applied || kept,
      applied,
      broadcast: applied,
      kept,
      queued: false,
      ...(acct ? { account_sequence_available: acct.Sequence, account_sequence_next: acct.Sequence } : {}),
      open_ledger_cost: scaledFee(this.baseFee, this.faults.openLedgerFeeMultiplier).toString(),
      validated_ledger_index: this.validatedIndex,
    };
  }

  /**
   * `submit_multisigned` (RPC transactionSubmitMultiSigned): JSON in, Signers sorted by
   * AccountID, then the same path as `submit`. API v2: `hash` at result level.
   */
  private submitMultisigned(req: Record<string, unknown>): unknown {
    const json = req.tx_json;
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new RpcError('invalidParams', "Missing field 'tx_json'.");
    }
    const tx: Record<string, unknown> = { ...(json as Record<string, unknown>) };
    if (tx.DeliverMax !== undefined) {
      if (tx.Amount !== undefined && JSON.stringify(tx.Amount) !== JSON.stringify(tx.DeliverMax)) {
        throw new RpcError('invalidParams', "Cannot specify differing 'Amount' and 'DeliverMax'");
      }
      tx.Amount = tx.DeliverMax;
      delete tx.DeliverMax;
    }
    delete tx.hash;
    if (!Array.isArray(tx.Signers)) throw new RpcError('invalidParams', "Missing field 'tx_json.Signers'.");
    if (tx.Signers.length === 0)
      throw new RpcError('invalidParams', 'tx_json.Signers array may not be empty.');
    if (tx.SigningPubKey !== undefined && tx.SigningPubKey !== '') {
      throw new RpcError(
        'invalidParams',
        'Invalid  tx_json.SigningPubKey field.  Field must be empty when multi-signing.',
      );
    }
    tx.SigningPubKey = '';
    const signers = tx.Signers as Array<{ Signer?: { Account?: unknown } }>;
    for (const e of signers) {
      if (!isValidAddress(e.Signer?.Account)) {
        throw new RpcError('invalidParams', 'Signers array may only contain Signer entries.');
      }
    }
    const key = (e: { Signer?: { Account?: unknown } }): string => accountIdHex(e.Signer?.Account as string);
    const sorted = [...signers].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    for (let i = 1; i < sorted.length; i++) {
      if (key(sorted[i] as never) === key(sorted[i - 1] as never)) {
        throw new RpcError(
          'invalidParams',
          `Duplicate Signers:Signer:Account entries (${String(sorted[i]?.Signer?.Account)}) are not allowed.`,
        );
      }
    }
    tx.Signers = sorted;
    let blob: string;
    try {
      blob = encode(tx);
    } catch (e) {
      throw new RpcError('invalidTransaction', undefined, {
        error_exception: e instanceof Error ? e.message : String(e),
      });
    }
    const r = this.doSubmit(blob, req.fail_hard === true);
    if (r === NO_RESPONSE) return NO_RESPONSE;
    const { hash, ...txJson } = r.tx_json;
    return {
      engine_result: r.engine_result,
      engine_result_code: r.engine_result_code,
      engine_result_message: r.engine_result_message,
      tx_blob: r.tx_blob,
      tx_json: txJsonV2(txJson),
      hash,
    };
  }

  // ------------------------------------------------------------------------------------------
  // helpers for tests

  async fund(
    address: string,
    drops: bigint | number | string,
    opts: { close?: boolean } = {},
  ): Promise<{ hash: string; result: string }> {
    const genesis = this.openState.account(GENESIS.address) as AccountRoot;
    const fee = scaledFee(this.baseFee, this.faults.openLedgerFeeMultiplier);
    const tx: Record<string, unknown> = {
      TransactionType: 'Payment',
      Account: GENESIS.address,
      Destination: address,
      Amount: BigInt(drops).toString(),
      Fee: fee.toString(),
      Sequence: genesis.Sequence,
      Flags: 0,
      LastLedgerSequence: this.currentLedgerIndex() + 20,
    };
    if (this.networkId > 1024) tx.NetworkID = this.networkId;
    const signed = this.genesisWallet.sign(tx as unknown as Parameters<Wallet['sign']>[0]);
    const p = this.preparePending(signed.tx_blob);
    const result = this.applyToOpen(p);
    this.addLocal(p);
    if (opts.close !== false) this.closeLedger();
    return Promise.resolve({ hash: p.hash, result });
  }

  private stateFor(ledger: 'validated' | 'current' = 'validated'): LedgerState {
    return ledger === 'current' ? this.openState : stateOf(this.validatedLedger());
  }

  getAccount(address: string, ledger: 'validated' | 'current' = 'validated'): AccountRoot | undefined {
    return this.stateFor(ledger).account(address);
  }

  getBalance(address: string, ledger: 'validated' | 'current' = 'validated'): bigint | undefined {
    const a = this.getAccount(address, ledger);
    return a ? BigInt(a.Balance) : undefined;
  }

  getSignerList(address: string, ledger: 'validated' | 'current' = 'validated'): SignerListEntry | undefined {
    return this.stateFor(ledger).signerList(address);
  }

  getTickets(address: string, ledger: 'validated' | 'current' = 'validated'): number[] {
    return this.stateFor(ledger)
      .tickets(address)
      .map((t) => t.TicketSequence);
  }

  getTransaction(hash: string): SandboxTransaction | undefined {
    const s = this.txs.get(hash.toUpperCase());
    if (!s) return undefined;
    return { ...s, validated: s.ledgerIndex <= this.validatedIndex };
  }

  findTransactions(account: string, seqOrTicket: number): SandboxTransaction[] {
    const out: SandboxTransaction[] = [];
    for (const h of this.accountTxs.get(account) ?? []) {
      const s = this.txs.get(h);
      if (s && s.tx.Account === account && seqProxyOf(s.tx).value === seqOrTicket) {
        out.push({ ...s, validated: s.ledgerIndex <= this.validatedIndex });
      }
    }
    return out;
  }

  clientCount(): number {
    return this.subs.size;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const ws of this.subs.keys()) ws.terminate();
    this.subs.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  // ------------------------------------------------------------------------------------------
  // WebSocket plumbing

  private onConnection(ws: WebSocket, admin: boolean): void {
    this.subs.set(ws, { admin, ledger: false, transactions: false, accounts: new Set() });
    ws.on('close', () => this.subs.delete(ws));
    ws.on('error', () => this.subs.delete(ws));
    ws.on('message', (data) => {
      const text = Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Array.isArray(data)
          ? Buffer.concat(data).toString('utf8')
          : Buffer.from(data).toString('utf8');
      this.onMessage(ws, text);
    });
  }

  private send(ws: WebSocket, msg: unknown): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg));
  }

  private onMessage(ws: WebSocket, text: string): void {
    let req: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('not an object');
      req = parsed as Record<string, unknown>;
    } catch {
      this.send(ws, {
        type: 'response',
        status: 'error',
        error: 'jsonInvalid',
        error_code: 2,
        error_message: 'JSON parse error.',
        value: text,
      });
      return;
    }
    const id = req.id;
    try {
      const result = this.handle(ws, req);
      if (result === NO_RESPONSE) return;
      this.send(ws, { id, type: 'response', status: 'success', api_version: 2, result });
    } catch (e) {
      const err =
        e instanceof RpcError ? e : new RpcError('internal', e instanceof Error ? e.message : String(e));
      const known = (RPC_ERRORS as Record<string, { code: number; message: string }>)[err.token];
      const body: Record<string, unknown> = { id, type: 'response', status: 'error', error: err.token };
      if (err.token !== 'invalidTransaction') {
        body.error_code = err.code ?? known?.code ?? -1;
        body.error_message = err.message;
      }
      Object.assign(body, err.extra);
      body.request = req;
      this.send(ws, body);
    }
  }

  private handle(ws: WebSocket, req: Record<string, unknown>): unknown {
    const command = req.command ?? req.method;
    if (command === undefined) throw new RpcError('missingCommand');
    const apiVersion = req.api_version;
    if (apiVersion !== undefined && apiVersion !== 2) {
      throw new RpcError('invalid_API_version', 'The ledger sandbox implements API version 2 only.', {}, 6);
    }
    const admin = this.subs.get(ws)?.admin === true;
    switch (command) {
      case 'random':
        // Random.cpp: 256 random bits, hex
        return { random: randomBytes(32).toString('hex').toUpperCase() };
      case 'ping':
        // Ping.cpp: the role, and `unlimited` for a WebSocket client whose resource consumer is
        // unlimited (an admin)
        return admin ? { role: 'admin', unlimited: true } : {};
      case 'server_info':
        return this.serverInfo(admin);
      case 'server_state':
        return this.serverState(admin);
      case 'fee':
        return this.fee();
      case 'ledger_current':
        return { ledger_current_index: this.currentLedgerIndex() };
      case 'ledger_closed':
        return { ledger_hash: this.lastClosed().hash, ledger_index: this.lastClosed().index };
      case 'ledger':
        return this.ledgerCmd(req);
      case 'ledger_accept':
        if (!admin) throw new RpcError('noPermission');
        this.closeLedger();
        return { ledger_current_index: this.currentLedgerIndex() };
      case 'account_info':
        return this.accountInfo(req);
      case 'account_objects':
        return this.accountObjects(req);
      case 'account_tx':
        return this.accountTx(req);
      case 'submit':
        if (req.tx_blob === undefined && req.tx_json !== undefined) {
          throw new RpcError(
            'notSupported',
            'Sign-and-submit is not supported by the ledger sandbox: submit a signed tx_blob.',
          );
        }
        return this.doSubmit(req.tx_blob, req.fail_hard === true);
      case 'submit_multisigned':
        return this.submitMultisigned(req);
      case 'tx':
        return this.txCmd(req);
      case 'subscribe':
        return this.subscribe(ws, req, true);
      case 'unsubscribe':
        return this.subscribe(ws, req, false);
      default:
        throw new RpcError('unknownCmd');
    }
  }

  // ------------------------------------------------------------------------------------------
  // commands

  /** rippled's `complete_ledgers` form, e.g. `1-4,8-20`, up to `upTo` (default: validated). */
  private completeLedgers(upTo = this.validatedIndex): string {
    const first = (this.ledgers[0] as ClosedLedger).index;
    const ranges: string[] = [];
    let start: number | undefined;
    for (let i = first; i <= upTo + 1; i++) {
      const have = i <= upTo && !this.missing.has(i);
      if (have && start === undefined) start = i;
      if (!have && start !== undefined) {
        ranges.push(start === i - 1 ? String(start) : `${start}-${i - 1}`);
        start = undefined;
      }
    }
    return ranges.length > 0 ? ranges.join(',') : 'empty';
  }

  /** True if every ledger in [min, max] is validated and not forgotten. */
  private haveAll(min: number, max: number): boolean {
    const first = (this.ledgers[0] as ClosedLedger).index;
    if (min < first || max > this.validatedIndex) return false;
    for (const m of this.missing) if (m >= min && m <= max) return false;
    return true;
  }

  private serverInfo(admin: boolean): unknown {
    const v = this.validatedLedger();
    const mult = this.faults.openLedgerFeeMultiplier;
    return {
      info: {
        build_version: '2.5.0-sandbox',
        complete_ledgers: this.completeLedgers(),
        hostid: 'LEDGER-SANDBOX',
        io_latency_ms: 1,
        jq_trans_overflow: '0',
        // a standalone close is a simulated consensus round of 100 ms (Consensus::simulate)
        last_close: { converge_time_s: 0.1, proposers: 0 },
        load_factor: mult,
        network_id: this.networkId,
        peer_disconnects: '0',
        peer_disconnects_resources: '0',
        peers: 0,
        pubkey_node: 'n9SANDBOXLEDGER',
        server_state: 'full',
        server_state_duration_us: String((Date.now() - this.startedAt) * 1000),
        time: new Date().toISOString(),
        uptime: Math.floor((Date.now() - this.startedAt) / 1000),
        validated_ledger: {
          age: Math.max(0, rippleTimeNow() - v.closeTime),
          base_fee_xrp: dropsToXrpNumber(this.baseFee),
          hash: v.hash,
          reserve_base_xrp: dropsToXrpNumber(this.reserveBase),
          reserve_inc_xrp: dropsToXrpNumber(this.reserveInc),
          seq: v.index,
        },
        ...this.stateAccounting(),
        validation_quorum: 0,
        // NetworkOPs::getServerInfo, admin only: no validator key, no validator list
        ...(admin
          ? {
              load: SANDBOX_LOAD,
              pubkey_validator: 'none',
              validator_list: { count: 0, expiration: 'unknown', status: 'unknown' },
            }
          : {}),
        // deliberately not rippled: a marker for whoever asks, and no `ports` (the sandbox has one)
        sandbox: true,
      },
    };
  }

  private serverState(admin: boolean): unknown {
    const v = this.validatedLedger();
    const mult = this.faults.openLedgerFeeMultiplier;
    return {
      state: {
        build_version: '2.5.0-sandbox',
        complete_ledgers: this.completeLedgers(),
        io_latency_ms: 1,
        jq_trans_overflow: '0',
        last_close: { converge_time: 100, proposers: 0 },
        load_base: 256,
        load_factor: Math.round(256 * mult),
        load_factor_fee_escalation: Math.round(256 * mult),
        load_factor_fee_queue: 256,
        load_factor_fee_reference: 256,
        load_factor_server: 256,
        network_id: this.networkId,
        peer_disconnects: '0',
        peer_disconnects_resources: '0',
        peers: 0,
        pubkey_node: 'n9SANDBOXLEDGER',
        server_state: 'full',
        server_state_duration_us: String((Date.now() - this.startedAt) * 1000),
        time: new Date().toISOString(),
        uptime: Math.floor((Date.now() - this.startedAt) / 1000),
        validated_ledger: {
          base_fee: Number(this.baseFee),
          close_time: v.closeTime,
          hash: v.hash,
          reserve_base: Number(this.reserveBase),
          reserve_inc: Number(this.reserveInc),
          seq: v.index,
        },
        ...this.stateAccounting(),
        validation_quorum: 0,
        ...(admin ? { load: SANDBOX_LOAD, pubkey_validator: 'none', validator_list_expires: 0 } : {}),
      },
    };
  }

  /** `state_accounting`: standalone starts `full` and stays there. */
  private stateAccounting(): {
    state_accounting: Record<string, { duration_us: string; transitions: string }>;
  } {
    const idle = { duration_us: '0', transitions: '0' };
    return {
      state_accounting: {
        connected: idle,
        disconnected: idle,
        full: { duration_us: String((Date.now() - this.startedAt) * 1000), transitions: '1' },
        syncing: idle,
        tracking: idle,
      },
    };
  }

  private fee(): unknown {
    const mult = this.faults.openLedgerFeeMultiplier;
    const open = scaledFee(this.baseFee, mult);
    return {
      current_ledger_size: String(this.openTxs.length),
      current_queue_size: '0',
      drops: {
        base_fee: this.baseFee.toString(),
        median_fee: (this.baseFee * 500n).toString(),
        minimum_fee: this.baseFee.toString(),
        open_ledger_fee: open.toString(),
      },
      expected_ledger_size: '1000',
      ledger_current_index: this.currentLedgerIndex(),
      levels: {
        median_level: '128000',
        minimum_level: '256',
        open_ledger_level: String(Math.round(256 * mult)),
        reference_level: '256',
      },
      // TxQ: max(20 ledgers in queue x 1000 expected per ledger (standalone), 2000 minimum)
      max_queue_size: '20000',
    };
  }

  /** Resolves `ledger_index` / `ledger_hash` to a closed ledger, or 'current' for the open one. */
  private resolveLedger(
    req: Record<string, unknown>,
    dflt: 'current' | 'validated',
  ): ClosedLedger | 'current' {
    if (typeof req.ledger_hash === 'string') {
      const l = this.ledgers.find((x) => x.hash === (req.ledger_hash as string).toUpperCase());
      if (!l || this.missing.has(l.index)) throw new RpcError('lgrNotFound');
      return l;
    }
    const li = req.ledger_index ?? dflt;
    if (li === 'current') return 'current';
    if (li === 'validated') return this.validatedLedger();
    if (li === 'closed') return this.lastClosed();
    let n: number | undefined;
    if (typeof li === 'number' && Number.isInteger(li)) n = li;
    else if (typeof li === 'string' && /^\d+$/.test(li)) n = Number(li);
    if (n === undefined) throw new RpcError('invalidParams', 'ledgerIndexMalformed');
    if (n === this.currentLedgerIndex()) return 'current';
    const l = this.ledgerAt(n);
    if (!l || this.missing.has(n)) throw new RpcError('lgrNotFound');
    return l;
  }

  private ledgerCmd(req: Record<string, unknown>): unknown {
    const which = this.resolveLedger(req, 'current');
    if (which === 'current') {
      const parent = this.lastClosed();
      return {
        ledger: {
          closed: false,
          ledger_index: this.currentLedgerIndex(),
          parent_hash: parent.hash,
          ...(req.transactions === true ? { transactions: this.openTxs.map((p) => p.hash) } : {}),
        },
        ledger_current_index: this.currentLedgerIndex(),
        validated: false,
      };
    }
    const l = which;
    const ledger: Record<string, unknown> = {
      account_hash: l.accountHash,
      close_flags: 0,
      close_time: l.closeTime,
      close_time_human: humanFromRippleTime(l.closeTime),
      close_time_iso: isoFromRippleTime(l.closeTime),
      close_time_resolution: 10,
      closed: true,
      ledger_hash: l.hash,
      ledger_index: l.index,
      parent_close_time: l.parentCloseTime,
      parent_hash: l.parentHash,
      total_coins: l.totalCoins.toString(),
      transaction_hash: l.transactionHash,
    };
    if (req.transactions === true) {
      ledger.transactions =
        req.expand === true
          ? l.txHashes.map((h) => {
              const s = this.txs.get(h) as StoredTx;
              return {
                hash: h,
                tx_json: txJsonV2(s.tx),
                meta: s.meta,
                validated: l.index <= this.validatedIndex,
              };
            })
          : [...l.txHashes];
    }
    return { ledger, ledger_hash: l.hash, ledger_index: l.index, validated: l.index <= this.validatedIndex };
  }

  private ledgerFields(which: ClosedLedger | 'current'): Record<string, unknown> {
    if (which === 'current') return { ledger_current_index: this.currentLedgerIndex(), validated: false };
    return {
      ledger_hash: which.hash,
      ledger_index: which.index,
      validated: which.index <= this.validatedIndex,
    };
  }

  private requireAccount(req: Record<string, unknown>, field = 'account'): string {
    const a = req[field];
    if (a === undefined) throw new RpcError('invalidParams', `Missing field '${field}'.`);
    if (!isValidAddress(a)) throw new RpcError('actMalformed');
    return a;
  }

  private accountInfo(req: Record<string, unknown>): unknown {
    const address = this.requireAccount(req);
    const which = this.resolveLedger(req, 'current');
    const state = which === 'current' ? this.openState : stateOf(which);
    const acct = state.account(address);
    if (!acct)
      throw new RpcError('actNotFound', undefined, { account: address, ...this.ledgerFields(which) });
    const f = acct.Flags;
    const result: Record<string, unknown> = {
      account_data: { ...acct },
      account_flags: {
        defaultRipple: (f & lsfDefaultRipple) !== 0,
        depositAuth: (f & lsfDepositAuth) !== 0,
        disableMasterKey: (f & lsfDisableMaster) !== 0,
        disallowIncomingXRP: (f & lsfDisallowXRP) !== 0,
        globalFreeze: (f & lsfGlobalFreeze) !== 0,
        noFreeze: (f & lsfNoFreeze) !== 0,
        passwordSpent: (f & lsfPasswordSpent) !== 0,
        requireAuthorization: (f & lsfRequireAuth) !== 0,
        requireDestinationTag: (f & lsfRequireDestTag) !== 0,
      },
    };
    if (req.signer_lists === true) {
      const sl = state.signerList(address);
      result.signer_lists = sl ? [{ ...sl }] : [];
    }
    return { ...result, ...this.ledgerFields(which) };
  }

  private accountObjects(req: Record<string, unknown>): unknown {
    const address = this.requireAccount(req);
    const which = this.resolveLedger(req, 'validated');
    const state = which === 'current' ? this.openState : stateOf(which);
    if (!state.account(address)) throw new RpcError('actNotFound', undefined, { account: address });
    const typeMap: Record<string, string> = { ticket: 'Ticket', signer_list: 'SignerList' };
    let objects = state.ownedObjects(address);
    if (typeof req.type === 'string') {
      const t = typeMap[req.type];
      if (t === undefined && !KNOWN_OBJECT_TYPES.has(req.type)) {
        throw new RpcError('invalidParams', "Invalid field 'type'.");
      }
      objects = objects.filter((o) => o.LedgerEntryType === t);
    }
    const limit = typeof req.limit === 'number' && req.limit > 0 ? Math.min(req.limit, 400) : 200;
    let start = 0;
    if (typeof req.marker === 'string') {
      const at = objects.findIndex((o) => o.index === req.marker);
      if (at < 0) throw new RpcError('invalidParams', "Invalid field 'marker'.");
      start = at;
    }
    const page = objects.slice(start, start + limit);
    const next = objects[start + limit];
    return {
      account: address,
      account_objects: page.map((o) => ({ ...o })),
      ...this.ledgerFields(which),
      ...(next ? { limit, marker: next.index } : {}),
    };
  }

  private txResultJson(s: StoredTx): Record<string, unknown> {
    const l = this.ledgerAt(s.ledgerIndex) as ClosedLedger;
    const out: Record<string, unknown> = {
      hash: s.hash,
      ledger_index: s.ledgerIndex,
      ledger_hash: l.hash,
      validated: s.ledgerIndex <= this.validatedIndex,
      close_time_iso: isoFromRippleTime(l.closeTime),
      tx_json: { ...txJsonV2(s.tx), date: l.closeTime, ledger_index: s.ledgerIndex },
      meta: s.meta,
    };
    if (this.networkId < 65536 && s.ledgerIndex < 0x0fffffff) {
      const ctid =
        (0xcn << 60n) |
        (BigInt(s.ledgerIndex) << 32n) |
        (BigInt(s.meta.TransactionIndex) << 16n) |
        BigInt(this.networkId);
      out.ctid = ctid.toString(16).toUpperCase().padStart(16, '0');
    }
    return out;
  }

  private txCmd(req: Record<string, unknown>): unknown {
    const hash = req.transaction;
    if (typeof hash !== 'string' || !/^[0-9a-fA-F]{64}$/.test(hash)) {
      throw new RpcError('invalidParams', 'Invalid parameters.');
    }
    const min = req.min_ledger;
    const max = req.max_ledger;
    const hasRange = min !== undefined || max !== undefined;
    if (hasRange) {
      if (typeof min !== 'number' || typeof max !== 'number' || min > max || min < 0)
        throw new RpcError('invalidLgrRange');
      if (max - min > 1000) throw new RpcError('excessiveLgrRange');
    }
    const h = hash.toUpperCase();
    const stored = this.txs.get(h);
    const s = stored && !this.missing.has(stored.ledgerIndex) ? stored : undefined;
    if (s) {
      if (req.binary === true) {
        const { delivered_amount: _delivered, ...meta } = s.meta;
        void _delivered;
        const base = this.txResultJson(s);
        delete base.tx_json;
        delete base.meta;
        return { ...base, tx_blob: s.blob, meta_blob: encode(meta) };
      }
      return this.txResultJson(s);
    }
    const pending = [...this.openTxs, ...this.localTxs.map((l) => l.p)].find((p) => p.hash === h);
    if (pending) return { hash: h, tx_json: txJsonV2(pending.tx), validated: false };
    const extra: Record<string, unknown> = {};
    if (hasRange) extra.searched_all = this.haveAll(min as number, max as number);
    throw new RpcError('txnNotFound', undefined, extra);
  }

  private accountTx(req: Record<string, unknown>): unknown {
    const address = this.requireAccount(req);
    const first = (this.ledgers[0] as ClosedLedger).index;
    let lo =
      typeof req.ledger_index_min === 'number' && req.ledger_index_min >= 0 ? req.ledger_index_min : first;
    let hi =
      typeof req.ledger_index_max === 'number' && req.ledger_index_max >= 0
        ? req.ledger_index_max
        : this.validatedIndex;
    if (req.ledger_index !== undefined || req.ledger_hash !== undefined) {
      const l = this.resolveLedger(req, 'validated');
      if (l === 'current') throw new RpcError('invalidParams', 'ledgerIndexMalformed');
      lo = hi = l.index;
    }
    if (lo > hi) throw new RpcError('invalidLgrRange', 'Ledger indexes invalid.');
    hi = Math.min(hi, this.validatedIndex);
    const forward = req.forward === true;
    let list = (this.accountTxs.get(address) ?? [])
      .map((h) => this.txs.get(h) as StoredTx)
      .filter((s) => s.ledgerIndex >= lo && s.ledgerIndex <= hi && !this.missing.has(s.ledgerIndex));
    list.sort((a, b) => a.ledgerIndex - b.ledgerIndex || a.meta.TransactionIndex - b.meta.TransactionIndex);
    if (!forward) list.reverse();
    const marker = req.marker as { ledger?: number; seq?: number } | undefined;
    if (marker && typeof marker.ledger === 'number') {
      const at = list.findIndex(
        (s) => s.ledgerIndex === marker.ledger && s.meta.TransactionIndex === marker.seq,
      );
      list = at >= 0 ? list.slice(at) : [];
    }
    const limit = typeof req.limit === 'number' && req.limit > 0 ? Math.min(req.limit, 400) : 200;
    const page = list.slice(0, limit);
    const next = list[limit];
    return {
      account: address,
      ledger_index_min: lo,
      ledger_index_max: hi,
      limit,
      transactions: page.map((s) => {
        const j = this.txResultJson(s);
        delete j.ctid;
        return j;
      }),
      validated: true,
      ...(next ? { marker: { ledger: next.ledgerIndex, seq: next.meta.TransactionIndex } } : {}),
    };
  }

  private subscribe(ws: WebSocket, req: Record<string, unknown>, on: boolean): unknown {
    const sub = this.subs.get(ws);
    if (!sub) return {};
    const streams = req.streams;
    const accounts = req.accounts;
    if (streams !== undefined && !Array.isArray(streams)) throw new RpcError('invalidParams');
    if (accounts !== undefined && !Array.isArray(accounts)) throw new RpcError('invalidParams');
    for (const a of (accounts as unknown[] | undefined) ?? [])
      if (!isValidAddress(a)) throw new RpcError('actMalformed');
    for (const s of (streams as unknown[] | undefined) ?? []) {
      if (s !== 'ledger' && s !== 'transactions' && s !== 'server') throw new RpcError('malformedStream');
    }
    const result: Record<string, unknown> = {};
    for (const s of (streams as string[] | undefined) ?? []) {
      if (s === 'ledger') {
        sub.ledger = on;
        if (on) {
          const v = this.validatedLedger();
          Object.assign(result, {
            fee_base: Number(this.baseFee),
            ledger_hash: v.hash,
            ledger_index: v.index,
            ledger_time: v.closeTime,
            network_id: this.networkId,
            reserve_base: Number(this.reserveBase),
            reserve_inc: Number(this.reserveInc),
            validated_ledgers: this.completeLedgers(),
          });
        }
      } else if (s === 'transactions') {
        sub.transactions = on;
      }
    }
    for (const a of (accounts as string[] | undefined) ?? []) {
      if (on) sub.accounts.add(a);
      else sub.accounts.delete(a);
    }
    return result;
  }

  /** Publishes every newly validated ledger: `ledgerClosed`, then its `transaction` messages. */
  private publish(): void {
    while (this.publishedIndex < this.validatedIndex) {
      this.publishedIndex++;
      const l = this.ledgerAt(this.publishedIndex) as ClosedLedger;
      const closed = {
        type: 'ledgerClosed',
        fee_base: Number(this.baseFee),
        ledger_hash: l.hash,
        ledger_index: l.index,
        ledger_time: l.closeTime,
        network_id: this.networkId,
        reserve_base: Number(this.reserveBase),
        reserve_inc: Number(this.reserveInc),
        txn_count: l.txHashes.length,
        validated_ledgers: this.completeLedgers(l.index),
      };
      for (const [ws, sub] of this.subs) if (sub.ledger) this.send(ws, closed);
      for (const h of l.txHashes) {
        const s = this.txs.get(h) as StoredTx;
        const touched = affectedAccounts(s.tx, s.meta);
        const j = this.txResultJson(s);
        const msg = {
          type: 'transaction',
          status: 'closed',
          validated: true,
          engine_result: s.meta.TransactionResult,
          engine_result_code: terCode(s.meta.TransactionResult),
          engine_result_message: terMessage(s.meta.TransactionResult),
          ledger_index: l.index,
          ledger_hash: l.hash,
          hash: s.hash,
          tx_json: j.tx_json,
          meta: s.meta,
          close_time_iso: j.close_time_iso,
          ...(j.ctid !== undefined ? { ctid: j.ctid } : {}),
        };
        for (const [ws, sub] of this.subs) {
          if (sub.transactions || [...touched].some((a) => sub.accounts.has(a))) this.send(ws, msg);
        }
      }
    }
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
