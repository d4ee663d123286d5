/** RPC: submit_multisigned, tx. */
import { encode } from 'ripple-binary-codec';
import type { Chain } from '../chain';
import { NO_RESPONSE, RpcError, txJsonV2 } from '../rpc-support';
import { accountIdHex, isValidAddress } from '../state';

/**
 * `submit_multisigned` (RPC transactionSubmitMultiSigned): JSON in, Signers sorted by
 * AccountID, then the same path as `submit`. API v2: `hash` at result level.
 */
export function submitMultisigned(chain: Chain, req: Record<string, unknown>): unknown {
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
  if (tx.Signers.length === 0) throw new RpcError('invalidParams', 'tx_json.Signers array may not be empty.');
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
  const r = chain.doSubmit(blob, req.fail_hard === true);
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

export function txCmd(chain: Chain, req: Record<string, unknown>): unknown {
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
  const stored = chain.txs.get(h);
  const s = stored && !chain.missing.has(stored.ledgerIndex) ? stored : undefined;
  if (s) {
    if (req.binary === true) {
      const { delivered_amount: _delivered, ...meta } = s.meta;
      void _delivered;
      const base = chain.txResultJson(s);
      delete base.tx_json;
      delete base.meta;
      return { ...base, tx_blob: s.blob, meta_blob: encode(meta) };
    }
    return chain.txResultJson(s);
  }
  const pending = [...chain.openTxs, ...chain.localTxs.map((l) => l.p)].find((p) => p.hash === h);
  if (pending) return { hash: h, tx_json: txJsonV2(pending.tx), validated: false };
  const extra: Record<string, unknown> = {};
  if (hasRange) extra.searched_all = chain.haveAll(min as number, max as number);
  throw new RpcError('txnNotFound', undefined, extra);
}
