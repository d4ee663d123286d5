/**
 * The ledger sandbox's chain: closed and validated ledgers, the open ledger, LocalTxs, submission,
 * and ledger closing (canonical order, retries) as `rippled --standalone` does it.
 */
import { encode } from 'ripple-binary-codec';

import { GENESIS, HOLD_LEDGERS, TOTAL_COINS, terClass, terCode, terMessage } from './constants';
import {
  EngineEnv,
  affectedAccounts,
  alternateSignerSubset,
  applyTransaction,
  decodeBlob,
  localChecks,
  scaledFee,
  seqProxyOf,
  txHash,
} from './engine';
import { makeFaults } from './faults';
import {
  NO_RESPONSE,
  RETAINED_STATES,
  RpcError,
  ZERO_HASH,
  isoFromRippleTime,
  rippleTimeNow,
  stateOf,
  txJsonV2,
} from './rpc-support';
import { AccountRoot, LedgerEntry, LedgerState, accountIdHex, keylet, sha512Half } from './state';
import type {
  ClosedLedger,
  LedgerSandboxFaults,
  LedgerSandboxOptions,
  PendingTx,
  SandboxSubmitResult,
  StoredTx,
} from './types';

export type ResolvedOptions = Required<Omit<LedgerSandboxOptions, 'log'>> & Pick<LedgerSandboxOptions, 'log'>;

export class Chain {
  readonly networkId: number;
  readonly faults: LedgerSandboxFaults;
  readonly baseFee: bigint;
  readonly reserveBase: bigint;
  readonly reserveInc: bigint;
  readonly log: (line: string) => void;
  readonly startedAt = Date.now();
  /** Called after every close, to publish newly validated ledgers (set by the transport). */
  onValidated: () => void = () => undefined;
  /** Drops every client (set by the transport; `faults.disconnectAll`). */
  disconnectClients: () => void = () => undefined;

  readonly ledgers: ClosedLedger[] = [];
  validatedIndex = 0;
  publishedIndex = 0;
  openState: LedgerState;
  openTxs: PendingTx[] = [];
  /**
   * rippled's LocalTxs: every locally submitted transaction (unless `fail_hard` and not
   * tesSUCCESS) is re-applied to each new open ledger until it is in a closed ledger, its
   * Sequence/Ticket is consumed, or it expires (min(submit ledger + 5, LastLedgerSequence + 1)).
   */
  localTxs: Array<{ p: PendingTx; expire: number }> = [];
  injected: PendingTx[] = [];
  /** Ledger objects placed directly by a test (`LedgerSandbox.putDelegate`), written at the next close. */
  injectedObjects: LedgerEntry[] = [];
  readonly txs = new Map<string, StoredTx>();
  /** Ledgers hidden by `faults.forgetLedgers`. */
  readonly missing = new Set<number>();
  readonly accountTxs = new Map<string, string[]>();

  constructor(readonly options: ResolvedOptions) {
    this.networkId = options.networkId;
    this.baseFee = BigInt(options.baseFeeDrops);
    this.reserveBase = BigInt(options.reserveBaseDrops);
    this.reserveInc = BigInt(options.reserveIncrementDrops);
    this.log = options.log ?? ((): void => undefined);
    this.faults = makeFaults(this);

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
    this.publishedIndex = this.validatedIndex; // nobody is subscribed yet
  }

  preparePending(txBlob: string): PendingTx {
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

  lastClosed(): ClosedLedger {
    return this.ledgers[this.ledgers.length - 1] as ClosedLedger;
  }

  ledgerAt(index: number): ClosedLedger | undefined {
    const first = (this.ledgers[0] as ClosedLedger).index;
    return this.ledgers[index - first];
  }

  currentLedgerIndex(): number {
    return this.lastClosed().index + 1;
  }

  validatedLedgerIndex(): number {
    return this.validatedIndex;
  }

  validatedLedger(): ClosedLedger {
    return this.ledgerAt(this.validatedIndex) as ClosedLedger;
  }

  env(ledgerIndex: number, open: boolean, inLedger: Set<string>): EngineEnv {
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

  makeLedger(
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
  canonicalSort(txs: PendingTx[], salt: string): PendingTx[] {
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

  closeLedger(): number {
    const parent = this.lastClosed();
    const index = parent.index + 1;
    const parentState = stateOf(parent);
    const working = parentState.clone();
    const objects = this.injectedObjects;
    this.injectedObjects = [];
    for (const object of objects) working.set(object);

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
      included.length === 0 && objects.length === 0 ? parentState : working,
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
    this.onValidated();
    return index;
  }

  /**
   * Applies a transaction to the open ledger. On tesSUCCESS the account's next local
   * transaction (a held terPRE_SEQ one) is applied right away, like `popAcctTransaction`.
   */
  applyToOpen(p: PendingTx): string {
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
  sweepLocalTxs(closed: ClosedLedger): void {
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

  addLocal(p: PendingTx): void {
    if (this.localTxs.some((l) => l.p.hash === p.hash)) return;
    const lls = p.tx.LastLedgerSequence as number | undefined;
    const submitted = this.currentLedgerIndex();
    const expire = Math.min(submitted + HOLD_LEDGERS, lls === undefined ? Infinity : lls + 1);
    this.localTxs.push({ p, expire });
  }

  doSubmit(txBlob: unknown, failHard: boolean): SandboxSubmitResult | typeof NO_RESPONSE {
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

  stateFor(ledger: 'validated' | 'current' = 'validated'): LedgerState {
    return ledger === 'current' ? this.openState : stateOf(this.validatedLedger());
  }

  /** rippled's `complete_ledgers` form, e.g. `1-4,8-20`, up to `upTo` (default: validated). */
  completeLedgers(upTo = this.validatedIndex): string {
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
  haveAll(min: number, max: number): boolean {
    const first = (this.ledgers[0] as ClosedLedger).index;
    if (min < first || max > this.validatedIndex) return false;
    for (const m of this.missing) if (m >= min && m <= max) return false;
    return true;
  }

  /** Resolves `ledger_index` / `ledger_hash` to a closed ledger, or 'current' for the open one. */
  resolveLedger(req: Record<string, unknown>, dflt: 'current' | 'validated'): ClosedLedger | 'current' {
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

  txResultJson(s: StoredTx): Record<string, unknown> {
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
}
