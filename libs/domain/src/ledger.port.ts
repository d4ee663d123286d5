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
  signerList: SignerListFacts | null;
}

export interface NetworkFacts {
  networkId: number | null;
  baseFeeDrops: number;
  loadFactor: number;
  validatedLedgerIndex: number;
  completeLedgers: string;
}

export interface SubmitOutcome {
  /** engine_result (tesSUCCESS, terQUEUED, tefPAST_SEQ...) or the RPC error (invalidTransaction). */
  result: string;
  message: string;
  /** RPC-level refusal (local checks failed); never applied. */
  rpcError: boolean;
  accepted: boolean;
  kept: boolean;
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
export interface LedgerPort {
  network(): Promise<NetworkFacts>;
  validatedLedgerIndex(): Promise<number>;
  accountFacts(address: string): Promise<AccountFacts>;
  tickets(address: string): Promise<number[]>;
  submit(blob: string): Promise<SubmitOutcome>;
  transaction(hash: string, range?: { minLedger: number; maxLedger: number }): Promise<TransactionLookup>;
  accountTransactions(address: string, fromLedger: number): Promise<AccountTransaction[]>;
}

export class LedgerUnavailableError extends Error {
  readonly code = 'XRPL_UNAVAILABLE';
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
  }
}
