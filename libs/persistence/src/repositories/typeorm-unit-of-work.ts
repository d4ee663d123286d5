import { DataSource, EntityManager, QueryRunnerAlreadyReleasedError } from 'typeorm';
import { TransactionalRepositories, UnitOfWork } from '../domain-contracts';
import { TypeormAccountRepository } from './typeorm-account.repository';
import { TypeormAccountSetupRepository } from './typeorm-account-setup.repository';
import { TypeormAuditRepository } from './typeorm-audit.repository';
import { TypeormPolicyRepository } from './typeorm-policy.repository';
import { TypeormProposalRepository } from './typeorm-proposal.repository';
import { TypeormWebhookOutbox } from './typeorm-webhook.repository';

/** The repositories of one aggregate each, bound to `manager` (a transaction's, or the data source's). */
export function typeormRepositories(manager: EntityManager): TransactionalRepositories {
  return {
    accounts: new TypeormAccountRepository(manager),
    proposals: new TypeormProposalRepository(manager),
    audit: new TypeormAuditRepository(manager),
    outbox: new TypeormWebhookOutbox(manager),
    policies: new TypeormPolicyRepository(manager),
    setups: new TypeormAccountSetupRepository(manager),
  };
}

/**
 * The UnitOfWork port: `work` runs inside one database transaction (READ COMMITTED) with repositories
 * bound to it; it commits when `work` resolves and rolls back everything when it throws.
 *
 * When the server drops the transaction's connection, TypeORM releases the query runner, and the next
 * statement (or the commit) fails with "Query runner already released": inside `run` that can only be
 * the lost connection, so it is rethrown as one ("Connection terminated ...", with the original as
 * `cause`), which `databaseUnavailable` classifies as DATABASE_UNAVAILABLE.
 */
export class TypeormUnitOfWork extends UnitOfWork {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async run<T>(work: (tx: TransactionalRepositories) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction((manager) => work(typeormRepositories(manager)));
    } catch (error) {
      if (error instanceof QueryRunnerAlreadyReleasedError) {
        throw new Error('Connection terminated: the unit of work lost its database connection.', {
          cause: error,
        });
      }
      throw error;
    }
  }
}
