import { randomUUID } from 'node:crypto';
import type { SetupState } from '../../src/accounts/setup/account-setup-state';
import {
  AccountSetupPatch,
  AccountSetupRepository,
  NewAccountSetup,
} from '../../src/ports/account-setup.repository';
import { AccountSetupRecord } from '../../src/records';
import { Table } from './in-memory-store';

export class InMemoryAccountSetupRepository extends AccountSetupRepository {
  readonly setups = new Table<AccountSetupRecord>();

  async insert(setup: NewAccountSetup, at: Date): Promise<AccountSetupRecord> {
    return this.setups.put({ ...setup, id: randomUUID(), version: 1, createdAt: at, updatedAt: at });
  }

  async find(id: string): Promise<AccountSetupRecord | null> {
    return this.setups.get(id);
  }

  async findByAddress(
    network: string,
    address: string,
    states: readonly SetupState[],
  ): Promise<AccountSetupRecord[]> {
    return this.setups.filter(
      (s) => s.network === network && s.address === address && states.includes(s.state),
    );
  }

  async inStates(states: readonly SetupState[], limit: number): Promise<AccountSetupRecord[]> {
    return this.setups
      .filter((s) => states.includes(s.state))
      .sort((a, b) => a.updatedAt.getTime() - b.updatedAt.getTime())
      .slice(0, limit);
  }

  async update(
    id: string,
    from: readonly SetupState[],
    version: number,
    patch: AccountSetupPatch,
    at: Date,
  ): Promise<boolean> {
    const setup = this.setups.get(id);
    if (!setup || !from.includes(setup.state) || setup.version !== version) return false;
    this.setups.put({ ...setup, ...patch, version: version + 1, updatedAt: at });
    return true;
  }
}
