import { MigrationInterface, QueryRunner } from 'typeorm';

/** An API key may carry an expiry; after it, the key no longer authenticates. Null: never expires. */
export class AddApiKeyExpiry1796300000000 implements MigrationInterface {
  name = 'AddApiKeyExpiry1796300000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys ADD COLUMN expires_at timestamptz NULL`);
    await q.query(`
      ALTER TABLE api_keys ADD CONSTRAINT api_keys_expires_after_creation
      CHECK (expires_at IS NULL OR expires_at > created_at)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys DROP CONSTRAINT api_keys_expires_after_creation`);
    await q.query(`ALTER TABLE api_keys DROP COLUMN expires_at`);
  }
}
