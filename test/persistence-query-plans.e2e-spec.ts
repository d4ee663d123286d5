import {
  buildDataSourceOptions,
  DataSource,
  type QueryLogger as TypeormLogger,
  TypeormProposalRepository,
} from '@app/persistence';
import { createTestDatabase, TestDatabase } from './support/database';
import { at } from './support/persistence-fixtures';

/** Records the SQL the adapters run, so the plans below are of exactly those statements. */
class QueryRecorder implements TypeormLogger {
  readonly queries: { sql: string; parameters: unknown[] }[] = [];
  logQuery(sql: string, parameters?: unknown[]): void {
    this.queries.push({ sql, parameters: parameters ?? [] });
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

/**
 * The worker's due-work queries read an index, not the whole table: on a realistic table (most
 * proposals closed, most requests finished) after ANALYZE, and with sequential scans disabled so the
 * assertion is about the index being usable rather than about the planner's cost estimates.
 */
describe('query plans of the due-work queries (real PostgreSQL)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const recorder = new QueryRecorder();

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.truncateAll();
    ds = new DataSource({ ...buildDataSourceOptions(db.url, 1), logger: recorder, logging: true });
    await ds.initialize();
    await ds.query(`
      INSERT INTO accounts (id, network, address, signer_quorum, signer_list_ledger_index, signer_list_read_at)
      VALUES ('00000000-0000-4000-8000-000000000001', 'sandbox', 'rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh', 2, 10, now())`);
    await ds.query(`
      INSERT INTO signers (id, account_id, address, weight, funded, key_facts_ledger_index)
      VALUES ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001',
              'rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe', 1, true, 10)`);
    // 20 000 proposals: the last 50 collecting, the others cancelled; three requests each, live only
    // for the open proposals and a handful of closed ones.
    await ds.query(
      `
      INSERT INTO proposals (account_id, state, transaction_type, tx_template, prepared_tx, prepared_tx_hex,
        sequence, fee_drops, max_signatures, last_ledger_sequence, signer_quorum, signer_list_snapshot,
        deadline, closed_at)
      SELECT '00000000-0000-4000-8000-000000000001', CASE WHEN i > 19950 THEN 'collecting' ELSE 'cancelled' END,
        'Payment', '{}', '{}', '12', i, 30, 3, 1000 + i, 2, '{}', $1::timestamptz + i * interval '1 second',
        CASE WHEN i > 19950 THEN NULL ELSE now() END
      FROM generate_series(1, 20000) AS i`,
      [at(0)],
    );
    await ds.query(`
      INSERT INTO signature_requests (proposal_id, signer_id, signer_address, attempt, state, custom_identifier)
      SELECT p.id, '00000000-0000-4000-8000-000000000002', 'rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe', a,
        CASE WHEN p.state = 'collecting' OR p.sequence % 1000 = 0 THEN 'queued' ELSE 'cancelled' END,
        p.sequence || '-' || a
      FROM proposals p CROSS JOIN generate_series(1, 3) AS a`);
    await ds.query(`ANALYZE`);
  }, 60_000); // 20,000 rows: slow when the machine is busy
  afterAll(async () => {
    await ds.destroy();
    await db.destroy();
  });

  /** EXPLAIN of the one statement `call` runs, with sequential scans off for the transaction. */
  const planOf = async (
    call: (proposals: TypeormProposalRepository) => Promise<unknown>,
  ): Promise<string> => {
    recorder.queries.length = 0;
    await call(new TypeormProposalRepository(ds.manager));
    const statements = recorder.queries.filter((q) => /^\s*SELECT/i.test(q.sql));
    expect(statements).toHaveLength(1);
    const { sql, parameters } = statements[0]!;
    return ds.transaction(async (manager) => {
      await manager.query(`SET LOCAL enable_seqscan = off`);
      const rows = await manager.query<{ 'QUERY PLAN': string }[]>(`EXPLAIN ${sql}`, parameters);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });
  };

  it('requestsToWithdraw reads the partial index of live requests', async () => {
    const plan = await planOf((proposals) => proposals.requestsToWithdraw(at(100), 50));
    expect(plan).toMatch(/(Index Scan|Bitmap Index Scan) (using|on) signature_requests_live/);
    expect(plan).not.toMatch(/Seq Scan/);
  });

  it('dueForExpiry reads the indexes of collecting proposals by deadline or LastLedgerSequence', async () => {
    const plan = await planOf((proposals) => proposals.dueForExpiry(at(19_960), 5_000, 50));
    expect(plan).toMatch(
      /(Index Scan|Bitmap Index Scan) (using|on) proposals_(open_by_deadline|collecting_by_last_ledger)/,
    );
    expect(plan).not.toMatch(/Seq Scan/);
  });

  it('liveRequestsOf (the withdrawal after a batched expiry) reads the requests by proposal', async () => {
    const ids = (
      await ds.query<{ id: string }[]>(`SELECT id FROM proposals ORDER BY sequence DESC LIMIT 20`)
    ).map((r) => r.id);
    const plan = await planOf((proposals) => proposals.liveRequestsOf(ids));
    expect(plan).toMatch(/(Index Scan|Bitmap Index Scan) (using|on) signature_requests_by_proposal/);
    expect(plan).not.toMatch(/Seq Scan/);
  });

  it('both return the expected rows on this data', async () => {
    const proposals = new TypeormProposalRepository(ds.manager);
    // 19 closed proposals (sequence % 1000 = 0) with three queued requests each.
    expect(await proposals.requestsToWithdraw(at(100), 100)).toHaveLength(57);
    // Deadlines of the collecting proposals (19951..20000 s) before 19960 s: 19951..19959.
    expect(await proposals.dueForExpiry(at(19_960), 0, 100)).toHaveLength(9);
  });
});
