import { DomainError } from '../errors/domain.error';
import { AccountRepository } from '../ports/account.repository';
import { PolicyRepository } from '../ports/policy.repository';
import { defaultPolicy, PolicyRecord } from './policy';

/** The policy in force (the built-in default, version 0, when none was set) and every version. */
export class PolicyQueries {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly policies: PolicyRepository,
  ) {}

  private async account(accountId: string): Promise<void> {
    if (!(await this.accounts.find(accountId))) {
      throw new DomainError('ACCOUNT_NOT_FOUND', `No registered account ${accountId}.`, { accountId });
    }
  }

  async current(accountId: string): Promise<PolicyRecord> {
    await this.account(accountId);
    return (await this.policies.current(accountId)) ?? defaultPolicy(accountId);
  }

  async history(accountId: string): Promise<PolicyRecord[]> {
    await this.account(accountId);
    return [...(await this.policies.history(accountId)), defaultPolicy(accountId)];
  }
}
