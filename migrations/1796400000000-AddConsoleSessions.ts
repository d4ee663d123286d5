import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Console sessions: an API key exchanged for an HttpOnly cookie. Only the SHA-256 of the cookie's
 * secret is stored; the role is the key's at sign-in; `expires_at` bounds it, `revoked_at` is sign-out.
 */
export class AddConsoleSessions1796400000000 implements MigrationInterface {
  name = 'AddConsoleSessions1796400000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE console_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        secret_hash text NOT NULL UNIQUE,
        api_key_id uuid NOT NULL REFERENCES api_keys (id),
        role text NOT NULL CHECK (role IN ('admin', 'proposer', 'viewer')),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz NULL
      )`);
    await q.query(`CREATE INDEX console_sessions_by_key ON console_sessions (api_key_id)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE console_sessions`);
  }
}
