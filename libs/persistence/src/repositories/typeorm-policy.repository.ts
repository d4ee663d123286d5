import { EntityManager } from 'typeorm';
import { PolicyRecord, PolicyRepository, PolicyRules } from '../domain-contracts';
import { AccountPolicyEntity } from '../entities';

function record(row: AccountPolicyEntity): PolicyRecord {
  return {
    accountId: row.accountId,
    version: row.version,
    rules: row.rules,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
  };
}

/** The PolicyRepository port on PostgreSQL: versions are rows; (account, version) is unique. */
export class TypeormPolicyRepository extends PolicyRepository {
  constructor(private readonly manager: EntityManager) {
    super();
  }

  private get policies() {
    return this.manager.getRepository(AccountPolicyEntity);
  }

  async current(accountId: string): Promise<PolicyRecord | null> {
    const row = await this.policies.findOne({ where: { accountId }, order: { version: 'DESC' } });
    return row ? record(row) : null;
  }

  async version(accountId: string, version: number): Promise<PolicyRecord | null> {
    const row = await this.policies.findOne({ where: { accountId, version } });
    return row ? record(row) : null;
  }

  async history(accountId: string): Promise<PolicyRecord[]> {
    return (await this.policies.find({ where: { accountId }, order: { version: 'DESC' } })).map(record);
  }

  /** INSERT ... ON CONFLICT DO NOTHING on (account_id, version): a lost race answers null, never raises. */
  async append(
    accountId: string,
    expectedVersion: number,
    rules: PolicyRules,
    createdBy: string | null,
  ): Promise<PolicyRecord | null> {
    const rows = await this.manager.query<AccountPolicyEntity[]>(
      `INSERT INTO account_policies (account_id, version, rules, created_by)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (account_id, version) DO NOTHING
       RETURNING account_id AS "accountId", version, rules, created_by AS "createdBy", created_at AS "createdAt"`,
      [accountId, expectedVersion + 1, JSON.stringify(rules), createdBy],
    );
    const row = rows[0];
    return row ? record(row) : null;
  }
}
