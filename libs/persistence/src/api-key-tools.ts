import { DataSource } from 'typeorm';
import { ApiKeyRole, IssueApiKey, SYSTEM_ACTOR, SystemClock } from '@app/domain';
import { TypeormApiKeyRepository, TypeormAuditRepository } from './repositories';

/**
 * API keys from outside a running API (`npm start`'s first admin key, `npm run api-key`, tests):
 * the same use-case the API runs, on a data source the caller owns. Audited as `system`.
 */
export function apiKeyTools(dataSource: DataSource) {
  const keys = new TypeormApiKeyRepository(dataSource.manager);
  const audit = new TypeormAuditRepository(dataSource.manager);
  const issue = new IssueApiKey(keys, audit, new SystemClock());
  return {
    issue: (name: string, role: ApiKeyRole, expiry: { expiresInDays?: number; expiresAt?: Date } = {}) =>
      issue.execute({ name, role, ...expiry }, SYSTEM_ACTOR),
    list: () => keys.list(),
    count: () => keys.count(),
    revoke: (id: string) => keys.revoke(id, new Date()),
  };
}
