import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole domain of PRODUCT.md. Correctness lives in the schema where it can: states are checked,
 * a Xaman payload and a custom identifier belong to one request, one valid signature per signer and
 * proposal, one open proposal per Sequence/Ticket of an account, audit events are append-only.
 */
export class CreateSchema1763776800000 implements MigrationInterface {
  name = 'CreateSchema1763776800000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        role text NOT NULL CHECK (role IN ('admin', 'proposer', 'viewer')),
        key_prefix text NOT NULL,
        secret_hash text NOT NULL UNIQUE,
        created_by uuid NULL REFERENCES api_keys(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz NULL,
        revoked_at timestamptz NULL
      )`);

    await q.query(`
      CREATE TABLE accounts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        network text NOT NULL CHECK (network IN ('mainnet', 'testnet', 'devnet', 'sandbox')),
        address text NOT NULL CHECK (address ~ '^r[1-9A-HJ-NP-Za-km-z]{24,34}$'),
        label text NULL CHECK (label IS NULL OR length(label) <= 200),
        signer_quorum integer NOT NULL CHECK (signer_quorum > 0),
        signer_list_ledger_index bigint NOT NULL CHECK (signer_list_ledger_index > 0),
        signer_list_read_at timestamptz NOT NULL,
        master_disabled boolean NOT NULL DEFAULT false,
        regular_key text NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT accounts_network_address_unique UNIQUE (network, address)
      )`);

    await q.query(`
      CREATE TABLE signers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        address text NOT NULL CHECK (address ~ '^r[1-9A-HJ-NP-Za-km-z]{24,34}$'),
        weight integer NOT NULL CHECK (weight BETWEEN 1 AND 65535),
        in_signer_list boolean NOT NULL DEFAULT true,
        label text NULL CHECK (label IS NULL OR length(label) <= 200),
        user_token_ciphertext text NULL,
        user_token_expires_at timestamptz NULL,
        enrolment_state text NOT NULL DEFAULT 'none'
          CHECK (enrolment_state IN ('none', 'pending', 'enrolled', 'expired')),
        funded boolean NOT NULL,
        master_disabled boolean NOT NULL DEFAULT false,
        regular_key text NULL,
        key_facts_ledger_index bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT signers_account_address_unique UNIQUE (account_id, address)
      )`);

    await q.query(`
      CREATE TABLE proposals (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES accounts(id),
        state text NOT NULL CHECK (state IN ('collecting', 'quorum_reached', 'submitted', 'succeeded', 'failed',
          'expired', 'cancelled', 'rejected', 'superseded', 'invalidated')),
        transaction_type text NOT NULL,
        tx_template jsonb NOT NULL,
        prepared_tx jsonb NOT NULL,
        prepared_tx_hex text NOT NULL,
        sequence bigint NOT NULL CHECK (sequence >= 0),
        ticket_sequence bigint NULL CHECK (ticket_sequence IS NULL OR ticket_sequence > 0),
        fee_drops bigint NOT NULL CHECK (fee_drops > 0),
        max_signatures integer NOT NULL CHECK (max_signatures BETWEEN 1 AND 32),
        last_ledger_sequence bigint NOT NULL CHECK (last_ledger_sequence > 0),
        signer_quorum integer NOT NULL CHECK (signer_quorum > 0),
        signer_list_snapshot jsonb NOT NULL,
        deadline timestamptz NOT NULL,
        instruction text NULL CHECK (instruction IS NULL OR length(instruction) <= 280),
        created_by uuid NULL REFERENCES api_keys(id),
        idempotency_key text NULL CHECK (idempotency_key IS NULL OR length(idempotency_key) BETWEEN 1 AND 200),
        request_fingerprint text NULL,
        combined_blob text NULL,
        combined_hash text NULL CHECK (combined_hash IS NULL OR combined_hash ~ '^[0-9A-F]{64}$'),
        submit_attempts integer NOT NULL DEFAULT 0,
        last_submit_result text NULL,
        submitted_at timestamptz NULL,
        submitted_ledger_index bigint NULL,
        result_code text NULL,
        result_ledger_index bigint NULL,
        result_hash text NULL,
        delivered_amount jsonb NULL,
        final_reason text NULL,
        closed_at timestamptz NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT proposals_ticket_needs_zero_sequence CHECK (ticket_sequence IS NULL OR sequence = 0),
        CONSTRAINT proposals_combined_before_submit CHECK (
          state NOT IN ('submitted', 'succeeded') OR (combined_blob IS NOT NULL AND combined_hash IS NOT NULL)),
        CONSTRAINT proposals_closed_states_have_closed_at CHECK (
          (state IN ('collecting', 'quorum_reached', 'submitted')) = (closed_at IS NULL))
      )`);
    // Two open proposals may never hold the same Sequence or Ticket of one account.
    await q.query(`
      CREATE UNIQUE INDEX proposals_open_sequence_unique ON proposals (account_id, sequence, COALESCE(ticket_sequence, 0))
      WHERE state IN ('collecting', 'quorum_reached', 'submitted')`);
    await q.query(`
      CREATE UNIQUE INDEX proposals_idempotency_unique ON proposals (created_by, idempotency_key)
      WHERE idempotency_key IS NOT NULL`);
    await q.query(`
      CREATE INDEX proposals_open_by_deadline ON proposals (deadline)
      WHERE state IN ('collecting', 'quorum_reached', 'submitted')`);
    await q.query(
      `CREATE INDEX proposals_by_account_state ON proposals (account_id, state, created_at DESC, id DESC)`,
    );
    await q.query(`CREATE INDEX proposals_by_state_created ON proposals (state, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX proposals_by_created ON proposals (created_at DESC, id DESC)`);

    await q.query(`
      CREATE TABLE signature_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        proposal_id uuid NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
        signer_id uuid NOT NULL REFERENCES signers(id),
        signer_address text NOT NULL,
        attempt integer NOT NULL DEFAULT 1 CHECK (attempt >= 1),
        state text NOT NULL CHECK (state IN ('queued', 'created', 'opened', 'signed', 'rejected', 'refused',
          'expired', 'cancelled', 'failed')),
        custom_identifier text NOT NULL UNIQUE CHECK (length(custom_identifier) BETWEEN 1 AND 40),
        xaman_payload_uuid uuid NULL UNIQUE,
        pushed boolean NULL,
        sign_link text NULL,
        qr_png text NULL,
        create_attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NULL,
        last_error text NULL,
        blob_hex text NULL,
        blob_txid text NULL,
        refusal_code text NULL,
        refusal_detail text NULL,
        resolved_at timestamptz NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT signature_requests_attempt_unique UNIQUE (proposal_id, signer_address, attempt),
        CONSTRAINT signature_requests_refused_has_reason CHECK (state <> 'refused' OR refusal_code IS NOT NULL),
        CONSTRAINT signature_requests_created_has_payload CHECK (state = 'queued' OR state = 'failed'
          OR state = 'cancelled' OR xaman_payload_uuid IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX signature_requests_by_proposal ON signature_requests (proposal_id)`);
    await q.query(`
      CREATE INDEX signature_requests_queue ON signature_requests (next_attempt_at)
      WHERE state = 'queued'`);
    await q.query(`
      CREATE INDEX signature_requests_open ON signature_requests (updated_at)
      WHERE state IN ('created', 'opened')`);

    await q.query(`
      CREATE TABLE signatures (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        proposal_id uuid NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
        signature_request_id uuid NOT NULL REFERENCES signature_requests(id),
        signer_address text NOT NULL,
        signing_pub_key text NOT NULL CHECK (signing_pub_key ~ '^(ED[0-9A-F]{64}|0[23][0-9A-F]{64})$'),
        txn_signature text NOT NULL CHECK (txn_signature ~ '^[0-9A-F]+$'),
        key_type text NOT NULL CHECK (key_type IN ('master', 'regular')),
        weight integer NOT NULL CHECK (weight BETWEEN 1 AND 65535),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT signatures_one_per_signer UNIQUE (proposal_id, signer_address)
      )`);

    await q.query(`
      CREATE TABLE xaman_webhook_receipts (
        id bigserial PRIMARY KEY,
        signature text NOT NULL UNIQUE CHECK (signature ~ '^[0-9a-f]{40}$'),
        payload_uuid uuid NULL,
        request_timestamp bigint NOT NULL,
        attempt integer NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE audit_events (
        id bigserial PRIMARY KEY,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        actor_type text NOT NULL CHECK (actor_type IN ('api_key', 'xaman', 'worker', 'system')),
        actor_id text NULL,
        action text NOT NULL,
        entity_type text NOT NULL,
        entity_id text NOT NULL,
        request_id text NULL,
        details jsonb NOT NULL
      )`);
    await q.query(`CREATE INDEX audit_events_by_entity ON audit_events (entity_type, entity_id, id)`);
    await q.query(`
      CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_events`);
    await q.query(`DROP FUNCTION audit_events_append_only()`);
    await q.query(`DROP TABLE xaman_webhook_receipts`);
    await q.query(`DROP TABLE signatures`);
    await q.query(`DROP TABLE signature_requests`);
    await q.query(`DROP TABLE proposals`);
    await q.query(`DROP TABLE signers`);
    await q.query(`DROP TABLE accounts`);
    await q.query(`DROP TABLE api_keys`);
  }
}
