import { randomUUID } from 'node:crypto';
import { NewConsoleSession, SessionRepository } from '../../src/ports/session.repository';
import { ConsoleSessionRecord } from '../../src/records';
import { Clock } from '../../src/shared/clock';
import { Table } from './in-memory-store';

export class InMemorySessionRepository extends SessionRepository {
  readonly sessions = new Table<ConsoleSessionRecord>();

  constructor(private readonly clock: Clock) {
    super();
  }

  async insert(session: NewConsoleSession): Promise<ConsoleSessionRecord> {
    return this.sessions.put({ ...session, id: randomUUID(), createdAt: this.clock.now(), revokedAt: null });
  }

  async findByHash(secretHash: string): Promise<ConsoleSessionRecord | null> {
    return this.sessions.find((s) => s.secretHash === secretHash);
  }

  async revoke(id: string, at: Date): Promise<boolean> {
    const session = this.sessions.get(id);
    if (!session || session.revokedAt !== null) return false;
    this.sessions.put({ ...session, revokedAt: at });
    return true;
  }
}
