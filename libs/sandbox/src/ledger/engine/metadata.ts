/** Transaction metadata: AffectedNodes from a before/after diff of the state, affected accounts. */
import type { LedgerEntry, LedgerState } from '../state';
import { compareHex } from './tx-fields';
import type { AffectedNode, TxJson, TxMeta } from './types';

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
export function buildAffectedNodes(
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
