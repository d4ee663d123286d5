import { PolicyRecord, PolicyRules } from '../../src/policies/policy';
import { PolicyRepository } from '../../src/ports/policy.repository';
import { Clock } from '../../src/shared/clock';
import { Table } from './in-memory-store';

/** Policy versions in memory; `append` takes a version exactly once, like the unique (account, version) key. */
export class InMemoryPolicyRepository extends PolicyRepository {
  readonly versions = new Table<PolicyRecord & { id: string }>();

  constructor(private readonly clock: Clock) {
    super();
  }

  private strip(row: PolicyRecord & { id: string }): PolicyRecord {
    const { id: _id, ...record } = row;
    return record;
  }

  async current(accountId: string): Promise<PolicyRecord | null> {
    return (await this.history(accountId))[0] ?? null;
  }

  async version(accountId: string, version: number): Promise<PolicyRecord | null> {
    const row = this.versions.get(`${accountId}/${version}`);
    return row ? this.strip(row) : null;
  }

  async history(accountId: string): Promise<PolicyRecord[]> {
    return this.versions
      .filter((v) => v.accountId === accountId)
      .sort((a, b) => b.version - a.version)
      .map((row) => this.strip(row));
  }

  async append(
    accountId: string,
    expectedVersion: number,
    rules: PolicyRules,
    createdBy: string | null,
  ): Promise<PolicyRecord | null> {
    const version = expectedVersion + 1;
    if (this.versions.get(`${accountId}/${version}`)) return null;
    const row = this.versions.put({
      id: `${accountId}/${version}`,
      accountId,
      version,
      rules: structuredClone(rules),
      createdBy,
      createdAt: this.clock.now(),
    });
    return this.strip(row);
  }
}
