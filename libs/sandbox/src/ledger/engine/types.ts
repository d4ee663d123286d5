/** Shapes the transaction engine works on: decoded transactions, its environment, its results. */
import type { LedgerState } from '../state';

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

/** What a transactor's doApply sees (rippled's ApplyContext, reduced to what the sandbox needs). */
export interface ApplyCtx {
  state: LedgerState;
  tx: TxJson;
  env: EngineEnv;
  /** Balance before the fee was taken (rippled's mPriorBalance). */
  priorBalance: bigint;
  fee: bigint;
  delivered?: bigint;
}
