import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One resolution per Xaman payload across processes: the process that re-reads a payload holds
 * `resolve_lease_until`; a signal that finds it held sets `resolve_again`, so the holder reads once
 * more if what it read was not yet final. Both columns stay out of the domain's records.
 */
export class AddPayloadResolutionLease1796900000000 implements MigrationInterface {
  name = 'AddPayloadResolutionLease1796900000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE signature_requests
      ADD COLUMN resolve_lease_until timestamptz NULL,
      ADD COLUMN resolve_again boolean NOT NULL DEFAULT false`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE signature_requests DROP COLUMN resolve_lease_until, DROP COLUMN resolve_again`,
    );
  }
}
