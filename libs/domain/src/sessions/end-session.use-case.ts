import { AuditRepository } from '../ports/audit.repository';
import { SessionRepository } from '../ports/session.repository';
import { Actor } from '../shared/actor';
import { Clock } from '../shared/clock';

/** Signs out: the session is revoked (its cookie no longer authenticates, even before expiry). */
export class EndSession {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
  ) {}

  async execute(sessionId: string, actor: Actor): Promise<void> {
    if (!(await this.sessions.revoke(sessionId, this.clock.now()))) return;
    await this.audit.append(actor, {
      action: 'session.ended',
      entityType: 'console_session',
      entityId: sessionId,
      details: {},
    });
  }
}
