/**
 * preflight: the checks of a transaction on its own, before any ledger state is read
 * (preflight0/preflight1 and each transactor's preflight), with rippled's tem/tel codes.
 */
import {
  MAX_SIGNER_ENTRIES,
  MAX_TICKETS,
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
} from '../constants';
import { SignerEntryJson, accountIdHex, isValidAddress } from '../state';
import { compareHex, dropsOf, isValidPublicKey, seqProxyOf, u32 } from './tx-fields';
import type { EngineEnv, TxJson } from './types';

export function preflight(tx: TxJson, env: EngineEnv): string {
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
