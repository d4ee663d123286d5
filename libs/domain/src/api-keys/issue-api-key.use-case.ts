import { DomainError } from '../errors/domain.error';
import { ApiKeyRepository } from '../ports/api-key.repository';
import { AuditRepository } from '../ports/audit.repository';
import { ApiKeyRecord, ApiKeyRole } from '../records';
import { Actor } from '../shared/actor';
import { Clock } from '../shared/clock';
import { generateApiKey, hashApiKey } from './api-key-secret';

/** The longest life a key can be given in days (ten years). */
export const MAX_API_KEY_DAYS = 3650;
const DAY_MS = 86_400_000;

export interface IssueApiKeyCommand {
  name: string;
  role: ApiKeyRole;
  /** When the key stops authenticating: an instant in the future. */
  expiresAt?: Date;
  /** Or: this many whole days from now (1 to MAX_API_KEY_DAYS). At most one of the two. */
  expiresInDays?: number;
  /** A proposer key limited to these accounts (null or absent: every account). */
  accountIds?: string[] | null;
}

const invalid = (field: string, problem: string) =>
  new DomainError('VALIDATION_FAILED', `Invalid request: ${field} (${problem})`, {
    fields: [{ field, problems: [problem] }],
  });

/** Issues a key, optionally with an expiry. The secret is in this answer only; it is stored hashed. */
export class IssueApiKey {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
  ) {}

  async execute(input: IssueApiKeyCommand, actor: Actor): Promise<{ record: ApiKeyRecord; key: string }> {
    const expiresAt = this.expiryOf(input);
    const { key, prefix } = generateApiKey();
    const record = await this.keys.insert({
      name: input.name,
      role: input.role,
      keyPrefix: prefix,
      secretHash: hashApiKey(key),
      createdBy: actor.id,
      expiresAt,
      accountIds: input.accountIds ? [...new Set(input.accountIds)].sort() : null,
    });
    await this.audit.append(actor, {
      action: 'api_key.created',
      entityType: 'api_key',
      entityId: record.id,
      details: {
        role: input.role,
        expiresAt: expiresAt?.toISOString() ?? null,
        accountIds: record.accountIds,
      },
    });
    return { record, key };
  }

  private expiryOf({ expiresAt, expiresInDays }: IssueApiKeyCommand): Date | null {
    if (expiresAt !== undefined && expiresInDays !== undefined) {
      throw invalid('expiresAt', 'send expiresAt or expiresInDays, not both');
    }
    const now = this.clock.now();
    if (expiresInDays !== undefined) {
      if (!Number.isInteger(expiresInDays) || expiresInDays < 1 || expiresInDays > MAX_API_KEY_DAYS) {
        throw invalid('expiresInDays', `must be a whole number from 1 to ${MAX_API_KEY_DAYS}`);
      }
      return new Date(now.getTime() + expiresInDays * DAY_MS);
    }
    if (expiresAt === undefined) return null;
    if (Number.isNaN(expiresAt.getTime()) || expiresAt.getTime() <= now.getTime()) {
      throw invalid('expiresAt', 'must be an instant in the future');
    }
    if (expiresAt.getTime() > now.getTime() + MAX_API_KEY_DAYS * DAY_MS) {
      throw invalid('expiresAt', `must be at most ${MAX_API_KEY_DAYS} days ahead`);
    }
    return expiresAt;
  }
}
