import { DataSource, EntityManager } from 'typeorm';
import { TransactionalRepositories, UnitOfWork } from '../domain-contracts';
import { TypeormAccountRepository } from './typeorm-account.repository';
import { TypeormAuditRepository } from './typeorm-audit.repository';
import { TypeormProposalRepository } from './typeorm-proposal.repository';

/** The repositories of one aggregate each, bound to `manager` (a transaction's, or the data source's). */
export function typeormRepositories(manager: EntityManager): TransactionalRepositories {
  return {
    accounts: new TypeormAccountRepository(manager),
    proposals: new TypeormProposalRepository(manager),
    audit: new TypeormAuditRepository(manager),
  };
}

/**
 * The UnitOfWork port: `work` runs inside one database transaction (READ COMMITTED) with repositories
 * bound to it; it commits when `work` resolves and rolls back everything when it throws.
 */
export class TypeormUnitOfWork extends UnitOfWork {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  run<T>(work: (tx: TransactionalRepositories) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work(typeormRepositories(manager)));
  }
}
