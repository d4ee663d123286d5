import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { CpuMeter } from './measure';

async function backendPids(admin: Client, database: string): Promise<number[]> {
  const rows = await admin.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
    [database],
  );
  return rows.rows.map((r) => r.pid);
}

/**
 * The PostgreSQL floor for ingesting one signature: in one transaction, insert the signature, mark
 * its request signed and touch its proposal (what the issue's pgbench script did), from `clients`
 * connections over the node `pg` driver for `seconds`. Reports transactions per second and the
 * server backends' CPU per transaction.
 */
export async function postgresFloor(
  url: string,
  options: { clients: number; seconds: number },
): Promise<{ txPerSecond: number; pgCpuMsPerTx: number; transactions: number }> {
  const database = new URL(url).pathname.slice(1);
  const setup = new Client({ connectionString: url });
  await setup.connect();
  await setup.query(`
    DROP TABLE IF EXISTS floor_signatures, floor_requests, floor_proposals;
    CREATE TABLE floor_proposals (id uuid PRIMARY KEY, state text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now());
    CREATE TABLE floor_requests (id uuid PRIMARY KEY, proposal_id uuid NOT NULL REFERENCES floor_proposals(id),
      state text NOT NULL, blob_hex text, updated_at timestamptz NOT NULL DEFAULT now());
    CREATE TABLE floor_signatures (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), proposal_id uuid NOT NULL,
      request_id uuid NOT NULL REFERENCES floor_requests(id), signer text NOT NULL, signature text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now());`);
  const proposals = Array.from({ length: 200 }, () => randomUUID());
  await setup.query(`INSERT INTO floor_proposals (id, state) SELECT unnest($1::uuid[]), 'collecting'`, [
    proposals,
  ]);

  const clients = await Promise.all(
    Array.from({ length: options.clients }, async () => {
      const client = new Client({ connectionString: url });
      await client.connect();
      return client;
    }),
  );
  const meter = new CpuMeter(await backendPids(setup, database));
  const blob = 'AB'.repeat(400);
  const until = Date.now() + options.seconds * 1000;
  const started = Date.now();
  let transactions = 0;
  await Promise.all(
    clients.map(async (client, c) => {
      let i = 0;
      while (Date.now() < until) {
        const proposalId = proposals[(c * 31 + i++) % proposals.length]!;
        const requestId = randomUUID();
        await client.query(`INSERT INTO floor_requests (id, proposal_id, state) VALUES ($1, $2, 'created')`, [
          requestId,
          proposalId,
        ]);
        await client.query('BEGIN');
        await client.query(
          `INSERT INTO floor_signatures (proposal_id, request_id, signer, signature) VALUES ($1, $2, $3, $4)`,
          [proposalId, requestId, 'rSigner', 'CD'.repeat(36)],
        );
        await client.query(
          `UPDATE floor_requests SET state = 'signed', blob_hex = $2, updated_at = now() WHERE id = $1 AND state = 'created'`,
          [requestId, blob],
        );
        await client.query(`UPDATE floor_proposals SET updated_at = now() WHERE id = $1`, [proposalId]);
        await client.query('COMMIT');
        transactions++;
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  // The request insert is set-up, not part of the signature's transaction: its cost is included in
  // the CPU below, which makes the floor slightly more expensive (the comparison favours the service).
  const pgCpu = meter.usedMs(await backendPids(setup, database));
  await Promise.all(clients.map((c) => c.end()));
  await setup.query(`DROP TABLE floor_signatures, floor_requests, floor_proposals`);
  await setup.end();
  return { txPerSecond: transactions / elapsed, pgCpuMsPerTx: pgCpu / transactions, transactions };
}

/** The database's own cost of storing one proposal: the proposal row, one request per signer, one audit row, in one transaction. */
export async function creationFloor(
  url: string,
  options: { clients: number; seconds: number; signers: number },
): Promise<{ perSecond: number; pgCpuMsPerProposal: number }> {
  const database = new URL(url).pathname.slice(1);
  const setup = new Client({ connectionString: url });
  await setup.connect();
  await setup.query(`
    DROP TABLE IF EXISTS floor_c_audit, floor_c_requests, floor_c_proposals;
    CREATE TABLE floor_c_proposals (id uuid PRIMARY KEY, state text NOT NULL, prepared jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now());
    CREATE TABLE floor_c_requests (id uuid PRIMARY KEY, proposal_id uuid NOT NULL REFERENCES floor_c_proposals(id),
      signer text NOT NULL, state text NOT NULL);
    CREATE TABLE floor_c_audit (id bigserial PRIMARY KEY, entity_id uuid NOT NULL, details jsonb NOT NULL);`);
  const clients = await Promise.all(
    Array.from({ length: options.clients }, async () => {
      const client = new Client({ connectionString: url });
      await client.connect();
      return client;
    }),
  );
  const meter = new CpuMeter(await backendPids(setup, database));
  const prepared = JSON.stringify({ TransactionType: 'Payment', Amount: '1000000', Fee: '120', Sequence: 0 });
  const until = Date.now() + options.seconds * 1000;
  const started = Date.now();
  let created = 0;
  await Promise.all(
    clients.map(async (client) => {
      while (Date.now() < until) {
        const id = randomUUID();
        await client.query('BEGIN');
        await client.query(
          `INSERT INTO floor_c_proposals (id, state, prepared) VALUES ($1, 'collecting', $2)`,
          [id, prepared],
        );
        await client.query(
          `INSERT INTO floor_c_requests (id, proposal_id, signer, state)
           SELECT gen_random_uuid(), $1, 'rSigner' || i, 'queued' FROM generate_series(1, $2::int) i`,
          [id, options.signers],
        );
        await client.query(`INSERT INTO floor_c_audit (entity_id, details) VALUES ($1, '{}')`, [id]);
        await client.query('COMMIT');
        created++;
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  const pgCpu = meter.usedMs(await backendPids(setup, database));
  await Promise.all(clients.map((c) => c.end()));
  await setup.query(`DROP TABLE floor_c_audit, floor_c_requests, floor_c_proposals`);
  await setup.end();
  return { perSecond: created / elapsed, pgCpuMsPerProposal: pgCpu / created };
}
