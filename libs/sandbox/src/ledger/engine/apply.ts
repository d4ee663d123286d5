/** Applying one transaction: preflight -> preclaim -> doApply, in rippled's order (Transactor.cpp). */
import { terClass } from '../constants';
import type { AccountRoot, LedgerState } from '../state';
import { consumeSeqProxyAndFee, doApply } from './appliers';
import { buildAffectedNodes } from './metadata';
import { preclaim } from './preclaim';
import { preflight } from './preflight';
import { dropsOf } from './tx-fields';
import type { ApplyCtx, ApplyResult, EngineEnv, TxJson, TxMeta } from './types';

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
