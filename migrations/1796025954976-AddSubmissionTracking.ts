import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Submission tracking and the indexes of the worker's new queries.
 * - `last_submitted_at` / `last_submitted_ledger_index`: when, and at which validated ledger, the latest
 *   submission (first or re-) was made. Existing submitted proposals start from their first submission.
 * - `signature_requests_live`: the live requests (queued, created, opened) in due order, for
 *   `requestsToWithdraw` (live requests of proposals that left `collecting`).
 * - `proposals_collecting_by_last_ledger`: with `proposals_open_by_deadline`, lets `dueForExpiry`
 *   (deadline passed OR LastLedgerSequence passed) combine two index scans instead of reading every row.
 */
export class AddSubmissionTracking1796025954976 implements MigrationInterface {
  name = 'AddSubmissionTracking1796025954976';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE proposals
        ADD COLUMN last_submitted_at timestamptz NULL,
        ADD COLUMN last_submitted_ledger_index bigint NULL`);
    await q.query(`
      UPDATE proposals
      SET last_submitted_at = submitted_at, last_submitted_ledger_index = submitted_ledger_index
      WHERE submitted_at IS NOT NULL`);
    await q.query(`
      CREATE INDEX signature_requests_live ON signature_requests (next_attempt_at ASC NULLS FIRST)
      WHERE state IN ('queued', 'created', 'opened')`);
    await q.query(`
      CREATE INDEX proposals_collecting_by_last_ledger ON proposals (last_ledger_sequence)
      WHERE state = 'collecting'`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX proposals_collecting_by_last_ledger`);
    await q.query(`DROP INDEX signature_requests_live`);
    await q.query(`
      ALTER TABLE proposals
        DROP COLUMN last_submitted_ledger_index,
        DROP COLUMN last_submitted_at`);
  }
}
