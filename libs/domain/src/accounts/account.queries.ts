import { DomainError } from '../errors/domain.error';
import { AccountRepository } from '../ports/account.repository';
import { AccountRecord, OutsideTransactionRecord, SignerRecord } from '../records';
import { OUTSIDE_TRANSACTION_WARNING_MS } from './account-health';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AccountWithSigners {
  account: AccountRecord;
  signers: SignerRecord[];
}

/** Reads of registered accounts (the API shapes them). */
export class AccountQueries {
  constructor(private readonly accounts: AccountRepository) {}

  async find(id: string): Promise<AccountRecord> {
    const account = UUID.test(id) ? await this.accounts.find(id) : null;
    if (!account)
      throw new DomainError('ACCOUNT_NOT_FOUND', `No registered account ${id}.`, { accountId: id });
    return account;
  }

  async get(id: string): Promise<AccountWithSigners> {
    const account = await this.find(id);
    return { account, signers: await this.accounts.signersOf(account.id) };
  }

  /** The account and one of its currently listed signers (SIGNER_NOT_FOUND otherwise). */
  async listedSigner(
    accountId: string,
    address: string,
  ): Promise<AccountWithSigners & { signer: SignerRecord }> {
    const { account, signers } = await this.get(accountId);
    const signer = signers.find((s) => s.address === address && s.inSignerList);
    if (!signer) {
      throw new DomainError(
        'SIGNER_NOT_FOUND',
        `${address} is not in the SignerList of account ${account.address}.`,
        { address },
      );
    }
    return { account, signers, signer };
  }

  async list(): Promise<AccountWithSigners[]> {
    const accounts = await this.accounts.list();
    return Promise.all(
      accounts.map(async (account) => ({ account, signers: await this.accounts.signersOf(account.id) })),
    );
  }

  /** The account's transactions sent outside the service that health still shows (the last 30 days). */
  recentOutsideTransactions(accountId: string, now: Date): Promise<OutsideTransactionRecord[]> {
    return this.accounts.outsideTransactionsSince(
      accountId,
      new Date(now.getTime() - OUTSIDE_TRANSACTION_WARNING_MS),
    );
  }
}
