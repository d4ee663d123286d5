import { DynamicModule, Module, Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  AccountRepository,
  ApiKeyRepository,
  AuditRepository,
  DatabaseHealth,
  ProposalRepository,
  UnitOfWork,
  WebhookReceiptRepository,
} from './domain-contracts';
import {
  TypeormAccountRepository,
  TypeormApiKeyRepository,
  TypeormAuditRepository,
  TypeormDatabaseHealth,
  TypeormProposalRepository,
  TypeormUnitOfWork,
  TypeormWebhookReceiptRepository,
} from './repositories';

/** Each domain port (its abstract class is the injection token) and how to build its adapter. */
const ADAPTERS: [abstract new (...args: never[]) => unknown, (dataSource: DataSource) => unknown][] = [
  [AccountRepository, (ds) => new TypeormAccountRepository(ds.manager)],
  [ProposalRepository, (ds) => new TypeormProposalRepository(ds.manager)],
  [AuditRepository, (ds) => new TypeormAuditRepository(ds.manager)],
  [WebhookReceiptRepository, (ds) => new TypeormWebhookReceiptRepository(ds.manager)],
  [ApiKeyRepository, (ds) => new TypeormApiKeyRepository(ds.manager)],
  [UnitOfWork, (ds) => new TypeormUnitOfWork(ds)],
  [DatabaseHealth, (ds) => new TypeormDatabaseHealth(ds)],
];

/**
 * The domain's persistence ports on the TypeORM data source named `dataSourceName` (the default one
 * when omitted), which the importing app registers with `TypeOrmModule.forRoot`.
 */
@Module({})
export class PersistenceModule {
  static forRoot(dataSourceName?: string): DynamicModule {
    const providers: Provider[] = ADAPTERS.map(([token, build]) => ({
      provide: token,
      useFactory: build,
      inject: [getDataSourceToken(dataSourceName)],
    }));
    return {
      module: PersistenceModule,
      providers,
      exports: ADAPTERS.map(([token]) => token),
    };
  }
}
