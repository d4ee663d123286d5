import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The live ledger in account health:
 * - account_outside_transactions: validated transactions the treasury account sent that the service
 *   did not make (found by the scan job from accounts.tx_scan_ledger_index), one row per hash;
 * - accounts.delegates: the account's Delegate objects (who may act for it without the quorum), as
 *   the last refresh read them.
 * Registered accounts start their scan from the ledger their SignerList was read from.
 */
export class AddLiveLedgerHealth1796812000000 implements MigrationInterface {
  name = 'AddLiveLedgerHealth1796812000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE accounts ADD COLUMN delegates jsonb NOT NULL DEFAULT '[]'::jsonb`);
    await q.query(`
      UPDATE accounts SET tx_scan_ledger_index = signer_list_ledger_index WHERE tx_scan_ledger_index IS NULL`);
    await q.query(`
      CREATE TABLE account_outside_transactions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES accounts (id),
        hash text NOT NULL,
        transaction_type text NOT NULL,
        ledger_index bigint NOT NULL,
        result text NOT NULL,
        amount jsonb NULL,
        destination text NULL,
        detected_at timestamptz NOT NULL,
        CONSTRAINT uq_account_outside_transactions_hash UNIQUE (account_id, hash)
      )`);
    await q.query(`
      CREATE INDEX idx_account_outside_transactions_recent
        ON account_outside_transactions (account_id, detected_at)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE account_outside_transactions`);
    await q.query(`ALTER TABLE accounts DROP COLUMN delegates`);
  }
}
