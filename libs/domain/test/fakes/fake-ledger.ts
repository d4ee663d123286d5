import { decode } from 'ripple-binary-codec';
import { hashes } from 'xrpl';
import {
  AccountFacts,
  AccountTransaction,
  LedgerPort,
  LedgerUnavailableError,
  Ledgers,
  NetworkFacts,
  SignerListFacts,
  SubmitOutcome,
  TransactionLookup,
} from '../../src/ports/ledger.port';
import { DelegateFacts } from '../../src/records';

export interface LedgerAccount {
  sequence: number;
  balanceDrops: string;
  masterDisabled: boolean;
  regularKey: string | null;
  tickets: number[];
  signerList: SignerListFacts | null;
  ownerCount: number;
  requireDestTag: boolean;
  disallowXRP: boolean;
}

export const outcome = (result: string, overrides: Partial<SubmitOutcome> = {}): SubmitOutcome => ({
  result,
  message: result,
  rpcError: false,
  accepted: result === 'tesSUCCESS' || result === 'terQUEUED' || result.startsWith('tec'),
  kept: !result.startsWith('tem'),
  ...overrides,
});

/**
 * A validated ledger in memory: accounts (Sequence, Tickets, master disabled, RegularKey,
 * SignerList), a validated ledger index that moves only when told, scripted submit results, and a
 * transaction store with account history. `down` makes every call fail as an unreachable server.
 */
export class FakeLedger extends LedgerPort {
  validatedIndex = 1_000;
  networkId: number | null = null;
  baseFeeDrops = 10;
  loadFactor = 1;
  reserveBaseDrops = 1_000_000;
  reserveIncDrops = 200_000;
  down = false;
  readonly accounts = new Map<string, LedgerAccount & { ledgerIndex: number }>();
  /** Every blob submitted, in order. */
  readonly submitted: string[] = [];
  /** Results of the next submissions (an Error: the call fails), first in first out; then `defaultSubmit`. */
  readonly submitResults: (SubmitOutcome | Error)[] = [];
  defaultSubmit: SubmitOutcome = outcome('tesSUCCESS');
  readonly transactions = new Map<string, TransactionLookup>();
  readonly history: (AccountTransaction & { account: string })[] = [];
  /** Delegate objects by the delegating account. */
  readonly delegateObjects = new Map<string, DelegateFacts[]>();
  accountFactsCalls = 0;

  setAccount(address: string, account: Partial<LedgerAccount> = {}): void {
    const previous = this.accounts.get(address);
    this.accounts.set(address, {
      sequence: 1,
      balanceDrops: '100000000',
      masterDisabled: false,
      regularKey: null,
      tickets: [],
      signerList: null,
      ownerCount: 0,
      requireDestTag: false,
      disallowXRP: false,
      ...previous,
      ...account,
      ledgerIndex: this.validatedIndex,
    });
  }

  /** A change on ledger: it shows from the next validated ledger on. */
  change(address: string, account: Partial<LedgerAccount>): void {
    this.validatedIndex++;
    this.setAccount(address, account);
  }

  removeAccount(address: string): void {
    this.accounts.delete(address);
  }

  closeLedgers(count = 1): number {
    this.validatedIndex += count;
    return this.validatedIndex;
  }

  async network(): Promise<NetworkFacts> {
    this.checkUp();
    return {
      networkId: this.networkId,
      baseFeeDrops: this.baseFeeDrops,
      loadFactor: this.loadFactor,
      validatedLedgerIndex: this.validatedIndex,
      completeLedgers: `1-${this.validatedIndex}`,
      reserveBaseDrops: this.reserveBaseDrops,
      reserveIncDrops: this.reserveIncDrops,
    };
  }

  async validatedLedgerIndex(): Promise<number> {
    this.checkUp();
    return this.validatedIndex;
  }

  async accountFacts(address: string): Promise<AccountFacts> {
    this.checkUp();
    this.accountFactsCalls++;
    const account = this.accounts.get(address);
    if (!account) {
      return {
        address,
        exists: false,
        ledgerIndex: this.validatedIndex,
        sequence: null,
        balanceDrops: null,
        masterDisabled: false,
        regularKey: null,
        ticketCount: 0,
        ownerCount: 0,
        requireDestTag: false,
        disallowXRP: false,
        signerList: null,
      };
    }
    return {
      address,
      exists: true,
      ledgerIndex: this.validatedIndex,
      sequence: account.sequence,
      balanceDrops: account.balanceDrops,
      masterDisabled: account.masterDisabled,
      regularKey: account.regularKey,
      ticketCount: account.tickets.length,
      ownerCount: account.ownerCount,
      requireDestTag: account.requireDestTag,
      disallowXRP: account.disallowXRP,
      signerList: account.signerList ? structuredClone(account.signerList) : null,
    };
  }

  async delegates(address: string): Promise<DelegateFacts[]> {
    this.checkUp();
    return structuredClone(this.delegateObjects.get(address) ?? []);
  }

  async tickets(address: string): Promise<number[]> {
    this.checkUp();
    return [...(this.accounts.get(address)?.tickets ?? [])];
  }

  async submit(blob: string): Promise<SubmitOutcome> {
    this.checkUp();
    this.submitted.push(blob);
    const scripted = this.submitResults.shift();
    if (scripted instanceof Error) throw scripted;
    return scripted ?? this.defaultSubmit;
  }

  async transaction(hash: string): Promise<TransactionLookup> {
    this.checkUp();
    return structuredClone(this.transactions.get(hash) ?? { found: false, searchedAll: true });
  }

  async accountTransactions(
    address: string,
    fromLedger: number,
    toLedger = Number.MAX_SAFE_INTEGER,
  ): Promise<AccountTransaction[]> {
    this.checkUp();
    return this.history
      .filter((t) => t.account === address && t.ledgerIndex >= fromLedger && t.ledgerIndex <= toLedger)
      .map(({ account: _account, ...t }) => structuredClone(t));
  }

  /**
   * A validated ledger applies this signed blob with `result`: the transaction is found by its hash
   * and in the account's history, and its Sequence or Ticket is consumed. `asJson` changes how the
   * server reports it (e.g. API v2's DeliverMax) without changing the stored hash.
   */
  validate(
    blob: string,
    result = 'tesSUCCESS',
    asJson: (tx: Record<string, unknown>) => Record<string, unknown> = (tx) => tx,
  ): { hash: string; ledgerIndex: number } {
    const ledgerIndex = this.closeLedgers();
    const hash = hashes.hashSignedTx(blob);
    const tx = asJson(decode(blob));
    const deliveredAmount = result === 'tesSUCCESS' ? (tx.Amount ?? tx.DeliverMax ?? null) : null;
    this.transactions.set(hash, {
      found: true,
      validated: true,
      hash,
      ledgerIndex,
      result,
      deliveredAmount,
      tx,
    });
    const account = String(tx.Account);
    this.history.push({ account, hash, ledgerIndex, result, deliveredAmount, tx });
    const holder = this.accounts.get(account);
    if (holder) {
      if (typeof tx.TicketSequence === 'number') {
        holder.tickets = holder.tickets.filter((t) => t !== tx.TicketSequence);
      } else {
        holder.sequence = Number(tx.Sequence) + 1;
      }
      holder.ledgerIndex = ledgerIndex;
    }
    return { hash, ledgerIndex };
  }

  private checkUp(): void {
    if (this.down) throw new LedgerUnavailableError('The XRPL server is unreachable (fake ledger down)');
  }
}

/** The served networks, each with its FakeLedger (the default network first). */
export class FakeLedgers extends Ledgers {
  constructor(readonly byNetwork: Map<string, FakeLedger>) {
    super();
  }

  names(): string[] {
    return [...this.byNetwork.keys()];
  }

  find(network: string): LedgerPort | undefined {
    return this.byNetwork.get(network);
  }
}
