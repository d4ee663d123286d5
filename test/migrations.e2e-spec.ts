import { Wallet } from 'xrpl';
import { randomUUID } from 'node:crypto';
import { createDataSource } from '@app/persistence';
import type { DataSource } from '@app/persistence';
import { createScratchDatabase, dropScratchDatabase } from './support/database';

const TABLES = [
  'account_outside_transactions',
  'account_policies',
  'account_setups',
  'accounts',
  'api_keys',
  'audit_events',
  'console_sessions',
  'proposals',
  'signature_requests',
  'signatures',
  'signers',
  'webhook_deliveries',
  'webhook_events',
  'webhook_subscriptions',
  'xaman_webhook_receipts',
];

describe('migrations (real PostgreSQL)', () => {
  let url: string;
  let ds: DataSource;

  beforeAll(async () => {
    url = await createScratchDatabase(`migrations_${process.pid}`);
    ds = createDataSource(url, 2);
    await ds.initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await dropScratchDatabase(url);
  });

  const tables = async (): Promise<string[]> =>
    (
      await ds.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'schema_migrations' ORDER BY 1`,
      )
    ).map((r: { table_name: string }) => r.table_name);

  it('apply to an empty database, and the entities match the schema exactly', async () => {
    expect(await tables()).toEqual([]);
    const applied = await ds.runMigrations();
    expect(applied.length).toBeGreaterThan(0);
    expect(await tables()).toEqual(TABLES);
    // The entities map every table and column as the migrations made them. (Checks, partial indexes
    // and foreign keys live only in the migrations, so the diff may only want to drop those.)
    const pending = await ds.driver.createSchemaBuilder().log();
    const structural = pending.upQueries
      .map((q) => q.query)
      .filter(
        (q) =>
          !/^ALTER TABLE "\w+" DROP CONSTRAINT "\w+"$/.test(q) && !/^DROP INDEX "public"\."\w+"$/.test(q),
      );
    expect(structural).toEqual([]);
    expect(await ds.showMigrations()).toBe(false);
  });

  describe('the schema holds the rules', () => {
    let accountId: string;
    let signerId: string;
    beforeAll(async () => {
      [{ id: accountId }] = await ds.query(
        `INSERT INTO accounts (network, address, signer_quorum, signer_list_ledger_index, signer_list_read_at)
         VALUES ('sandbox', 'rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh', 2, 10, now()) RETURNING id`,
      );
      [{ id: signerId }] = await ds.query(
        `INSERT INTO signers (account_id, address, weight, funded, key_facts_ledger_index)
         VALUES ($1, 'rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe', 1, true, 10) RETURNING id`,
        [accountId],
      );
    });

    const proposal = (overrides: Record<string, unknown> = {}) => {
      const row: Record<string, unknown> = {
        account_id: accountId,
        state: 'collecting',
        transaction_type: 'Payment',
        tx_template: '{}',
        prepared_tx: '{}',
        prepared_tx_hex: '12',
        sequence: 5,
        fee_drops: 30,
        max_signatures: 2,
        last_ledger_sequence: 100,
        signer_quorum: 2,
        signer_list_snapshot: '{}',
        deadline: new Date(Date.now() + 60_000),
        ...overrides,
      };
      const columns = Object.keys(row);
      return ds.query(
        `INSERT INTO proposals (${columns.join(', ')}) VALUES (${columns.map((_c, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
        Object.values(row),
      );
    };

    it('refuses unknown states and malformed addresses', async () => {
      await expect(proposal({ state: 'done' })).rejects.toThrow(/check constraint/);
      await expect(
        ds.query(
          `INSERT INTO accounts (network, address, signer_quorum, signer_list_ledger_index, signer_list_read_at)
           VALUES ('sandbox', 'not-an-address', 1, 1, now())`,
        ),
      ).rejects.toThrow(/check constraint/);
      await expect(
        ds.query(
          `INSERT INTO accounts (network, address, signer_quorum, signer_list_ledger_index, signer_list_read_at)
           VALUES ('Moon_Net', 'rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh', 1, 1, now())`,
        ),
      ).rejects.toThrow(/check constraint/);
    });

    it('never lets two open proposals hold the same Sequence or Ticket of an account', async () => {
      await proposal({ sequence: 7 });
      await expect(proposal({ sequence: 7 })).rejects.toThrow(/proposals_open_sequence_unique/);
      await proposal({ sequence: 0, ticket_sequence: 42 });
      await expect(proposal({ sequence: 0, ticket_sequence: 42 })).rejects.toThrow(
        /proposals_open_sequence_unique/,
      );
      // A closed proposal frees its number.
      await ds.query(`UPDATE proposals SET state = 'cancelled', closed_at = now() WHERE sequence = 7`);
      await expect(proposal({ sequence: 7 })).resolves.toBeDefined();
    });

    it('requires Sequence 0 with a Ticket and a combined blob before submission', async () => {
      await expect(proposal({ sequence: 3, ticket_sequence: 9 })).rejects.toThrow(
        /ticket_needs_zero_sequence/,
      );
      await expect(proposal({ sequence: 11, state: 'submitted' })).rejects.toThrow(/combined_before_submit/);
    });

    it('keeps one valid signature per signer and proposal, and unique payload identifiers', async () => {
      const [{ id: proposalId }] = await proposal({ sequence: 20 });
      const request = async (identifier: string, payload: string | null) =>
        ds.query(
          `INSERT INTO signature_requests (proposal_id, signer_id, signer_address, attempt, state, custom_identifier, xaman_payload_uuid)
           VALUES ($1, $2, 'rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe', $3, 'created', $4, $5) RETURNING id`,
          [proposalId, signerId, identifier.length, identifier, payload],
        );
      const payloadUuid = randomUUID();
      const [{ id: requestId }] = await request('a', payloadUuid);
      await expect(request('bb', payloadUuid)).rejects.toThrow(/xaman_payload_uuid/);
      await expect(request('a', randomUUID())).rejects.toThrow(/custom_identifier/);
      await expect(request('x'.repeat(41), randomUUID())).rejects.toThrow(/check constraint/);

      const signature = () =>
        ds.query(
          `INSERT INTO signatures (proposal_id, signature_request_id, signer_address, signing_pub_key, txn_signature, key_type, weight)
           VALUES ($1, $2, 'rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe', $3, 'ABCD', 'master', 1)`,
          [proposalId, requestId, `ED${'A'.repeat(64)}`],
        );
      await signature();
      await expect(signature()).rejects.toThrow(/signatures_one_per_signer/);
    });

    it('keeps audit events append-only', async () => {
      await ds.query(
        `INSERT INTO audit_events (actor_type, action, entity_type, entity_id, details) VALUES ('system', 'x', 'y', 'z', '{}')`,
      );
      await expect(ds.query(`UPDATE audit_events SET action = 'changed'`)).rejects.toThrow(/append-only/);
      await expect(ds.query(`DELETE FROM audit_events`)).rejects.toThrow(/append-only/);
    });
  });

  it('AddSubmissionTracking: up adds the columns (backfilled) and indexes, down removes exactly them', async () => {
    const columns = async (): Promise<string[]> =>
      (
        await ds.query(
          `SELECT column_name FROM information_schema.columns
           WHERE table_name = 'proposals' AND column_name LIKE 'last_submitted%' ORDER BY 1`,
        )
      ).map((r: { column_name: string }) => r.column_name);
    const indexes = async (): Promise<string[]> =>
      (
        await ds.query(
          `SELECT indexname FROM pg_indexes
           WHERE indexname IN ('signature_requests_live', 'proposals_collecting_by_last_ledger') ORDER BY 1`,
        )
      ).map((r: { indexname: string }) => r.indexname);
    expect(await columns()).toEqual(['last_submitted_at', 'last_submitted_ledger_index']);
    expect(await indexes()).toEqual(['proposals_collecting_by_last_ledger', 'signature_requests_live']);

    // Revert the later migrations first, then this one.
    const undone = await undoThrough('AddSubmissionTracking1796025954976');
    expect(await columns()).toEqual([]);
    expect(await indexes()).toEqual([]);
    // A proposal submitted before the migration keeps its first submission as its latest one.
    const [{ id: accountId }] = await ds.query(
      `INSERT INTO accounts (network, address, signer_quorum, signer_list_ledger_index, signer_list_read_at)
       VALUES ('sandbox', 'rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe', 1, 10, now()) RETURNING id`,
    );
    const [{ id: proposalId }] = await ds.query(
      `INSERT INTO proposals (account_id, state, transaction_type, tx_template, prepared_tx, prepared_tx_hex,
         sequence, fee_drops, max_signatures, last_ledger_sequence, signer_quorum, signer_list_snapshot, deadline,
         combined_blob, combined_hash, submitted_at, submitted_ledger_index)
       VALUES ($1, 'submitted', 'Payment', '{}', '{}', '12', 900, 30, 1, 100, 1, '{}', now(),
         '12', $2, '2030-01-01T00:00:00Z', 77) RETURNING id`,
      [accountId, 'A'.repeat(64)],
    );
    expect(await ds.runMigrations()).toHaveLength(undone);
    const [row] = await ds.query(
      `SELECT last_submitted_at, last_submitted_ledger_index::int AS ledger FROM proposals WHERE id = $1`,
      [proposalId],
    );
    expect(row).toEqual({ last_submitted_at: new Date('2030-01-01T00:00:00Z'), ledger: 77 });
    expect(await columns()).toEqual(['last_submitted_at', 'last_submitted_ledger_index']);
    expect(await indexes()).toEqual(['proposals_collecting_by_last_ledger', 'signature_requests_live']);
  });

  /** Reverts the migrations applied after `name`, then `name` itself; how many were reverted. */
  async function undoThrough(name: string): Promise<number> {
    let undone = 0;
    for (;;) {
      const [last] = await ds.query(`SELECT name FROM schema_migrations ORDER BY id DESC LIMIT 1`);
      if (!last) throw new Error(`${name} is not applied`);
      await ds.undoLastMigration();
      undone++;
      if (last.name === name) return undone;
    }
  }

  it('AddSignerEnrolment: up adds the enrolment columns and indexes, down removes exactly them', async () => {
    const columns = async (): Promise<string[]> =>
      (
        await ds.query(
          `SELECT table_name || '.' || column_name AS c FROM information_schema.columns
           WHERE (table_name = 'signers' AND ((column_name LIKE 'enrol%' AND column_name <> 'enrolment_state') OR column_name IN ('user_token_checked_at', 'token_warned_expiry')))
              OR (table_name = 'accounts' AND column_name = 'tx_scan_ledger_index') ORDER BY 1`,
        )
      ).map((r: { c: string }) => r.c);
    const indexes = async (): Promise<string[]> =>
      (
        await ds.query(
          `SELECT indexname FROM pg_indexes
           WHERE indexname IN ('signers_enrolment_payload', 'signers_with_token') ORDER BY 1`,
        )
      ).map((r: { indexname: string }) => r.indexname);
    expect(await columns()).toHaveLength(10);
    expect(await indexes()).toEqual(['signers_enrolment_payload', 'signers_with_token']);
    const undone = await undoThrough('AddSignerEnrolment1796100000000');
    expect(await columns()).toEqual([]);
    expect(await indexes()).toEqual([]);
    expect(await ds.runMigrations()).toHaveLength(undone);
    expect(await columns()).toHaveLength(10);
  });

  it('AddApiKeyExpiry: up adds expires_at (null for existing keys, after creation), down removes it', async () => {
    const expiryColumn = async () =>
      (
        await ds.query(
          `SELECT column_name FROM information_schema.columns WHERE table_name = 'api_keys' AND column_name = 'expires_at'`,
        )
      ).length;
    expect(await expiryColumn()).toBe(1);
    const undone = await undoThrough('AddApiKeyExpiry1796300000000');
    expect(await expiryColumn()).toBe(0);
    await ds.query(
      `INSERT INTO api_keys (name, role, key_prefix, secret_hash) VALUES ('old', 'viewer', 'p', 'h-old')`,
    );
    expect(await ds.runMigrations()).toHaveLength(undone);
    expect(await ds.query(`SELECT expires_at FROM api_keys WHERE secret_hash = 'h-old'`)).toEqual([
      { expires_at: null },
    ]);
    await expect(
      ds.query(
        `INSERT INTO api_keys (name, role, key_prefix, secret_hash, expires_at) VALUES ('bad', 'viewer', 'p', 'h-bad', now() - interval '1 second')`,
      ),
    ).rejects.toThrow(/api_keys_expires_after_creation/);
    await ds.query(`DELETE FROM api_keys`);
  });

  it('AddLiveLedgerHealth: an account registered before scans from its SignerList ledger; down drops the table and delegates', async () => {
    const undone = await undoThrough('AddLiveLedgerHealth1796812000000');
    const [{ id: accountId }] = await ds.query(
      `INSERT INTO accounts (network, address, signer_quorum, signer_list_ledger_index, signer_list_read_at)
       VALUES ('sandbox', $1, 1, 42, now()) RETURNING id`,
      [Wallet.generate().classicAddress],
    );
    expect(await ds.runMigrations()).toHaveLength(undone);
    expect(
      await ds.query(`SELECT tx_scan_ledger_index, delegates FROM accounts WHERE id = $1`, [accountId]),
    ).toEqual([{ tx_scan_ledger_index: '42', delegates: [] }]);
    await ds.query(
      `INSERT INTO account_outside_transactions (account_id, hash, transaction_type, ledger_index, result, detected_at)
       VALUES ($1, 'H', 'Payment', 43, 'tesSUCCESS', now())`,
      [accountId],
    );
    await expect(
      ds.query(
        `INSERT INTO account_outside_transactions (account_id, hash, transaction_type, ledger_index, result, detected_at)
         VALUES ($1, 'H', 'Payment', 43, 'tesSUCCESS', now())`,
        [accountId],
      ),
    ).rejects.toThrow(/unique/);
    await undoThrough('AddLiveLedgerHealth1796812000000');
    expect(
      await ds.query(
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = 'delegates'`,
      ),
    ).toEqual([]);
    expect(await ds.query(`SELECT to_regclass('account_outside_transactions') AS t`)).toEqual([{ t: null }]);
    await ds.runMigrations();
    await ds.query(`DELETE FROM account_outside_transactions`);
    await ds.query(`DELETE FROM accounts WHERE id = $1`, [accountId]);
  });

  it('AddConsoleSessions: up makes console_sessions (a session needs an existing key), down drops it', async () => {
    const [{ id: keyId }] = await ds.query(
      `INSERT INTO api_keys (name, role, key_prefix, secret_hash) VALUES ('k', 'viewer', 'abcdefgh', $1) RETURNING id`,
      [randomUUID()],
    );
    await ds.query(
      `INSERT INTO console_sessions (secret_hash, api_key_id, role, expires_at) VALUES ('h1', $1, 'viewer', now())`,
      [keyId],
    );
    await expect(
      ds.query(
        `INSERT INTO console_sessions (secret_hash, api_key_id, role, expires_at) VALUES ('h2', $1, 'viewer', now())`,
        [randomUUID()],
      ),
    ).rejects.toThrow(/foreign key/);
    await expect(
      ds.query(
        `INSERT INTO console_sessions (secret_hash, api_key_id, role, expires_at) VALUES ('h1', $1, 'viewer', now())`,
        [keyId],
      ),
    ).rejects.toThrow(/unique/);
  });

  it('AddTreasuryControls: time_locked is an open state holding its number; down returns it to quorum_reached', async () => {
    const [{ id: accountId }] = await ds.query(
      `INSERT INTO accounts (network, address, signer_quorum, signer_list_ledger_index, signer_list_read_at)
       VALUES ('sandbox', 'rGWrZyQqhTp9Xu7G5Pkayo7bXjH4k4QYpf', 1, 10, now()) RETURNING id`,
    );
    const insert = (state: string, sequence: number, extra = '') =>
      ds.query(
        `INSERT INTO proposals (account_id, state, transaction_type, tx_template, prepared_tx, prepared_tx_hex,
           sequence, fee_drops, max_signatures, last_ledger_sequence, signer_quorum, signer_list_snapshot, deadline,
           combined_blob, combined_hash, xrp_out_drops, releases_at ${extra ? ', closed_at' : ''})
         VALUES ($1, $2, 'Payment', '{}', '{}', '12', $3, 30, 1, 100, 1, '{}', now(), '12', $4, 5, now()
           ${extra ? ', now()' : ''}) RETURNING id`,
        [accountId, state, sequence, 'B'.repeat(64)],
      );
    const [{ id }] = await insert('time_locked', 7);
    // Open: it holds Sequence 7 (a second open proposal on it is refused), and has no closed_at.
    await expect(insert('collecting', 7)).rejects.toThrow(/proposals_open_sequence_unique/);
    await expect(insert('time_locked', 8, 'closed')).rejects.toThrow(
      /proposals_closed_states_have_closed_at/,
    );
    await expect(ds.query(`UPDATE proposals SET combined_blob = NULL WHERE id = $1`, [id])).rejects.toThrow(
      /proposals_combined_before_submit/,
    );

    const undone = await undoThrough('AddTreasuryControls1796500000000');
    const [row] = await ds.query(`SELECT state FROM proposals WHERE id = $1`, [id]);
    expect(row.state).toBe('quorum_reached');
    await expect(insert('time_locked', 9)).rejects.toThrow(/proposals_state_check|column/);
    expect(await ds.runMigrations()).toHaveLength(undone);
    const [back] = await ds.query(
      `SELECT xrp_out_drops::int AS out, policy_version FROM proposals WHERE id = $1`,
      [id],
    );
    expect(back).toEqual({ out: 0, policy_version: 0 });
    await ds.query(`DELETE FROM proposals WHERE account_id = $1`, [accountId]);
    await ds.query(`DELETE FROM accounts WHERE id = $1`, [accountId]);
  });

  it('AddAccountSetups: up makes account_setups (a known state only), down drops it', async () => {
    const insert = (state: string) =>
      ds.query(
        `INSERT INTO account_setups (network, address, quorum, signers, state, steps, actor)
         VALUES ('sandbox', 'rAddress', 1, '[]', $1, '[]', '{"type":"system","id":null}')`,
        [state],
      );
    await insert('awaiting_signer_list');
    await expect(insert('half_done')).rejects.toThrow(/check constraint/);
    await ds.query(`DELETE FROM account_setups`);
  });

  it('AllowCustomNetworks: up lets accounts name a custom network (the name format only), down refuses it again', async () => {
    const insert = (network: string) =>
      ds.query(
        `INSERT INTO accounts (network, address, signer_quorum, signer_list_ledger_index, signer_list_read_at)
         VALUES ($1, 'rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe', 1, 1, now()) RETURNING id`,
        [network],
      );
    const id = ((await insert('sandbox2')) as { id: string }[])[0]!.id;
    await expect(insert('Sandbox 3')).rejects.toThrow(/accounts_network_format/);
    await ds.query(`DELETE FROM accounts WHERE id = $1`, [id]);
    await undoThrough('AllowCustomNetworks1796850000000');
    await expect(insert('sandbox2')).rejects.toThrow(/check constraint/);
    await ds.runMigrations();
  });

  it('AddPayloadResolutionLease: up adds the lease columns (free, not asked again), down drops them', async () => {
    const columns = async (): Promise<string[]> =>
      (
        await ds.query(
          `SELECT column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '-') AS c
           FROM information_schema.columns
           WHERE table_name = 'signature_requests' AND column_name IN ('resolve_again', 'resolve_lease_until') ORDER BY 1`,
        )
      ).map((r: { c: string }) => r.c);
    expect(await columns()).toEqual([
      'resolve_again boolean NO false',
      'resolve_lease_until timestamp with time zone YES -',
    ]);
    expect(await undoThrough('AddPayloadResolutionLease1796900000000')).toBe(1);
    expect(await columns()).toEqual([]);
    await ds.runMigrations();
  });

  it('revert cleanly, one by one, to an empty schema', async () => {
    while (Number((await ds.query(`SELECT count(*)::int AS n FROM schema_migrations`))[0].n) > 0) {
      await ds.undoLastMigration();
    }
    expect(await tables()).toEqual([]);
    const functions = await ds.query(
      `SELECT proname FROM pg_proc JOIN pg_namespace n ON n.oid = pronamespace WHERE nspname = 'public'`,
    );
    expect(functions).toEqual([]);
    // and apply again on top of the reverted database
    await ds.runMigrations();
    expect(await tables()).toEqual(TABLES);
  });
});
