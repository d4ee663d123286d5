import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Several networks in one deployment, custom ones included (XRPL_NETWORKS): accounts.network no
 * longer lists the four public names, it only has the name format. Which networks a deployment
 * serves is checked by RegisterAccount (UNKNOWN_NETWORK), not by the schema.
 */
export class AllowCustomNetworks1796850000000 implements MigrationInterface {
  name = 'AllowCustomNetworks1796850000000';

  public async up(q: QueryRunner): Promise<void> {
    const [row] = (await q.query(`
      SELECT conname FROM pg_constraint
       WHERE conrelid = 'accounts'::regclass AND contype = 'c'
         AND pg_get_constraintdef(oid) LIKE '%network%'`)) as { conname: string }[];
    if (row) await q.query(`ALTER TABLE accounts DROP CONSTRAINT "${row.conname}"`);
    await q.query(
      `ALTER TABLE accounts ADD CONSTRAINT accounts_network_format CHECK (network ~ '^[a-z][a-z0-9-]{1,30}$')`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE accounts DROP CONSTRAINT accounts_network_format`);
    await q.query(
      `ALTER TABLE accounts ADD CONSTRAINT accounts_network_check CHECK (network IN ('mainnet', 'testnet', 'devnet', 'sandbox'))`,
    );
  }
}
