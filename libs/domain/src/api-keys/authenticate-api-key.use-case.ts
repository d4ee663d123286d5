import { ApiKeyRepository } from '../ports/api-key.repository';
import { ApiKeyRecord } from '../records';
import { Clock } from '../shared/clock';
import { hashApiKey, looksLikeApiKey } from './api-key-secret';

/** What a presented secret turned out to be. `unknown` covers revoked keys too: both are just refused. */
export type ApiKeyAuthentication =
  | { outcome: 'authenticated'; key: ApiKeyRecord }
  | { outcome: 'unknown' }
  | { outcome: 'expired'; expiredAt: Date };

/**
 * The active, unexpired key a secret belongs to. Records when it was last used (at most once a
 * minute); an expired key is refused and not marked used.
 */
export class AuthenticateApiKey {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly clock: Clock,
  ) {}

  async execute(secret: string): Promise<ApiKeyAuthentication> {
    if (!looksLikeApiKey(secret)) return { outcome: 'unknown' };
    const found = await this.keys.findActiveByHash(hashApiKey(secret));
    if (!found) return { outcome: 'unknown' };
    const now = this.clock.now();
    if (found.expiresAt !== null && found.expiresAt.getTime() <= now.getTime()) {
      return { outcome: 'expired', expiredAt: found.expiresAt };
    }
    if (!found.lastUsedAt || now.getTime() - found.lastUsedAt.getTime() > 60_000) {
      await this.keys.markUsed(found.id, now);
    }
    return { outcome: 'authenticated', key: found };
  }
}
