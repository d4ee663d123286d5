import { MigrationInterface, QueryRunner } from 'typeorm';

const OPEN_STATES = `('collecting', 'quorum_reached', 'time_locked', 'submitted')`;
const OLD_OPEN_STATES = `('collecting', 'quorum_reached', 'submitted')`;
const STATES = `('collecting', 'quorum_reached', 'time_locked', 'submitted', 'succeeded', 'failed',
  'expired', 'cancelled', 'rejected', 'superseded', 'invalidated')`;
const OLD_STATES = `('collecting', 'quorum_reached', 'submitted', 'succeeded', 'failed',
  'expired', 'cancelled', 'rejected', 'superseded', 'invalidated')`;

/**
 * Treasury controls (issue 11).
 * - `account_policies`: each admin change of an account's policy is a new version (append-only).
 * - `proposals`: what each proposal sends out (`xrp_out_drops`, for window limits and balances), the
 *   policy version it was made under, its time lock (`time_lock_seconds`, `releases_at`), and the
 *   proposal it replaces (renewal, on-ledger invalidation) and is replaced by.
 * - `time_locked`: a new OPEN state between quorum and submission. The state CHECK, the closed_at
 *   CHECK, the combined-blob CHECK and the open-number unique index are recreated with it.
 * - `api_keys.account_ids`: the accounts a key may act on (NULL: every account).
 */
export class AddTreasuryControls1796500000000 implements MigrationInterface {
  name = 'AddTreasuryControls1796500000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE account_policies (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        version integer NOT NULL CHECK (version >= 1),
        rules jsonb NOT NULL,
        created_by uuid NULL REFERENCES api_keys(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT account_policies_version_unique UNIQUE (account_id, version)
      )`);
    await q.query(`
      ALTER TABLE proposals
        ADD COLUMN xrp_out_drops bigint NOT NULL DEFAULT 0 CHECK (xrp_out_drops >= 0),
        ADD COLUMN policy_version integer NOT NULL DEFAULT 0 CHECK (policy_version >= 0),
        ADD COLUMN time_lock_seconds integer NOT NULL DEFAULT 0 CHECK (time_lock_seconds >= 0),
        ADD COLUMN releases_at timestamptz NULL,
        ADD COLUMN replaces_id uuid NULL REFERENCES proposals(id),
        ADD COLUMN replaces_kind text NULL CHECK (replaces_kind IN ('renewal', 'invalidation')),
        ADD COLUMN replaced_by_id uuid NULL REFERENCES proposals(id),
        ADD CONSTRAINT proposals_replaces_has_kind CHECK ((replaces_id IS NULL) = (replaces_kind IS NULL))`);
    // What existing proposals send out: an XRP Amount of a Payment (the only type proposed so far).
    await q.query(`
      UPDATE proposals SET xrp_out_drops = (prepared_tx->>'Amount')::bigint
      WHERE transaction_type = 'Payment' AND jsonb_typeof(prepared_tx->'Amount') = 'string'`);
    await this.recreateStateRules(q, STATES, OPEN_STATES);
    await q.query(`
      CREATE INDEX proposals_time_locked_by_release ON proposals (releases_at) WHERE state = 'time_locked'`);
    await q.query(`CREATE INDEX proposals_by_account_created ON proposals (account_id, created_at)`);
    await q.query(`ALTER TABLE api_keys ADD COLUMN account_ids uuid[] NULL`);
  }

  private async recreateStateRules(q: QueryRunner, states: string, open: string): Promise<void> {
    await q.query(`ALTER TABLE proposals DROP CONSTRAINT proposals_state_check`);
    await q.query(`ALTER TABLE proposals DROP CONSTRAINT proposals_closed_states_have_closed_at`);
    await q.query(`ALTER TABLE proposals DROP CONSTRAINT proposals_combined_before_submit`);
    await q.query(`DROP INDEX proposals_open_sequence_unique`);
    await q.query(`ALTER TABLE proposals ADD CONSTRAINT proposals_state_check CHECK (state IN ${states})`);
    await q.query(`
      ALTER TABLE proposals ADD CONSTRAINT proposals_closed_states_have_closed_at CHECK (
        (state IN ${open}) = (closed_at IS NULL))`);
    await q.query(`
      ALTER TABLE proposals ADD CONSTRAINT proposals_combined_before_submit CHECK (
        state NOT IN ('time_locked', 'submitted', 'succeeded') OR (combined_blob IS NOT NULL AND combined_hash IS NOT NULL))`);
    await q.query(`
      CREATE UNIQUE INDEX proposals_open_sequence_unique ON proposals (account_id, sequence, COALESCE(ticket_sequence, 0))
      WHERE state IN ${open}`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys DROP COLUMN account_ids`);
    await q.query(`DROP INDEX proposals_by_account_created`);
    await q.query(`DROP INDEX proposals_time_locked_by_release`);
    // A time-locked proposal has its combined blob and has not been submitted: back to quorum_reached,
    // where the old worker submits it.
    await q.query(`UPDATE proposals SET state = 'quorum_reached' WHERE state = 'time_locked'`);
    await this.recreateStateRules(q, OLD_STATES, OLD_OPEN_STATES);
    await q.query(`
      ALTER TABLE proposals
        DROP CONSTRAINT proposals_replaces_has_kind,
        DROP COLUMN replaced_by_id,
        DROP COLUMN replaces_kind,
        DROP COLUMN replaces_id,
        DROP COLUMN releases_at,
        DROP COLUMN time_lock_seconds,
        DROP COLUMN policy_version,
        DROP COLUMN xrp_out_drops`);
    await q.query(`DROP TABLE account_policies`);
  }
}
