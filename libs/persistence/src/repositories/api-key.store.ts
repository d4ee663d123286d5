import { createHash, randomBytes } from 'node:crypto';
import { DataSource, IsNull } from 'typeorm';
import { ApiKeyEntity } from '../entities';

export type ApiKeyRole = ApiKeyEntity['role'];
export const API_KEY_ROLES: readonly ApiKeyRole[] = ['admin', 'proposer', 'viewer'];

export interface IssuedApiKey {
  entity: ApiKeyEntity;
  /** The secret, shown once; only its SHA-256 is stored. */
  key: string;
}

const KEY_PATTERN = /^msc_([a-z0-9]{8})_([A-Za-z0-9_-]{43})$/;

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** API keys: high-entropy secrets, stored as SHA-256 hashes, revocable. */
export class ApiKeyStore {
  constructor(private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(ApiKeyEntity);
  }

  async issue(name: string, role: ApiKeyRole, createdBy: string | null): Promise<IssuedApiKey> {
    const prefix = randomBytes(6)
      .toString('base64url')
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '0')
      .slice(0, 8);
    const key = `msc_${prefix}_${randomBytes(32).toString('base64url')}`;
    const entity = await this.repo.save(
      this.repo.create({ name, role, keyPrefix: prefix, secretHash: hashApiKey(key), createdBy }),
    );
    return { entity, key };
  }

  /** The active key this secret belongs to, or null. Also records when it was last used. */
  async authenticate(key: string): Promise<ApiKeyEntity | null> {
    if (!KEY_PATTERN.test(key)) return null;
    const found = await this.repo.findOne({ where: { secretHash: hashApiKey(key), revokedAt: IsNull() } });
    if (!found) return null;
    const now = new Date();
    if (!found.lastUsedAt || now.getTime() - found.lastUsedAt.getTime() > 60_000) {
      await this.repo.update({ id: found.id }, { lastUsedAt: now });
    }
    return found;
  }

  list(): Promise<ApiKeyEntity[]> {
    return this.repo.find({ order: { createdAt: 'ASC' } });
  }

  count(): Promise<number> {
    return this.repo.count();
  }

  /** Revokes a key; false when it does not exist or was already revoked. */
  async revoke(id: string): Promise<boolean> {
    const result = await this.repo.update({ id, revokedAt: IsNull() }, { revokedAt: new Date() });
    return (result.affected ?? 0) === 1;
  }

  findById(id: string): Promise<ApiKeyEntity | null> {
    return this.repo.findOne({ where: { id } });
  }
}
