import { AccountLedgers } from '../shared/account-ledgers';
import { ProposalRepository } from '../ports/proposal.repository';
import { ProposalRecord } from '../records';
import { CoordinatorSettings } from '../settings';
import type { RefreshAccount } from '../accounts/refresh-account.use-case';
import { WORKER_ACTOR } from '../shared/actor';
import { Clock } from '../shared/clock';
import { DomainLogger } from '../shared/logger';
import { StateChanges } from '../state/state-changes';
import { submitVerdict } from '../proposal-rules';
import { CombineAndSubmit } from './combine-and-submit.use-case';
import { isPreparedTransaction, numberOf } from './prepared';

/** Transactions that change the account's SignerList or keys. */
const ACCOUNT_CHANGING_TYPES = new Set(['SignerListSet', 'SetRegularKey', 'AccountSet']);

/**
 * Settles a submitted proposal from validated ledgers only: by its hash, then by (Account,
 * Sequence/Ticket) because multisigned hashes are malleable; "never applied" only once a validated
 * ledger past LastLedgerSequence shows the number unused. Until then the blob is submitted again
 * whenever no validated ledger has shown it for a while (reliable submission: rippled keeps a
 * locally submitted transaction for only a few ledgers).
 */
export class SettleSubmission {
  constructor(
    private readonly proposals: ProposalRepository,
    private readonly changes: StateChanges,
    private readonly ledgers: AccountLedgers,
    private readonly submission: CombineAndSubmit,
    private readonly clock: Clock,
    private readonly settings: CoordinatorSettings,
    private readonly log: DomainLogger,
    /** Re-reads an account whose SignerList or keys a validated proposal changed. */
    private readonly refresh: RefreshAccount | null = null,
  ) {}

  /** Worker: follows every submitted proposal, least recently followed first. */
  async followDue(limit = 100): Promise<void> {
    for (const proposal of await this.proposals.inStates(['submitted'], limit)) {
      try {
        await this.follow(proposal.id);
      } catch (error) {
        this.log.warn('follow-up failed', { proposalId: proposal.id, error: String(error) });
      }
    }
  }

  async follow(proposalId: string): Promise<void> {
    const proposal = await this.proposals.find(proposalId);
    if (!proposal || proposal.state !== 'submitted' || !proposal.combinedHash) return;
    const account = String(proposal.preparedTx.Account);
    const ledger = await this.ledgers.forAccount(proposal.accountId);

    // 1. Our exact blob in a validated ledger?
    const lookup = await ledger.transaction(proposal.combinedHash);
    if (lookup.found && lookup.validated && lookup.result) {
      await this.settle(proposal, lookup.hash, lookup.result, lookup.ledgerIndex, lookup.deliveredAmount);
      return;
    }

    // 2. Is our Sequence/Ticket still unused in the latest validated ledger?
    const [facts, tickets] = await Promise.all([
      ledger.accountFacts(account),
      proposal.ticketSequence !== null ? ledger.tickets(account) : Promise.resolve([] as number[]),
    ]);
    const consumed =
      proposal.ticketSequence !== null
        ? !tickets.includes(proposal.ticketSequence)
        : facts.sequence !== null && facts.sequence > proposal.sequence;
    if (consumed) {
      await this.settleConsumed(proposal);
      return;
    }

    // 3. Unused in a validated ledger past LastLedgerSequence: it can never apply.
    if (facts.ledgerIndex > proposal.lastLedgerSequence) {
      await this.changes.proposal(proposal.id, 'neverApplied', WORKER_ACTOR, {
        patch: {
          resultCode: proposal.lastSubmitResult,
          finalReason: `Validated ledger ${facts.ledgerIndex} is past LastLedgerSequence ${proposal.lastLedgerSequence} and the ${numberOf(proposal)} is unused: the transaction was never applied and never can be.`,
        },
      });
      this.log.warn('submitted transaction expired unapplied', { proposalId });
      return;
    }

    // 4. Still applicable and not in any validated ledger: submit again when due.
    if (this.resubmitDue(proposal, facts.ledgerIndex)) {
      await this.submission.resubmit(proposal, facts.ledgerIndex);
    } else {
      // Rotate: the follow-up visits the least recently followed proposals first.
      await this.proposals.patch(proposal.id, ['submitted'], {});
    }
  }

  /**
   * Due when the last submission was never answered (the process or connection died mid-submit),
   * or when 2^attempts validated ledgers (capped) passed since it without the transaction in any of
   * them, whatever the provisional answer was: a dropped `tesSUCCESS` is resubmitted like a `ter`.
   */
  private resubmitDue(proposal: ProposalRecord, validatedLedgerIndex: number): boolean {
    const now = this.clock.now().getTime();
    const lastAt = (proposal.lastSubmittedAt ?? proposal.submittedAt)?.getTime() ?? 0;
    if (proposal.lastSubmitResult === null) return now - lastAt > this.settings.submitGraceMs;
    if (submitVerdict(proposal.lastSubmitResult, false) === 'final') return false;
    const since = proposal.lastSubmittedLedgerIndex ?? proposal.submittedLedgerIndex;
    if (since === null) return now - lastAt > this.settings.submitGraceMs;
    const gap = Math.min(2 ** Math.max(1, proposal.submitAttempts), this.settings.resubmitMaxGapLedgers);
    return validatedLedgerIndex >= since + gap;
  }

  /** The number is used: ours with other signatures (malleated hash), or another transaction's. */
  private async settleConsumed(proposal: ProposalRecord): Promise<void> {
    const account = String(proposal.preparedTx.Account);
    const ledger = await this.ledgers.forAccount(proposal.accountId);
    const history = await ledger.accountTransactions(
      account,
      Math.max(1, proposal.signerListSnapshot.ledgerIndex),
    );
    const consumer = history.find(
      ({ tx }) =>
        tx.Account === account &&
        (proposal.ticketSequence !== null
          ? tx.TicketSequence === proposal.ticketSequence
          : tx.Sequence === proposal.sequence && !tx.TicketSequence),
    );
    if (!consumer) {
      this.log.warn('Sequence/Ticket used but its transaction is not in the server history yet', {
        proposalId: proposal.id,
      });
      return;
    }
    if (isPreparedTransaction(consumer.tx, proposal.preparedTxHex)) {
      await this.settle(
        proposal,
        consumer.hash,
        consumer.result,
        consumer.ledgerIndex,
        consumer.deliveredAmount,
      );
      return;
    }
    const changed = await this.changes.proposal(proposal.id, 'supersededAfterSubmit', WORKER_ACTOR, {
      patch: {
        resultHash: consumer.hash,
        resultLedgerIndex: consumer.ledgerIndex,
        finalReason: `Sequence/Ticket consumed by another transaction ${consumer.hash}`,
      },
      details: { by: consumer.hash },
    });
    if (changed) this.log.warn('proposal superseded', { proposalId: proposal.id, by: consumer.hash });
  }

  private async settle(
    proposal: ProposalRecord,
    hash: string,
    result: string,
    ledgerIndex: number | null,
    deliveredAmount: unknown,
  ): Promise<void> {
    const success = result === 'tesSUCCESS';
    const changed = await this.changes.proposal(
      proposal.id,
      success ? 'settledSuccess' : 'settledFailure',
      WORKER_ACTOR,
      {
        patch: {
          resultCode: result,
          resultLedgerIndex: ledgerIndex,
          resultHash: hash,
          deliveredAmount: deliveredAmount ?? null,
          finalReason: success
            ? null
            : `Included in validated ledger ${ledgerIndex} with ${result} (fee spent).`,
        },
        details: { result, ledgerIndex, hash },
      },
    );
    if (changed) this.log.info('proposal settled', { proposalId: proposal.id, result, ledgerIndex, hash });
    if (changed && success && this.refresh && ACCOUNT_CHANGING_TYPES.has(proposal.transactionType)) {
      // The account's own set-up changed: refresh at once, without waiting for the drift job (which
      // would catch up if this fails). A new SignerList invalidates the proposals made under the old.
      try {
        await this.refresh.execute(proposal.accountId, WORKER_ACTOR);
      } catch (error) {
        this.log.warn('account refresh after a validated change failed; the drift job will retry', {
          proposalId: proposal.id,
          error: String(error),
        });
      }
    }
  }
}
