/** RPC: ledger (and the ledger fields other answers share). */
import type { Chain } from '../chain';
import { humanFromRippleTime, isoFromRippleTime, txJsonV2 } from '../rpc-support';
import type { ClosedLedger, StoredTx } from '../types';

export function ledgerCmd(chain: Chain, req: Record<string, unknown>): unknown {
  const which = chain.resolveLedger(req, 'current');
  if (which === 'current') {
    const parent = chain.lastClosed();
    return {
      ledger: {
        closed: false,
        ledger_index: chain.currentLedgerIndex(),
        parent_hash: parent.hash,
        ...(req.transactions === true ? { transactions: chain.openTxs.map((p) => p.hash) } : {}),
      },
      ledger_current_index: chain.currentLedgerIndex(),
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
            const s = chain.txs.get(h) as StoredTx;
            return {
              hash: h,
              tx_json: txJsonV2(s.tx),
              meta: s.meta,
              validated: l.index <= chain.validatedIndex,
            };
          })
        : [...l.txHashes];
  }
  return { ledger, ledger_hash: l.hash, ledger_index: l.index, validated: l.index <= chain.validatedIndex };
}

export function ledgerFields(chain: Chain, which: ClosedLedger | 'current'): Record<string, unknown> {
  if (which === 'current') return { ledger_current_index: chain.currentLedgerIndex(), validated: false };
  return {
    ledger_hash: which.hash,
    ledger_index: which.index,
    validated: which.index <= chain.validatedIndex,
  };
}
