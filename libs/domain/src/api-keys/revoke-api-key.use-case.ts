import { DomainError } from '../errors/domain.error';
import { ApiKeyRepository } from '../ports/api-key.repository';
import { AuditRepository } from '../ports/audit.repository';
import { ApiKeyRecord } from '../records';
import { Actor } from '../shared/actor';
import { Clock } from '../shared/clock';

/** Revokes a key (never the caller's own: an admin cannot lock itself out by mistake). */
export class RevokeApiKey {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
  ) {}

  async execute(id: string, actor: Actor): Promise<ApiKeyRecord> {
    if (id === actor.id) {
      throw new DomainError('API_KEY_SELF_REVOKE', 'A key cannot revoke itself; use another admin key.');
    }
    if (!(await this.keys.revoke(id, this.clock.now()))) {
      const existing = await this.keys.findById(id);
      if (!existing) throw new DomainError('API_KEY_NOT_FOUND', `No API key ${id}.`);
      throw new DomainError('API_KEY_ALREADY_REVOKED', `API key ${id} is already revoked.`);
    }
    await this.audit.append(actor, {
      action: 'api_key.revoked',
      entityType: 'api_key',
      entityId: id,
      details: {},
    });
    return (await this.keys.findById(id))!;
  }
}
