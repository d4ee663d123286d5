import { DynamicModule, Module, Provider } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  AccountRepository,
  AccountSetupRepository,
  ApiKeyRepository,
  AuditRepository,
  DatabaseHealth,
  OperationsReadModel,
  PolicyRepository,
  ProposalRepository,
  WebhookRepository,
  SessionRepository,
  UnitOfWork,
  WebhookReceiptRepository,
} from './domain-contracts';
import {
  TypeormAccountRepository,
  TypeormAccountSetupRepository,
  TypeormApiKeyRepository,
  TypeormAuditRepository,
  TypeormDatabaseHealth,
  TypeormOperationsReadModel,
  TypeormWebhookRepository,
  TypeormPolicyRepository,
  TypeormProposalRepository,
  TypeormSessionRepository,
  TypeormUnitOfWork,
  TypeormWebhookReceiptRepository,
} from './repositories';
import { buildDataSourceOptions } from './data-source-options';

export interface DatabaseOptions {
  url: string;
  poolSize: number;
  /** The process's own connection name (the worker names its own, so both can share one process). */
  name?: string;
}

/** Each domain port (its abstract class is the injection token) and how to build its adapter. */
const ADAPTERS: [abstract new (...args: never[]) => unknown, (dataSource: DataSource) => unknown][] = [
  [AccountRepository, (ds) => new TypeormAccountRepository(ds.manager)],
  [AccountSetupRepository, (ds) => new TypeormAccountSetupRepository(ds.manager)],
  [ProposalRepository, (ds) => new TypeormProposalRepository(ds.manager)],
  [AuditRepository, (ds) => new TypeormAuditRepository(ds.manager)],
  [WebhookReceiptRepository, (ds) => new TypeormWebhookReceiptRepository(ds.manager)],
  [ApiKeyRepository, (ds) => new TypeormApiKeyRepository(ds.manager)],
  [SessionRepository, (ds) => new TypeormSessionRepository(ds.manager)],
  [PolicyRepository, (ds) => new TypeormPolicyRepository(ds.manager)],
  [UnitOfWork, (ds) => new TypeormUnitOfWork(ds)],
  [DatabaseHealth, (ds) => new TypeormDatabaseHealth(ds)],
  [WebhookRepository, (ds) => new TypeormWebhookRepository(ds.manager)],
  [OperationsReadModel, (ds) => new TypeormOperationsReadModel(ds.manager)],
];

/**
 * The database of a process: its TypeORM data source (from the migrations' schema, never
 * synchronised) and the domain's persistence ports on it. The only module that builds a DataSource.
 */
@Module({})
export class PersistenceModule {
  static forRoot(options: DatabaseOptions): DynamicModule {
    const providers: Provider[] = ADAPTERS.map(([token, build]) => ({
      provide: token,
      useFactory: build,
      inject: [getDataSourceToken(options.name)],
    }));
    return {
      module: PersistenceModule,
      imports: [TypeOrmModule.forRoot(buildDataSourceOptions(options.url, options.poolSize, options.name))],
      providers,
      exports: ADAPTERS.map(([token]) => token),
    };
  }
}
