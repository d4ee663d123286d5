/**
 * The transaction engine of the ledger sandbox: rippled's local checks (STTx::checkSign /
 * multiSignHelper), then preflight -> preclaim -> doApply (Transactor.cpp and the per-type
 * transactors), in rippled's order and with rippled's result codes. Pure functions over a
 * LedgerState; the server decides what is an open ledger and what is a closed one.
 *
 * The parts, in the order a transaction meets them: `tx-fields.ts` (ID, deserialization, common
 * fields), `local-checks.ts` (signatures on their own), `preflight.ts`, `preclaim.ts` with
 * `signatures.ts` (who may sign, quorum) and `fees.ts`, `appliers.ts` (doApply per transaction
 * type), `metadata.ts` (AffectedNodes), and `apply.ts` that runs them in order.
 */
export type { AffectedNode, ApplyResult, EngineEnv, SignerJson, TxJson, TxMeta } from './types';
export { decodeBlob, isValidPublicKey, seqProxyOf, txHash, type DecodeResult } from './tx-fields';
export { localChecks } from './local-checks';
export { baseFeeFor, reserveFor, scaledFee } from './fees';
export { alternateSignerSubset } from './signatures';
export { affectedAccounts } from './metadata';
export { applyTransaction } from './apply';
