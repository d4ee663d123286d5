import { DomainError } from '../errors/domain.error';
import { AccountRepository } from '../ports/account.repository';
import { LedgerPort, Ledgers } from '../ports/ledger.port';

/**
 * Which ledger a use-case talks to: the one of the account's network (proposal → account →
 * network). An account's network never changes, so it is remembered per account id; concurrent
 * callers for an account not yet known share one read.
 */
export class AccountLedgers {
  private readonly networks = new Map<string, string>();
  private readonly reading = new Map<string, Promise<string>>();

  constructor(
    private readonly ledgers: Ledgers,
    private readonly accounts: AccountRepository,
  ) {}

  /** The served networks, the default first. */
  names(): string[] {
    return this.ledgers.names();
  }

  /** The ledger of a served network; UNKNOWN_NETWORK (listing the served ones) otherwise. */
  forNetwork(network: string): LedgerPort {
    const ledger = this.ledgers.find(network);
    if (!ledger) {
      const served = this.ledgers.names();
      throw new DomainError(
        'UNKNOWN_NETWORK',
        `This deployment serves ${served.join(', ')}, not "${network}".`,
        { network, served },
      );
    }
    return ledger;
  }

  async networkOf(accountId: string): Promise<string> {
    const known = this.networks.get(accountId);
    if (known !== undefined) return known;
    const inFlight = this.reading.get(accountId);
    if (inFlight) return inFlight;
    const read = (async () => {
      try {
        const account = await this.accounts.find(accountId);
        if (!account)
          throw new DomainError('ACCOUNT_NOT_FOUND', `Account ${accountId} not found.`, { accountId });
        if (this.networks.size > 10_000) this.networks.clear();
        this.networks.set(accountId, account.network);
        return account.network;
      } finally {
        this.reading.delete(accountId);
      }
    })();
    this.reading.set(accountId, read);
    return read;
  }

  async forAccount(accountId: string): Promise<LedgerPort> {
    return this.forNetwork(await this.networkOf(accountId));
  }
}
