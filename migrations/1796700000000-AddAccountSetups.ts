import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Account set-ups (onboarding from scratch): the requested SignerList, whether to disable the master
 * key, the state, each owner step (prepared transaction, payload, submission, result) as JSON, the
 * failure code, and the registered account. `version` serialises the worker's steps.
 */
export class AddAccountSetups1796700000000 implements MigrationInterface {
  name = 'AddAccountSetups1796700000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE account_setups (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        network text NOT NULL,
        address text NOT NULL,
        label text NULL,
        quorum integer NOT NULL,
        signers jsonb NOT NULL,
        disable_master boolean NOT NULL DEFAULT false,
        state text NOT NULL CHECK (state IN ('awaiting_signer_list', 'signer_list_submitted',
          'awaiting_disable_master', 'master_disable_submitted', 'registering', 'registered', 'failed')),
        steps jsonb NOT NULL,
        failure_code text NULL,
        failure_detail text NULL,
        account_id uuid NULL REFERENCES accounts (id),
        actor jsonb NOT NULL,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX account_setups_by_address ON account_setups (network, address)`);
    await q.query(
      `CREATE INDEX account_setups_open ON account_setups (updated_at) WHERE state NOT IN ('registered', 'failed')`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE account_setups`);
  }
}
