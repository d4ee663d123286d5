import { ConsoleSessionRecord } from '../records';

export interface NewConsoleSession {
  secretHash: string;
  apiKeyId: string;
  role: ConsoleSessionRecord['role'];
  expiresAt: Date;
}

/** Console sessions, stored by the SHA-256 of their secret (the cookie value is never stored). */
export abstract class SessionRepository {
  abstract insert(session: NewConsoleSession): Promise<ConsoleSessionRecord>;
  /** The session with this hash, whatever its state (expiry and revocation are the use-case's rules). */
  abstract findByHash(secretHash: string): Promise<ConsoleSessionRecord | null>;
  /** False when the session does not exist or was already revoked. */
  abstract revoke(id: string, at: Date): Promise<boolean>;
}
