import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signer enrolment through Xaman SignIn and the user_token life cycle; the account's scan of its
 * own ledger history.
 * - signers: the open (or last) SignIn payload with its links and expiry, why the last enrolment was
 *   refused, when it succeeded, when Xaman last confirmed the token, and the expiry already warned of.
 * - `signers_enrolment_payload`: a SignIn payload's resolution finds its signer.
 * - `signers_with_token`: the daily token check pages through signers holding a token.
 * - accounts.tx_scan_ledger_index: the validated ledger up to which the account's transactions were
 *   checked for ones not made through the service.
 */
export class AddSignerEnrolment1796100000000 implements MigrationInterface {
  name = 'AddSignerEnrolment1796100000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE signers
        ADD COLUMN enrolment_payload_uuid uuid NULL,
        ADD COLUMN enrolment_sign_link text NULL,
        ADD COLUMN enrolment_qr_png text NULL,
        ADD COLUMN enrolment_expires_at timestamptz NULL,
        ADD COLUMN enrolment_refusal_code text NULL,
        ADD COLUMN enrolment_refusal_detail text NULL,
        ADD COLUMN enrolled_at timestamptz NULL,
        ADD COLUMN user_token_checked_at timestamptz NULL,
        ADD COLUMN token_warned_expiry timestamptz NULL`);
    await q.query(
      `CREATE INDEX signers_enrolment_payload ON signers (enrolment_payload_uuid) WHERE enrolment_payload_uuid IS NOT NULL`,
    );
    await q.query(`CREATE INDEX signers_with_token ON signers (id) WHERE user_token_ciphertext IS NOT NULL`);
    await q.query(`ALTER TABLE accounts ADD COLUMN tx_scan_ledger_index bigint NULL`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE accounts DROP COLUMN tx_scan_ledger_index`);
    await q.query(`DROP INDEX signers_with_token`);
    await q.query(`DROP INDEX signers_enrolment_payload`);
    await q.query(`
      ALTER TABLE signers
        DROP COLUMN token_warned_expiry,
        DROP COLUMN user_token_checked_at,
        DROP COLUMN enrolled_at,
        DROP COLUMN enrolment_refusal_detail,
        DROP COLUMN enrolment_refusal_code,
        DROP COLUMN enrolment_expires_at,
        DROP COLUMN enrolment_qr_png,
        DROP COLUMN enrolment_sign_link,
        DROP COLUMN enrolment_payload_uuid`);
  }
}
