/**
 * The transaction engine of the ledger sandbox: rippled's local checks (STTx::checkSign /
 * multiSignHelper), then preflight -> preclaim -> doApply (Transactor.cpp and the per-type
 * transactors), in rippled's order and with rippled's result codes. Pure functions over a
 * LedgerState; the server decides what is an open ledger and what is a closed one.
 */
import { decode, encodeForMultisigning, encodeForSigning } from 'ripple-binary-codec';
import { deriveAddress, verify } from 'ripple-keypairs';

import {
  ACCOUNT_SET_FLAGS,
  MAX_MULTI_SIGNERS,
  MAX_SIGNER_ENTRIES,
  MAX_TICKETS,
  asfDisableMaster,
  asfNoFreeze,
  lsfDepositAuth,
  lsfDisableMaster,
  lsfDisallowXRP,
  lsfOneOwnerCount,
  lsfPasswordSpent,
  lsfRequireAuth,
  lsfRequireDestTag,
  terClass,
  tfAllowXRP,
  tfDisallowXRP,
  tfInnerBatchTxn,
  tfLimitQuality,
  tfNoRippleDirect,
  tfOptionalAuth,
  tfOptionalDestTag,
  tfPartialPayment,
  tfRequireAuth,
  tfRequireDestTag,
  tfUniversal,
} from './constants';
import {
  AccountRoot,
  LedgerEntry,
  LedgerState,
  SignerEntryJson,
  SignerListEntry,
  TicketEntry,
  accountIdHex,
  isValidAddress,
  keylet,
  sha512Half,
} from './state';

/** A decoded transaction (ripple-binary-codec JSON). */
export type TxJson = Record<string, unknown>;

export interface SignerJson {
  Signer: { Account: string; SigningPubKey: string; TxnSignature: string };
}

export interface EngineEnv {
  /** Index of the ledger the transaction is being applied to. */
  ledgerIndex: number;
  /** Open ledger (fee level enforced) or a ledger being closed. */
  open: boolean;
  baseFee: bigint;
  reserveBase: bigint;
  reserveInc: bigint;
  /** Open-ledger fee multiplier (1 = no load). */
  loadFactor: number;
  networkId: number;
  /** True if a transaction with this hash is already in the ledger being built. */
  txInLedger: (hash: string) => boolean;
}

export interface AffectedNode {
  CreatedNode?: Record<string, unknown>;
  ModifiedNode?: Record<string, unknown>;
  DeletedNode?: Record<string, unknown>;
}

export interface TxMeta {
  AffectedNodes: AffectedNode[];
  TransactionIndex: number;
  TransactionResult: string;
  delivered_amount?: string;
}

export interface ApplyResult {
  /** Engine result token, e.g. `tesSUCCESS`. */
  result: string;
  /** tes/tec: the transaction is in the ledger (fee burned, Sequence/Ticket consumed). */
  applied: boolean;
  meta?: TxMeta;
}

const TXN_PREFIX = '54584E00';

/** Transaction ID: SHA-512Half of `TXN\0` + the signed blob. */
export function txHash(blobHex: string): string {
  return sha512Half(TXN_PREFIX + blobHex.toUpperCase());
}

export type DecodeResult = { ok: true; tx: TxJson } | { ok: false; exception: string };

const REQUIRED_COMMON = ['TransactionType', 'Account', 'Fee', 'Sequence', 'SigningPubKey'] as const;

/** Deserialize a blob the way `STTx(SerialIter)` would (exceptions become `error_exception`). */
export function decodeBlob(blobHex: string): DecodeResult {
  let tx: TxJson;
  try {
    tx = decode(blobHex);
  } catch (e) {
    return { ok: false, exception: e instanceof Error ? e.message : String(e) };
  }
  for (const f of REQUIRED_COMMON) {
    if (tx[f] === undefined) return { ok: false, exception: `Field '${f}' is required but missing.` };
  }
  if (tx.Signers !== undefined) {
    // InnerObjectFormats: a Signer has exactly Account, SigningPubKey and TxnSignature.
    if (!Array.isArray(tx.Signers)) return { ok: false, exception: "Field 'Signers' is not an array." };
    for (const entry of tx.Signers as unknown[]) {
      const signer = (entry as { Signer?: Record<string, unknown> } | null)?.Signer;
      if (!signer) return { ok: false, exception: "Array 'Signers' may only contain 'Signer' objects." };
      for (const f of ['Account', 'SigningPubKey', 'TxnSignature']) {
        if (signer[f] === undefined) return { ok: false, exception: `Field '${f}' is required but missing.` };
      }
    }
  }
  return { ok: true, tx };
}

export function isValidPublicKey(hex: unknown): hex is string {
  if (typeof hex !== 'string' || hex.length !== 66 || !/^[0-9a-fA-F]+$/.test(hex)) return false;
  const prefix = hex.slice(0, 2).toUpperCase();
  return prefix === '02' || prefix === '03' || prefix === 'ED';
}

function verifySignature(messageHex: string, sigHex: unknown, pubHex: string): boolean {
  if (typeof sigHex !== 'string' || sigHex.length === 0) return false;
  try {
    return verify(messageHex, sigHex, pubHex);
  } catch {
    return false;
  }
}

function signersOf(tx: TxJson): SignerJson[] | undefined {
  return Array.isArray(tx.Signers) ? (tx.Signers as SignerJson[]) : undefined;
}

/**
 * rippled `checkValidity` -> `STTx::checkSign`: the "local checks" done before the engine.
 * Returns undefined when the signature(s) are valid, else rippled's reason string.
 */
export function localChecks(tx: TxJson): string | undefined {
  const spk = typeof tx.SigningPubKey === 'string' ? tx.SigningPubKey : '';
  if ((((tx.Flags as number | undefined) ?? 0) & tfInnerBatchTxn) !== 0) {
    return 'Malformed: Invalid inner batch transaction.';
  }
  if (spk.length > 0) {
    // singleSignHelper
    if (tx.Signers !== undefined) return 'Cannot both single- and multi-sign.';
    let valid = false;
    if (isValidPublicKey(spk)) {
      try {
        valid = verifySignature(encodeForSigning(tx), tx.TxnSignature, spk);
      } catch {
        valid = false;
      }
    }
    return valid ? undefined : 'Invalid signature.';
  }
  // multiSignHelper
  const signers = signersOf(tx);
  if (!signers) return 'Empty SigningPubKey.';
  if (tx.TxnSignature !== undefined) return 'Cannot both single- and multi-sign.';
  if (signers.length < 1 || signers.length > MAX_MULTI_SIGNERS) return 'Invalid Signers array size.';
  const txAccount = accountIdHex(tx.Account as string);
  let last = '0'.repeat(40);
  for (const { Signer: s } of signers) {
    const id = accountIdHex(s.Account);
    if (id === txAccount) return 'Invalid multisigner.';
    if (id === last) return 'Duplicate Signers not allowed.';
    if (last > id) return 'Unsorted Signers array.';
    last = id;
    let valid = false;
    if (isValidPublicKey(s.SigningPubKey)) {
      try {
        valid = verifySignature(encodeForMultisigning(tx, s.Account), s.TxnSignature, s.SigningPubKey);
      } catch {
        valid = false;
      }
    }
    if (!valid) return `Invalid signature on account ${s.Account}.`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// helpers

function u32(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

function dropsOf(v: unknown): bigint | undefined {
  if (typeof v !== 'string' || !/^-?\d+$/.test(v)) return undefined;
  return BigInt(v);
}

export function reserveFor(env: EngineEnv, ownerCount: number): bigint {
  return env.reserveBase + BigInt(ownerCount) * env.reserveInc;
}

/** A transaction's SeqProxy: a Sequence, or a Ticket when Sequence is 0 and TicketSequence is set. */
export function seqProxyOf(tx: TxJson): { kind: 'seq' | 'ticket'; value: number } {
  const seq = u32(tx.Sequence) ?? 0;
  const ticket = u32(tx.TicketSequence);
  if (seq === 0 && ticket !== undefined) return { kind: 'ticket', value: ticket };
  return { kind: 'seq', value: seq };
}

function signedWithMaster(tx: TxJson): boolean {
  const spk = tx.SigningPubKey;
  if (!isValidPublicKey(spk)) return false;
  return deriveAddress(spk) === tx.Account;
}

/** Transactor::calculateBaseFee (before load scaling). */
export function baseFeeFor(state: LedgerState, tx: TxJson, env: EngineEnv): bigint {
  if (tx.TransactionType === 'SetRegularKey') {
    const acct = state.account(tx.Account as string);
    // The first SetRegularKey signed with the master key is free (lsfPasswordSpent).
    if (acct && signedWithMaster(tx) && (acct.Flags & lsfPasswordSpent) === 0) return 0n;
  }
  const signerCount = signersOf(tx)?.length ?? 0;
  return env.baseFee + BigInt(signerCount) * env.baseFee;
}

/** The fee the open ledger requires: base fee x load factor (rounded up). */
export function scaledFee(base: bigint, loadFactor: number): bigint {
  if (loadFactor === 1) return base;
  return BigInt(Math.ceil(Number(base) * loadFactor));
}

// ---------------------------------------------------------------------------------------------
// preflight

function preflight(tx: TxJson, env: EngineEnv): string {
  // preflight0: NetworkID
  const txNid = u32(tx.NetworkID);
  if (env.networkId <= 1024) {
    if (txNid !== undefined) return 'telNETWORK_ID_MAKES_TX_NON_CANONICAL';
  } else {
    if (txNid === undefined) return 'telREQUIRES_NETWORK_ID';
    if (txNid !== env.networkId) return 'telWRONG_NETWORK';
  }
  // preflight1
  if (!isValidAddress(tx.Account) || accountIdHex(tx.Account) === '0'.repeat(40)) {
    return 'temBAD_SRC_ACCOUNT';
  }
  const fee = dropsOf(tx.Fee);
  if (fee === undefined || fee < 0n || fee > 100_000_000_000_000_000n) return 'temBAD_FEE';
  const spk = tx.SigningPubKey as string;
  if (spk.length > 0 && !isValidPublicKey(spk)) return 'temBAD_SIGNATURE';
  if (seqProxyOf(tx).kind === 'ticket' && tx.AccountTxnID !== undefined) return 'temINVALID';
  const flags = u32(tx.Flags) ?? 0;
  if ((flags & tfInnerBatchTxn) !== 0) return 'temINVALID_FLAG';

  switch (tx.TransactionType) {
    case 'Payment':
      return preflightPayment(tx, flags);
    case 'AccountSet':
      return preflightAccountSet(tx, flags);
    case 'SetRegularKey':
      if ((flags & ~tfUniversal) !== 0) return 'temINVALID_FLAG';
      if (tx.RegularKey !== undefined && tx.RegularKey === tx.Account) return 'temBAD_REGKEY';
      return 'tesSUCCESS';
    case 'SignerListSet':
      return preflightSignerListSet(tx, flags);
    case 'TicketCreate': {
      if ((flags & ~tfUniversal) !== 0) return 'temINVALID_FLAG';
      const count = u32(tx.TicketCount) ?? 0;
      if (count < 1 || count > MAX_TICKETS) return 'temINVALID_COUNT';
      return 'tesSUCCESS';
    }
    default:
      return 'temUNKNOWN';
  }
}

function preflightPayment(tx: TxJson, flags: number): string {
  const mask = tfUniversal | tfNoRippleDirect | tfPartialPayment | tfLimitQuality;
  if ((flags & ~mask) !== 0) return 'temINVALID_FLAG';
  const amount = tx.Amount;
  if (typeof amount !== 'string') {
    // Issued currencies / MPTs are not modelled by the sandbox.
    return amount === undefined ? 'temBAD_AMOUNT' : 'temBAD_CURRENCY';
  }
  const drops = dropsOf(amount);
  if (drops === undefined || drops > 100_000_000_000_000_000n) return 'temBAD_AMOUNT';
  if (tx.Destination === undefined) return 'temDST_NEEDED';
  if (tx.SendMax !== undefined && typeof tx.SendMax !== 'string') return 'temBAD_CURRENCY';
  if (tx.SendMax !== undefined && (dropsOf(tx.SendMax) ?? 0n) <= 0n) return 'temBAD_AMOUNT';
  if (drops <= 0n) return 'temBAD_AMOUNT';
  const hasPaths = Array.isArray(tx.Paths) && tx.Paths.length > 0;
  if (tx.Account === tx.Destination && !hasPaths) return 'temREDUNDANT';
  if (tx.SendMax !== undefined) return 'temBAD_SEND_XRP_MAX';
  if (hasPaths) return 'temBAD_SEND_XRP_PATHS';
  if ((flags & tfPartialPayment) !== 0) return 'temBAD_SEND_XRP_PARTIAL';
  if ((flags & tfLimitQuality) !== 0) return 'temBAD_SEND_XRP_LIMIT';
  if ((flags & tfNoRippleDirect) !== 0) return 'temBAD_SEND_XRP_NO_DIRECT';
  return 'tesSUCCESS';
}

function preflightAccountSet(tx: TxJson, flags: number): string {
  const mask =
    tfUniversal |
    tfRequireDestTag |
    tfOptionalDestTag |
    tfRequireAuth |
    tfOptionalAuth |
    tfDisallowXRP |
    tfAllowXRP;
  if ((flags & ~mask) !== 0) return 'temINVALID_FLAG';
  const set = u32(tx.SetFlag);
  const clear = u32(tx.ClearFlag);
  if (set !== undefined && set === clear) return 'temINVALID_FLAG';
  if ((flags & tfRequireDestTag) !== 0 && (flags & tfOptionalDestTag) !== 0) return 'temINVALID_FLAG';
  if ((flags & tfRequireAuth) !== 0 && (flags & tfOptionalAuth) !== 0) return 'temINVALID_FLAG';
  if ((flags & tfDisallowXRP) !== 0 && (flags & tfAllowXRP) !== 0) return 'temINVALID_FLAG';
  if (typeof tx.Domain === 'string' && tx.Domain.length / 2 > 256) return 'telBAD_DOMAIN';
  return 'tesSUCCESS';
}

function preflightSignerListSet(tx: TxJson, flags: number): string {
  if ((flags & ~tfUniversal) !== 0) return 'temINVALID_FLAG';
  const quorum = u32(tx.SignerQuorum) ?? 0;
  const entries = Array.isArray(tx.SignerEntries) ? (tx.SignerEntries as SignerEntryJson[]) : undefined;
  if (quorum === 0 && entries === undefined) return 'tesSUCCESS'; // destroy
  // SetSignerList::determineOperation: neither "set" (quorum + entries) nor "destroy".
  if (quorum === 0 || entries === undefined) return 'temMALFORMED';
  if (entries.length < 1 || entries.length > MAX_SIGNER_ENTRIES) return 'temMALFORMED';
  const sorted = [...entries].sort((a, b) =>
    compareHex(accountIdHex(a.SignerEntry.Account), accountIdHex(b.SignerEntry.Account)),
  );
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]?.SignerEntry.Account === sorted[i - 1]?.SignerEntry.Account) return 'temBAD_SIGNER';
  }
  let total = 0;
  for (const { SignerEntry: e } of sorted) {
    if (!(e.SignerWeight > 0)) return 'temBAD_WEIGHT';
    total += e.SignerWeight;
    if (e.Account === tx.Account) return 'temBAD_SIGNER';
  }
  if (quorum <= 0 || total < quorum) return 'temBAD_QUORUM';
  return 'tesSUCCESS';
}

function compareHex(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// preclaim

function checkSeqProxy(state: LedgerState, tx: TxJson): string {
  const acct = state.account(tx.Account as string);
  if (!acct) return 'terNO_ACCOUNT';
  const sp = seqProxyOf(tx);
  if (sp.kind === 'seq') {
    // Transactor::checkSeqProxy: a non-zero Sequence together with a TicketSequence
    if (tx.TicketSequence !== undefined) return 'temSEQ_AND_TICKET';
    if (acct.Sequence < sp.value) return 'terPRE_SEQ';
    if (acct.Sequence > sp.value) return 'tefPAST_SEQ';
  } else {
    if (acct.Sequence <= sp.value) return 'terPRE_TICKET';
    if (!state.ticket(acct.Account, sp.value)) return 'tefNO_TICKET';
  }
  return 'tesSUCCESS';
}

function checkSingleSign(acct: AccountRoot, spk: string): string {
  const signer = deriveAddress(spk);
  const masterDisabled = (acct.Flags & lsfDisableMaster) !== 0;
  if (acct.RegularKey !== undefined && acct.RegularKey === signer) return 'tesSUCCESS';
  if (!masterDisabled && signer === acct.Account) return 'tesSUCCESS';
  if (masterDisabled && signer === acct.Account) return 'tefMASTER_DISABLED';
  return 'tefBAD_AUTH';
}

/** Transactor::checkMultiSign. */
function checkMultiSign(state: LedgerState, tx: TxJson): string {
  const list = state.signerList(tx.Account as string);
  if (!list) return 'tefNOT_MULTI_SIGNING';
  const weights = new Map<string, number>();
  for (const { SignerEntry: e } of list.SignerEntries) weights.set(e.Account, e.SignerWeight);
  let weightSum = 0;
  for (const { Signer: s } of signersOf(tx) ?? []) {
    const weight = weights.get(s.Account);
    if (weight === undefined) return 'tefBAD_SIGNATURE';
    if (!isValidPublicKey(s.SigningPubKey)) return 'tefBAD_SIGNATURE';
    const fromKey = deriveAddress(s.SigningPubKey);
    const signerRoot = state.account(s.Account);
    if (fromKey === s.Account) {
      // Phantom (unfunded) signers pass; a funded one must not have disabled its master key.
      if (signerRoot && (signerRoot.Flags & lsfDisableMaster) !== 0) return 'tefMASTER_DISABLED';
    } else {
      if (!signerRoot) return 'tefBAD_SIGNATURE';
      if (signerRoot.RegularKey === undefined) return 'tefBAD_SIGNATURE';
      if (signerRoot.RegularKey !== fromKey) return 'tefBAD_SIGNATURE';
    }
    weightSum += weight;
  }
  if (weightSum < list.SignerQuorum) return 'tefBAD_QUORUM';
  return 'tesSUCCESS';
}

function preclaim(state: LedgerState, tx: TxJson, hash: string, env: EngineEnv): string {
  const seqResult = checkSeqProxy(state, tx);
  if (seqResult !== 'tesSUCCESS') return seqResult;
  // checkPriorTxAndLastLedger
  const lls = u32(tx.LastLedgerSequence);
  if (lls !== undefined && env.ledgerIndex > lls) return 'tefMAX_LEDGER';
  if (env.txInLedger(hash)) return 'tefALREADY';
  // checkFee
  const acct = state.account(tx.Account as string) as AccountRoot;
  const fee = dropsOf(tx.Fee) ?? 0n;
  if (env.open) {
    const due = scaledFee(baseFeeFor(state, tx, env), env.loadFactor);
    if (fee < due) return 'telINSUF_FEE_P';
  }
  if (fee > 0n) {
    const balance = BigInt(acct.Balance);
    if (balance < fee) {
      if (balance > 0n && !env.open) return 'tecINSUFF_FEE';
      return 'terINSUF_FEE_B';
    }
  }
  // checkSign
  const spk = tx.SigningPubKey as string;
  const signResult = spk.length === 0 ? checkMultiSign(state, tx) : checkSingleSign(acct, spk);
  if (signResult !== 'tesSUCCESS') return signResult;

  switch (tx.TransactionType) {
    case 'Payment': {
      const dst = state.account(tx.Destination as string);
      const amount = BigInt(tx.Amount as string);
      if (!dst) {
        if (amount < reserveFor(env, 0)) return 'tecNO_DST_INSUF_XRP';
      } else if ((dst.Flags & lsfRequireDestTag) !== 0 && tx.DestinationTag === undefined) {
        return 'tecDST_TAG_NEEDED';
      }
      return 'tesSUCCESS';
    }
    case 'TicketCreate': {
      const current = acct.TicketCount ?? 0;
      const consumed = seqProxyOf(tx).kind === 'ticket' ? 1 : 0;
      if (current + (tx.TicketCount as number) - consumed > MAX_TICKETS) return 'tecDIR_FULL';
      return 'tesSUCCESS';
    }
    default:
      return 'tesSUCCESS';
  }
}

// ---------------------------------------------------------------------------------------------
// apply

interface ApplyCtx {
  state: LedgerState;
  tx: TxJson;
  env: EngineEnv;
  /** Balance before the fee was taken (rippled's mPriorBalance). */
  priorBalance: bigint;
  fee: bigint;
  delivered?: bigint;
}

function withAccount(state: LedgerState, address: string, patch: Partial<AccountRoot>): AccountRoot {
  const cur = state.account(address) as AccountRoot;
  const next = { ...cur, ...patch } as AccountRoot;
  for (const k of Object.keys(patch)) {
    if ((patch as Record<string, unknown>)[k] === undefined) delete (next as Record<string, unknown>)[k];
  }
  state.set(next);
  return next;
}

function consumeSeqProxyAndFee(state: LedgerState, tx: TxJson, fee: bigint): void {
  const address = tx.Account as string;
  const acct = state.account(address) as AccountRoot;
  const sp = seqProxyOf(tx);
  const balance = BigInt(acct.Balance);
  const paid = fee > balance ? balance : fee;
  if (sp.kind === 'seq') {
    withAccount(state, address, { Sequence: acct.Sequence + 1, Balance: (balance - paid).toString() });
  } else {
    state.delete(keylet.ticket(address, sp.value));
    const tickets = (acct.TicketCount ?? 1) - 1;
    withAccount(state, address, {
      OwnerCount: acct.OwnerCount - 1,
      TicketCount: tickets > 0 ? tickets : undefined,
      Balance: (balance - paid).toString(),
    });
  }
}

function doApply(ctx: ApplyCtx): string {
  switch (ctx.tx.TransactionType) {
    case 'Payment':
      return applyPayment(ctx);
    case 'AccountSet':
      return applyAccountSet(ctx);
    case 'SetRegularKey':
      return applySetRegularKey(ctx);
    case 'SignerListSet':
      return applySignerListSet(ctx);
    case 'TicketCreate':
      return applyTicketCreate(ctx);
    default:
      return 'temUNKNOWN';
  }
}

function applyPayment(ctx: ApplyCtx): string {
  const { state, tx, env } = ctx;
  const src = state.account(tx.Account as string) as AccountRoot;
  const amount = BigInt(tx.Amount as string);
  const reserve = reserveFor(env, src.OwnerCount);
  const mmm = reserve > ctx.fee ? reserve : ctx.fee;
  if (ctx.priorBalance < amount + mmm) return 'tecUNFUNDED_PAYMENT';
  const dstAddress = tx.Destination as string;
  let dst = state.account(dstAddress);
  if (dst && (dst.Flags & lsfDepositAuth) !== 0) {
    // DepositAuth without preauthorization: only tiny top-ups of an account at/below the base reserve.
    if (!(amount <= env.reserveBase && BigInt(dst.Balance) <= env.reserveBase)) return 'tecNO_PERMISSION';
  }
  if (!dst) {
    dst = {
      LedgerEntryType: 'AccountRoot',
      index: keylet.account(dstAddress),
      Account: dstAddress,
      Balance: '0',
      Flags: 0,
      OwnerCount: 0,
      Sequence: env.ledgerIndex,
      PreviousTxnID: '',
      PreviousTxnLgrSeq: 0,
    };
    state.set(dst);
  }
  withAccount(state, src.Account, { Balance: (BigInt(src.Balance) - amount).toString() });
  const d = state.account(dstAddress) as AccountRoot;
  withAccount(state, dstAddress, {
    Balance: (BigInt(d.Balance) + amount).toString(),
    Flags: d.Flags & ~lsfPasswordSpent,
  });
  ctx.delivered = amount;
  return 'tesSUCCESS';
}

function applyAccountSet(ctx: ApplyCtx): string {
  const { state, tx } = ctx;
  const acct = state.account(tx.Account as string) as AccountRoot;
  const txFlags = u32(tx.Flags) ?? 0;
  const set = u32(tx.SetFlag);
  const clear = u32(tx.ClearFlag);
  let flags = acct.Flags;
  if (set === asfDisableMaster && (flags & lsfDisableMaster) === 0) {
    if (!signedWithMaster(tx)) return 'tecNEED_MASTER_KEY';
    if (acct.RegularKey === undefined && !state.signerList(acct.Account)) return 'tecNO_ALTERNATIVE_KEY';
  }
  if ((txFlags & tfRequireDestTag) !== 0) flags |= lsfRequireDestTag;
  if ((txFlags & tfOptionalDestTag) !== 0) flags &= ~lsfRequireDestTag;
  if ((txFlags & tfRequireAuth) !== 0) flags |= lsfRequireAuth;
  if ((txFlags & tfOptionalAuth) !== 0) flags &= ~lsfRequireAuth;
  if ((txFlags & tfDisallowXRP) !== 0) flags |= lsfDisallowXRP;
  if ((txFlags & tfAllowXRP) !== 0) flags &= ~lsfDisallowXRP;
  if (set !== undefined) {
    const lsf = ACCOUNT_SET_FLAGS[set];
    if (lsf !== undefined) flags |= lsf;
  }
  if (clear !== undefined && clear !== asfNoFreeze) {
    const lsf = ACCOUNT_SET_FLAGS[clear];
    if (lsf !== undefined) flags &= ~lsf;
  }
  const patch: Partial<AccountRoot> = { Flags: flags >>> 0 };
  if (typeof tx.Domain === 'string') {
    (patch as Record<string, unknown>).Domain = tx.Domain.length > 0 ? tx.Domain : undefined;
  }
  if (typeof tx.EmailHash === 'string') {
    (patch as Record<string, unknown>).EmailHash = /^0+$/.test(tx.EmailHash) ? undefined : tx.EmailHash;
  }
  withAccount(state, acct.Account, patch);
  return 'tesSUCCESS';
}

function applySetRegularKey(ctx: ApplyCtx): string {
  const { state, tx, env } = ctx;
  const acct = state.account(tx.Account as string) as AccountRoot;
  let flags = acct.Flags;
  if (baseFeeFor(state, tx, env) === 0n) flags |= lsfPasswordSpent;
  if (typeof tx.RegularKey === 'string') {
    withAccount(state, acct.Account, { Flags: flags >>> 0, RegularKey: tx.RegularKey });
  } else {
    if ((acct.Flags & lsfDisableMaster) !== 0 && !state.signerList(acct.Account)) {
      return 'tecNO_ALTERNATIVE_KEY';
    }
    withAccount(state, acct.Account, { Flags: flags >>> 0, RegularKey: undefined });
  }
  return 'tesSUCCESS';
}

function applySignerListSet(ctx: ApplyCtx): string {
  const { state, tx, env } = ctx;
  const address = tx.Account as string;
  const quorum = u32(tx.SignerQuorum) ?? 0;
  const existing = state.signerList(address);
  if (quorum === 0) {
    const acct = state.account(address) as AccountRoot;
    if ((acct.Flags & lsfDisableMaster) !== 0 && acct.RegularKey === undefined) {
      return 'tecNO_ALTERNATIVE_KEY';
    }
    if (existing) {
      state.delete(existing.index);
      withAccount(state, address, { OwnerCount: acct.OwnerCount - 1 });
    }
    return 'tesSUCCESS';
  }
  // Replace: remove any old list first (may lower the reserve), then check the reserve.
  if (existing) {
    state.delete(existing.index);
    const a = state.account(address) as AccountRoot;
    withAccount(state, address, { OwnerCount: a.OwnerCount - 1 });
  }
  const acct = state.account(address) as AccountRoot;
  if (ctx.priorBalance < reserveFor(env, acct.OwnerCount + 1)) return 'tecINSUFFICIENT_RESERVE';
  const entries = [...(tx.SignerEntries as SignerEntryJson[])]
    .sort((a, b) => compareHex(accountIdHex(a.SignerEntry.Account), accountIdHex(b.SignerEntry.Account)))
    .map(({ SignerEntry: e }) => ({
      SignerEntry: {
        Account: e.Account,
        SignerWeight: e.SignerWeight,
        ...(e.WalletLocator !== undefined ? { WalletLocator: e.WalletLocator } : {}),
      },
    }));
  const list: SignerListEntry = {
    LedgerEntryType: 'SignerList',
    index: keylet.signers(address),
    Flags: lsfOneOwnerCount,
    OwnerNode: '0',
    SignerEntries: entries,
    SignerListID: 0,
    SignerQuorum: quorum,
    PreviousTxnID: '',
    PreviousTxnLgrSeq: 0,
  };
  state.set(list);
  withAccount(state, address, { OwnerCount: acct.OwnerCount + 1 });
  return 'tesSUCCESS';
}

function applyTicketCreate(ctx: ApplyCtx): string {
  const { state, tx, env } = ctx;
  const address = tx.Account as string;
  const acct = state.account(address) as AccountRoot;
  const count = tx.TicketCount as number;
  if (ctx.priorBalance < reserveFor(env, acct.OwnerCount + count)) return 'tecINSUFFICIENT_RESERVE';
  const first = acct.Sequence;
  for (let i = 0; i < count; i++) {
    const ticket: TicketEntry = {
      LedgerEntryType: 'Ticket',
      index: keylet.ticket(address, first + i),
      Account: address,
      Flags: 0,
      OwnerNode: '0',
      TicketSequence: first + i,
      PreviousTxnID: '',
      PreviousTxnLgrSeq: 0,
    };
    state.set(ticket);
  }
  withAccount(state, address, {
    TicketCount: (acct.TicketCount ?? 0) + count,
    OwnerCount: acct.OwnerCount + count,
    Sequence: first + count,
  });
  return 'tesSUCCESS';
}

// ---------------------------------------------------------------------------------------------
// metadata

const NON_FIELDS = new Set(['LedgerEntryType', 'index', 'PreviousTxnID', 'PreviousTxnLgrSeq']);

function fieldsOf(entry: LedgerEntry, includeThreading = false): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entry)) {
    if (k === 'LedgerEntryType' || k === 'index') continue;
    if (!includeThreading && NON_FIELDS.has(k)) continue;
    if (includeThreading && (k === 'PreviousTxnID' || k === 'PreviousTxnLgrSeq') && !v) continue;
    out[k] = v;
  }
  return out;
}

function isDefault(v: unknown): boolean {
  return v === 0 || v === '0' || v === '' || v === undefined;
}

function same(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** Diffs two state maps into AffectedNodes and threads PreviousTxnID/PreviousTxnLgrSeq. */
function buildAffectedNodes(
  before: Map<string, LedgerEntry>,
  state: LedgerState,
  hash: string,
  ledgerIndex: number,
): AffectedNode[] {
  const after = state.snapshot();
  const keys = new Set<string>([...before.keys(), ...after.keys()]);
  const nodes: Array<{ key: string; node: AffectedNode }> = [];
  for (const key of keys) {
    const b = before.get(key);
    const a = after.get(key);
    if (a === b) continue;
    if (!b && a) {
      const NewFields: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(fieldsOf(a))) if (!isDefault(v)) NewFields[k] = v;
      nodes.push({
        key,
        node: { CreatedNode: { LedgerEntryType: a.LedgerEntryType, LedgerIndex: key, NewFields } },
      });
      state.set({ ...a, PreviousTxnID: hash, PreviousTxnLgrSeq: ledgerIndex });
    } else if (b && !a) {
      nodes.push({
        key,
        node: {
          DeletedNode: {
            FinalFields: fieldsOf(b, true),
            LedgerEntryType: b.LedgerEntryType,
            LedgerIndex: key,
          },
        },
      });
    } else if (a && b) {
      const fa = fieldsOf(a);
      const fb = fieldsOf(b);
      const PreviousFields: Record<string, unknown> = {};
      for (const k of new Set([...Object.keys(fa), ...Object.keys(fb)])) {
        if (!same(fa[k], fb[k]) && fb[k] !== undefined) PreviousFields[k] = fb[k];
      }
      const changed = [...new Set([...Object.keys(fa), ...Object.keys(fb)])].some((k) => !same(fa[k], fb[k]));
      if (!changed) continue;
      const node: Record<string, unknown> = {
        FinalFields: fa,
        LedgerEntryType: a.LedgerEntryType,
        LedgerIndex: key,
      };
      if (Object.keys(PreviousFields).length > 0) node.PreviousFields = PreviousFields;
      if (b.PreviousTxnID) {
        node.PreviousTxnID = b.PreviousTxnID;
        node.PreviousTxnLgrSeq = b.PreviousTxnLgrSeq;
      }
      nodes.push({ key, node: { ModifiedNode: node } });
      state.set({ ...a, PreviousTxnID: hash, PreviousTxnLgrSeq: ledgerIndex });
    }
  }
  return nodes.sort((x, y) => compareHex(x.key, y.key)).map((n) => n.node);
}

/**
 * Applies one transaction (already past local checks) to `state`. On tes/tec the state is
 * changed and metadata is returned; otherwise the state is untouched.
 */
export function applyTransaction(
  state: LedgerState,
  tx: TxJson,
  hash: string,
  env: EngineEnv,
  transactionIndex: number,
): ApplyResult {
  const pf = preflight(tx, env);
  if (pf !== 'tesSUCCESS') return { result: pf, applied: false };
  let result = preclaim(state, tx, hash, env);
  const cls = terClass(result);
  if (cls !== 'tes' && cls !== 'tec') return { result, applied: false };

  const before = state.snapshot();
  const acct = state.account(tx.Account as string) as AccountRoot;
  const priorBalance = BigInt(acct.Balance);
  const fee = dropsOf(tx.Fee) ?? 0n;
  consumeSeqProxyAndFee(state, tx, fee);
  const ctx: ApplyCtx = { state, tx, env, priorBalance, fee };
  if (result === 'tesSUCCESS') result = doApply(ctx);
  if (terClass(result) !== 'tes') {
    // tec: discard the transaction's effects, keep the fee and the consumed Sequence/Ticket.
    state.restore(before);
    consumeSeqProxyAndFee(state, tx, fee);
    ctx.delivered = undefined;
  }
  const meta: TxMeta = {
    AffectedNodes: buildAffectedNodes(before, state, hash, env.ledgerIndex),
    TransactionIndex: transactionIndex,
    TransactionResult: result,
  };
  if (tx.TransactionType === 'Payment' && result === 'tesSUCCESS' && ctx.delivered !== undefined) {
    meta.delivered_amount = ctx.delivered.toString();
  }
  return { result, applied: true, meta };
}

/** Accounts a transaction touches (for account streams and account_tx). */
export function affectedAccounts(tx: TxJson, meta: TxMeta | undefined): Set<string> {
  const out = new Set<string>();
  if (typeof tx.Account === 'string') out.add(tx.Account);
  if (typeof tx.Destination === 'string') out.add(tx.Destination);
  for (const n of meta?.AffectedNodes ?? []) {
    const inner = n.CreatedNode ?? n.ModifiedNode ?? n.DeletedNode;
    const fields = (inner?.FinalFields ?? inner?.NewFields) as Record<string, unknown> | undefined;
    // TxMeta::getAffectedAccounts: every AccountID field of the node (not inner arrays)
    for (const f of ['Account', 'Destination', 'RegularKey', 'Owner']) {
      if (typeof fields?.[f] === 'string') out.add(fields[f]);
    }
  }
  return out;
}

/** Which signers of a multisigned tx could be dropped while still meeting the quorum. */
export function alternateSignerSubset(state: LedgerState, tx: TxJson): TxJson | undefined {
  const signers = signersOf(tx);
  if (!signers || signers.length < 2) return undefined;
  const list = state.signerList(tx.Account as string);
  if (!list) return undefined;
  const weights = new Map<string, number>();
  for (const { SignerEntry: e } of list.SignerEntries) weights.set(e.Account, e.SignerWeight);
  const total = signers.reduce((s, x) => s + (weights.get(x.Signer.Account) ?? 0), 0);
  for (let i = 0; i < signers.length; i++) {
    const w = weights.get((signers[i] as SignerJson).Signer.Account) ?? 0;
    if (total - w >= list.SignerQuorum) {
      return { ...tx, Signers: signers.filter((_, j) => j !== i) };
    }
  }
  return undefined;
}
