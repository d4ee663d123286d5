/** Ledger sandbox: the public handle, options and fault switches, and the chain's records. */
import type { AccountRoot, LedgerState, SignerListEntry } from './state';
import type { TxJson, TxMeta } from './engine';

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
  /**
   * Requests to hold unanswered: each entry is a command (`"account_info"`) or a command and the
   * request's `account` (`"account_info:rAccount…"`). A held request is neither executed nor answered
   * until no entry matches it any more (clear or change the list): then it is executed and answered,
   * even if its client has gone meanwhile (a held `submit` reaches the ledger after its sender died).
   * Holds a client inside a chosen step, e.g. to stop a process there and kill it.
   */
  holdCommands: string[];
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
  /**
   * Places a Delegate object owned by `account` (`authorize` may send `permissions` for it) and
   * closes a ledger; returns the ledger index. In process only (no RPC), for tests.
   */
  putDelegate(account: string, authorize: string, permissions: string[]): number;
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

export interface ClosedLedger {
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

export interface StoredTx {
  hash: string;
  tx: TxJson;
  blob: string;
  meta: TxMeta;
  ledgerIndex: number;
}

export interface PendingTx {
  hash: string;
  tx: TxJson;
  blob: string;
  /** Ledger index that was open when first submitted. */
  firstLedger: number;
  neverValidate: boolean;
}

export interface Subscription {
  /** rippled's Role::ADMIN: the sandbox, like xrpl.js's CI rippled.cfg, trusts loopback clients. */
  admin: boolean;
  ledger: boolean;
  transactions: boolean;
  accounts: Set<string>;
}
