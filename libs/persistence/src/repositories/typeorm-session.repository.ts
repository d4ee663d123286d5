import { EntityManager, IsNull } from 'typeorm';
import { ConsoleSessionRecord, NewConsoleSession, SessionRepository } from '../domain-contracts';
import { ConsoleSessionEntity } from '../entities';

/** The SessionRepository port on PostgreSQL: console sessions by the hash of their secret. */
export class TypeormSessionRepository extends SessionRepository {
  constructor(private readonly manager: EntityManager) {
    super();
  }

  private get sessions() {
    return this.manager.getRepository(ConsoleSessionEntity);
  }

  async insert(session: NewConsoleSession): Promise<ConsoleSessionRecord> {
    const result = await this.sessions.insert(session);
    const id = (result.identifiers[0] as { id: string } | undefined)?.id;
    if (!id) throw new Error('The session was not stored.');
    return this.sessions.findOneOrFail({ where: { id } });
  }

  findByHash(secretHash: string): Promise<ConsoleSessionRecord | null> {
    return this.sessions.findOne({ where: { secretHash } });
  }

  async revoke(id: string, at: Date): Promise<boolean> {
    const result = await this.sessions.update({ id, revokedAt: IsNull() }, { revokedAt: at });
    return result.affected === 1;
  }
}
