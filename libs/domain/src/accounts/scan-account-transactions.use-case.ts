import { UpstreamError } from '../errors/domain.error';
import { AccountRepository } from '../ports/account.repository';
import { AccountSetupRepository } from '../ports/account-setup.repository';
import { AccountTransaction } from '../ports/ledger.port';
import { AccountLedgers } from '../shared/account-ledgers';
import { ProposalRepository } from '../ports/proposal.repository';
import { UnitOfWork } from '../ports/unit-of-work';
import { isPreparedTransaction } from '../proposals/prepared';
import { AccountRecord } from '../records';
import { WORKER_ACTOR } from '../shared/actor';
import { Clock } from '../shared/clock';
import { DomainLogger } from '../shared/logger';
import { webhookEvent } from '../webhooks/webhook-events';
import { SETUP_STATES } from './setup/account-setup-state';

/** At most this many ledgers per account per run: a long history is read over several runs. */
export const TX_SCAN_MAX_LEDGERS = 100_000;

/**
 * Worker (`scan-account-transactions`): reads each account's validated transactions after
 * `txScanLedgerIndex` up to the latest validated ledger, and records every transaction the treasury
 * account itself sent that the service did not make: not a proposal's (its combined or result hash,
 * or the same prepared transaction under another hash: multisigned hashes are malleable), not a
 * set-up step's. Each is stored once (by hash), audited `account.outside_transaction` and emitted
 * as the webhook event of that name, in the unit of work that advances `txScanLedgerIndex`.
 * Payments others sent to the account are not spends and are not recorded.
 */
export class ScanAccountTransactions {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly proposals: ProposalRepository,
    private readonly setups: AccountSetupRepository,
    private readonly uow: UnitOfWork,
    private readonly ledgers: AccountLedgers,
    private readonly clock: Clock,
    private readonly log: DomainLogger,
  ) {}

  /** Scans every account; an unreachable ledger postpones one account. The number recorded. */
  async execute(): Promise<number> {
    let recorded = 0;
    for (const account of await this.accounts.list()) {
      try {
        recorded += await this.scan(account);
      } catch (error) {
        if (!(error instanceof UpstreamError)) throw error;
        this.log.warn('account transaction scan postponed', { accountId: account.id, error: error.message });
      }
    }
    return recorded;
  }

  /** One account, up to the latest validated ledger (or TX_SCAN_MAX_LEDGERS of it): how many were new. */
  async scan(account: AccountRecord): Promise<number> {
    const ledger = this.ledgers.forNetwork(account.network);
    const validated = await ledger.validatedLedgerIndex();
    const from = (account.txScanLedgerIndex ?? account.signerListLedgerIndex) + 1;
    if (from > validated) return 0;
    const to = Math.min(validated, from + TX_SCAN_MAX_LEDGERS - 1);
    const history = await ledger.accountTransactions(account.address, from, to);
    const sent = history.filter((t) => t.tx.Account === account.address && t.ledgerIndex <= to);
    const outside: AccountTransaction[] = [];
    if (sent.length > 0) {
      const setupHashes = await this.setupHashes(account);
      for (const t of sent) {
        if (!setupHashes.has(t.hash.toUpperCase()) && !(await this.madeByProposal(account, t))) {
          outside.push(t);
        }
      }
    }
    const now = this.clock.now();
    const recorded = await this.uow.run(async (tx) => {
      let count = 0;
      for (const t of outside) {
        const transactionType = typeof t.tx.TransactionType === 'string' ? t.tx.TransactionType : 'unknown';
        const payment = transactionType === 'Payment';
        const amount = payment ? (t.deliveredAmount ?? t.tx.Amount ?? t.tx.DeliverMax ?? null) : null;
        const destination = payment && typeof t.tx.Destination === 'string' ? t.tx.Destination : null;
        const stored = await tx.accounts.recordOutsideTransaction({
          accountId: account.id,
          hash: t.hash,
          transactionType,
          ledgerIndex: t.ledgerIndex,
          result: t.result,
          amount,
          destination,
          detectedAt: now,
        });
        if (!stored) continue;
        count++;
        const details = {
          hash: t.hash,
          transactionType,
          ledgerIndex: t.ledgerIndex,
          result: t.result,
          ...(payment ? { amount, destination } : {}),
        };
        await tx.audit.append(WORKER_ACTOR, {
          action: 'account.outside_transaction',
          entityType: 'account',
          entityId: account.id,
          details,
        });
        await tx.outbox.emit(
          webhookEvent(
            'account.outside_transaction',
            account.id,
            { accountId: account.id, address: account.address, ...details },
            now,
          ),
        );
      }
      await tx.accounts.advanceTxScan(account.id, to);
      return count;
    });
    if (recorded > 0) {
      this.log.warn('transactions sent outside the service', { accountId: account.id, recorded });
    }
    return recorded;
  }

  private async setupHashes(account: AccountRecord): Promise<Set<string>> {
    const setups = await this.setups.findByAddress(account.network, account.address, SETUP_STATES);
    return new Set(
      setups.flatMap((s) => s.steps.flatMap((step) => (step.txHash ? [step.txHash.toUpperCase()] : []))),
    );
  }

  /** A proposal's transaction: by its hash, or the prepared one (same Account and Sequence/Ticket). */
  private async madeByProposal(account: AccountRecord, t: AccountTransaction): Promise<boolean> {
    const ticketSequence = typeof t.tx.TicketSequence === 'number' ? t.tx.TicketSequence : null;
    const sequence = ticketSequence === null && typeof t.tx.Sequence === 'number' ? t.tx.Sequence : null;
    const candidates = await this.proposals.matchingLedgerTransaction(account.id, t.hash, {
      sequence,
      ticketSequence,
    });
    const hash = t.hash.toUpperCase();
    return candidates.some(
      (p) =>
        p.combinedHash?.toUpperCase() === hash ||
        p.resultHash?.toUpperCase() === hash ||
        isPreparedTransaction(t.tx, p.preparedTxHex),
    );
  }
}
