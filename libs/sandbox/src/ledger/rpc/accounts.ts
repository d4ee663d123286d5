/** RPC: account_info, account_objects, account_tx. */
import type { Chain } from '../chain';
import {
  lsfDefaultRipple,
  lsfDepositAuth,
  lsfDisableMaster,
  lsfDisallowXRP,
  lsfGlobalFreeze,
  lsfNoFreeze,
  lsfPasswordSpent,
  lsfRequireAuth,
  lsfRequireDestTag,
} from '../constants';
import { KNOWN_OBJECT_TYPES, RpcError, stateOf } from '../rpc-support';
import { isValidAddress } from '../state';
import type { ClosedLedger, StoredTx } from '../types';
import { ledgerFields } from './ledgers';

export function requireAccount(chain: Chain, req: Record<string, unknown>, field = 'account'): string {
  const a = req[field];
  if (a === undefined) throw new RpcError('invalidParams', `Missing field '${field}'.`);
  if (!isValidAddress(a)) throw new RpcError('actMalformed');
  return a;
}

export function accountInfo(chain: Chain, req: Record<string, unknown>): unknown {
  const address = requireAccount(chain, req);
  const which = chain.resolveLedger(req, 'current');
  const state = which === 'current' ? chain.openState : stateOf(which);
  const acct = state.account(address);
  if (!acct)
    throw new RpcError('actNotFound', undefined, { account: address, ...ledgerFields(chain, which) });
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
  return { ...result, ...ledgerFields(chain, which) };
}

export function accountObjects(chain: Chain, req: Record<string, unknown>): unknown {
  const address = requireAccount(chain, req);
  const which = chain.resolveLedger(req, 'validated');
  const state = which === 'current' ? chain.openState : stateOf(which);
  if (!state.account(address)) throw new RpcError('actNotFound', undefined, { account: address });
  const typeMap: Record<string, string> = {
    ticket: 'Ticket',
    signer_list: 'SignerList',
    delegate: 'Delegate',
  };
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
    ...ledgerFields(chain, which),
    ...(next ? { limit, marker: next.index } : {}),
  };
}

export function accountTx(chain: Chain, req: Record<string, unknown>): unknown {
  const address = requireAccount(chain, req);
  const first = (chain.ledgers[0] as ClosedLedger).index;
  let lo =
    typeof req.ledger_index_min === 'number' && req.ledger_index_min >= 0 ? req.ledger_index_min : first;
  let hi =
    typeof req.ledger_index_max === 'number' && req.ledger_index_max >= 0
      ? req.ledger_index_max
      : chain.validatedIndex;
  if (req.ledger_index !== undefined || req.ledger_hash !== undefined) {
    const l = chain.resolveLedger(req, 'validated');
    if (l === 'current') throw new RpcError('invalidParams', 'ledgerIndexMalformed');
    lo = hi = l.index;
  }
  if (lo > hi) throw new RpcError('invalidLgrRange', 'Ledger indexes invalid.');
  hi = Math.min(hi, chain.validatedIndex);
  const forward = req.forward === true;
  let list = (chain.accountTxs.get(address) ?? [])
    .map((h) => chain.txs.get(h) as StoredTx)
    .filter((s) => s.ledgerIndex >= lo && s.ledgerIndex <= hi && !chain.missing.has(s.ledgerIndex));
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
      const j = chain.txResultJson(s);
      delete j.ctid;
      return j;
    }),
    validated: true,
    ...(next ? { marker: { ledger: next.ledgerIndex, seq: next.meta.TransactionIndex } } : {}),
  };
}
