import { ApiKeyRepository } from '../ports/api-key.repository';
import { ApiKeyRecord } from '../records';
import { Clock } from '../shared/clock';
import { hashApiKey, looksLikeApiKey } from './api-key-secret';

/** The active key a secret belongs to, or null. Records when it was last used (at most once a minute). */
export class AuthenticateApiKey {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly clock: Clock,
  ) {}

  async execute(secret: string): Promise<ApiKeyRecord | null> {
    if (!looksLikeApiKey(secret)) return null;
    const found = await this.keys.findActiveByHash(hashApiKey(secret));
    if (!found) return null;
    const now = this.clock.now();
    if (!found.lastUsedAt || now.getTime() - found.lastUsedAt.getTime() > 60_000) {
      await this.keys.markUsed(found.id, now);
    }
    return found;
  }
}
