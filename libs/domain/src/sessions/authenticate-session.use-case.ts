import { ApiKeyRepository } from '../ports/api-key.repository';
import { SessionRepository } from '../ports/session.repository';
import { ApiKeyRecord, ConsoleSessionRecord } from '../records';
import { Clock } from '../shared/clock';
import { hashSessionSecret, looksLikeSessionSecret } from './session-secret';

/**
 * The live session a cookie names, with its API key, or null: unknown, revoked, past its expiry, or
 * its key revoked since sign-in (revoking a key ends its sessions at once).
 */
export class AuthenticateSession {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly keys: ApiKeyRepository,
    private readonly clock: Clock,
  ) {}

  async execute(secret: string): Promise<{ session: ConsoleSessionRecord; key: ApiKeyRecord } | null> {
    if (!looksLikeSessionSecret(secret)) return null;
    const session = await this.sessions.findByHash(hashSessionSecret(secret));
    if (!session || session.revokedAt !== null) return null;
    if (session.expiresAt.getTime() <= this.clock.now().getTime()) return null;
    const key = await this.keys.findById(session.apiKeyId);
    if (!key || key.revokedAt !== null) return null;
    if (key.expiresAt !== null && key.expiresAt.getTime() <= this.clock.now().getTime()) return null;
    return { session, key };
  }
}
