import { AccountRepository } from '../ports/account.repository';
import { WORKER_ACTOR } from '../shared/actor';
import { DomainLogger } from '../shared/logger';
import { CloseProposal } from '../proposals/close-proposal.use-case';
import { RefreshAccount } from './refresh-account.use-case';

/**
 * Worker: re-reads every account from a validated ledger. A changed SignerList invalidates the
 * proposals prepared under it; a Sequence/Ticket used by something else supersedes them.
 */
export class CheckLedgerDrift {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly refresh: RefreshAccount,
    private readonly closing: CloseProposal,
    private readonly log: DomainLogger,
  ) {}

  async execute(): Promise<void> {
    for (const account of await this.accounts.list()) {
      try {
        await this.refresh.execute(account.id, WORKER_ACTOR);
        await this.closing.supersedeSpent(account.id, account.address, WORKER_ACTOR);
      } catch (error) {
        this.log.warn('ledger drift check failed', { accountId: account.id, error: String(error) });
      }
    }
  }
}
