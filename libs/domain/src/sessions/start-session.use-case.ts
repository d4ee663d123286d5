import { AuthenticateApiKey } from '../api-keys/authenticate-api-key.use-case';
import { DomainError } from '../errors/domain.error';
import { AuditRepository } from '../ports/audit.repository';
import { SessionRepository } from '../ports/session.repository';
import { ApiKeyRecord, ConsoleSessionRecord } from '../records';
import { Clock } from '../shared/clock';
import { generateSessionSecret, hashSessionSecret } from './session-secret';
import { SessionSettings } from './session-settings';

/**
 * Signs an operator in to the console: an active API key is exchanged for a session secret (the
 * cookie), valid for `ttlMinutes`. The key itself is not kept anywhere but its existing hash.
 */
export class StartSession {
  constructor(
    private readonly authenticate: AuthenticateApiKey,
    private readonly sessions: SessionRepository,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
    private readonly settings: SessionSettings,
  ) {}

  async execute(
    apiKey: string,
    requestId: string | null,
  ): Promise<{ secret: string; session: ConsoleSessionRecord; key: ApiKeyRecord }> {
    const authentication = await this.authenticate.execute(apiKey);
    if (authentication.outcome === 'expired') {
      throw new DomainError(
        'UNAUTHENTICATED',
        `The API key expired at ${authentication.expiredAt.toISOString()}.`,
      );
    }
    if (authentication.outcome !== 'authenticated') {
      throw new DomainError('UNAUTHENTICATED', 'The API key is unknown or revoked.');
    }
    const { key } = authentication;
    const secret = generateSessionSecret();
    // A session never outlives its key.
    const ttlEnd = this.clock.now().getTime() + this.settings.ttlMinutes * 60_000;
    const expiresAt = new Date(key.expiresAt === null ? ttlEnd : Math.min(ttlEnd, key.expiresAt.getTime()));
    const session = await this.sessions.insert({
      secretHash: hashSessionSecret(secret),
      apiKeyId: key.id,
      role: key.role,
      expiresAt,
    });
    await this.audit.append(
      { type: 'api_key', id: key.id, requestId },
      {
        action: 'session.started',
        entityType: 'console_session',
        entityId: session.id,
        details: { role: key.role, expiresAt: session.expiresAt.toISOString() },
      },
    );
    return { secret, session, key };
  }
}
