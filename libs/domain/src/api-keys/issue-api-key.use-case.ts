import { ApiKeyRepository } from '../ports/api-key.repository';
import { AuditRepository } from '../ports/audit.repository';
import { ApiKeyRecord, ApiKeyRole } from '../records';
import { Actor } from '../shared/actor';
import { generateApiKey, hashApiKey } from './api-key-secret';

/** Issues a key. The secret is in this answer only; it is stored hashed. */
export class IssueApiKey {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly audit: AuditRepository,
  ) {}

  async execute(
    input: { name: string; role: ApiKeyRole; accountIds?: string[] | null },
    actor: Actor,
  ): Promise<{ record: ApiKeyRecord; key: string }> {
    const { key, prefix } = generateApiKey();
    const record = await this.keys.insert({
      name: input.name,
      role: input.role,
      keyPrefix: prefix,
      secretHash: hashApiKey(key),
      createdBy: actor.id,
      accountIds: input.accountIds ? [...new Set(input.accountIds)].sort() : null,
    });
    await this.audit.append(actor, {
      action: 'api_key.created',
      entityType: 'api_key',
      entityId: record.id,
      details: { role: input.role, accountIds: record.accountIds },
    });
    return { record, key };
  }
}
