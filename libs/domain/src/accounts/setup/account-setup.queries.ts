import { DomainError } from '../../errors/domain.error';
import { AccountSetupRepository } from '../../ports/account-setup.repository';
import { AccountSetupRecord } from '../../records';

/** Reads of account set-ups. */
export class AccountSetupQueries {
  constructor(private readonly setups: AccountSetupRepository) {}

  async get(id: string): Promise<AccountSetupRecord> {
    const setup = /^[0-9a-f-]{36}$/i.test(id) ? await this.setups.find(id) : null;
    if (!setup) throw new DomainError('SETUP_NOT_FOUND', `No account set-up ${id}.`, { setupId: id });
    return setup;
  }
}
