import { UpstreamError } from '../errors/domain.error';
import type { DelegateFacts } from '../records';

export interface SignerListFacts {
  quorum: number;
  entries: { account: string; weight: number }[];
}

/** What the service needs to know of an account, read from one validated ledger. */
export interface AccountFacts {
  address: string;
  exists: boolean;
  ledgerIndex: number;
  sequence: number | null;
  balanceDrops: string | null;
  masterDisabled: boolean;
  regularKey: string | null;
  ticketCount: number;
  /** Objects the account owns: each one raises its reserve. */
  ownerCount: number;
  /** lsfRequireDestTag: payments to it need a DestinationTag. */
  requireDestTag: boolean;
  /** lsfDisallowXRP: it asks not to be sent XRP. */
  disallowXRP: boolean;
  signerList: SignerListFacts | null;
}

export interface NetworkFacts {
  networkId: number | null;
  baseFeeDrops: number;
  loadFactor: number;
  validatedLedgerIndex: number;
  completeLedgers: string;
  /** The account reserve and the reserve per owned object, in drops. */
  reserveBaseDrops: number;
  reserveIncDrops: number;
}

export interface SubmitOutcome {
  /** engine_result (tesSUCCESS, terQUEUED, tefPAST_SEQ...) or the RPC error (invalidTransaction). */
  result: string;
  message: string;
  /** RPC-level refusal (local checks failed); never applied. */
  rpcError: boolean;
  accepted: boolean;
  kept: boolean;
  /** The server's latest validated ledger when it answered (rippled's `validated_ledger_index`), if given. */
  validatedLedgerIndex?: number | null;
}

export type TransactionLookup =
  | {
      found: true;
      validated: boolean;
      hash: string;
      ledgerIndex: number | null;
      result: string | null;
      deliveredAmount: unknown;
      tx: Record<string, unknown>;
    }
  | { found: false; searchedAll: boolean };

export interface AccountTransaction {
  hash: string;
  ledgerIndex: number;
  result: string;
  deliveredAmount: unknown;
  tx: Record<string, unknown>;
}

/** The ledger as the domain needs it; implemented by @app/xrpl over xrpl.Client. */
export abstract class LedgerPort {
  abstract network(): Promise<NetworkFacts>;
  abstract validatedLedgerIndex(): Promise<number>;
  abstract accountFacts(address: string): Promise<AccountFacts>;
  abstract tickets(address: string): Promise<number[]>;
  abstract submit(blob: string): Promise<SubmitOutcome>;
  abstract transaction(
    hash: string,
    range?: { minLedger: number; maxLedger: number },
  ): Promise<TransactionLookup>;
  /**
   * Validated transactions that touch the account, from `fromLedger` to `toLedger` (default: the
   * latest validated), oldest first, every page (account_tx marker) read.
   */
  abstract accountTransactions(
    address: string,
    fromLedger: number,
    toLedger?: number,
  ): Promise<AccountTransaction[]>;
  /** The account's Delegate objects (XLS-75), from a validated ledger; none when the account does not exist. */
  abstract delegates(address: string): Promise<DelegateFacts[]>;
}

/** The XRPL server cannot be reached or did not answer: retry later. */
export class LedgerUnavailableError extends UpstreamError {
  constructor(message: string, cause?: unknown) {
    super('XRPL_UNAVAILABLE', 'xrpl', message, true, { cause });
    this.name = 'LedgerUnavailableError';
  }
}

/**
 * The ledgers this deployment serves, one connection per network (`XRPL_URL` and `XRPL_NETWORKS`):
 * implemented in the composition root over one XrplLedgerGateway per network.
 */
export abstract class Ledgers {
  /** The served networks' names, the default network first. */
  abstract names(): string[];
  /** The ledger of a served network, or undefined. */
  abstract find(network: string): LedgerPort | undefined;
}
