/**
 * doApply: what each transaction type does to the ledger once it passed preflight and preclaim
 * (the per-type transactors), plus the fee and SeqProxy every applied transaction consumes.
 */
import {
  ACCOUNT_SET_FLAGS,
  asfDisableMaster,
  asfNoFreeze,
  lsfDepositAuth,
  lsfDisableMaster,
  lsfDisallowXRP,
  lsfOneOwnerCount,
  lsfPasswordSpent,
  lsfRequireAuth,
  lsfRequireDestTag,
  tfAllowXRP,
  tfDisallowXRP,
  tfOptionalAuth,
  tfOptionalDestTag,
  tfRequireAuth,
  tfRequireDestTag,
} from '../constants';
import {
  AccountRoot,
  LedgerState,
  SignerEntryJson,
  SignerListEntry,
  TicketEntry,
  accountIdHex,
  keylet,
} from '../state';
import { baseFeeFor, reserveFor, signedWithMaster } from './fees';
import { compareHex, seqProxyOf, u32 } from './tx-fields';
import type { ApplyCtx, TxJson } from './types';

function withAccount(state: LedgerState, address: string, patch: Partial<AccountRoot>): AccountRoot {
  const cur = state.account(address) as AccountRoot;
  const next = { ...cur, ...patch } as AccountRoot;
  for (const k of Object.keys(patch)) {
    if ((patch as Record<string, unknown>)[k] === undefined) delete (next as Record<string, unknown>)[k];
  }
  state.set(next);
  return next;
}

export function consumeSeqProxyAndFee(state: LedgerState, tx: TxJson, fee: bigint): void {
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

export function doApply(ctx: ApplyCtx): string {
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
