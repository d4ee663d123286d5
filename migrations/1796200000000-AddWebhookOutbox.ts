import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbound webhooks and the quorum time of proposals.
 * - `webhook_subscriptions`: an integrator's endpoint, its event filters and its secret (encrypted).
 * - `webhook_events`: the outbox; `sequence` orders events of one ordering key (a proposal, an
 *   account) in commit order (the emitter holds a transaction-scoped advisory lock on the key).
 * - `webhook_deliveries`: one per event and subscription; the worker leases due ones
 *   (`webhook_deliveries_due`) and sends one at a time per (subscription, ordering key)
 *   (`webhook_deliveries_pending_order`).
 * - `proposals.quorum_reached_at`: when the quorum was (last) reached, for the quorum-to-submit and
 *   quorum-to-validated timings.
 */
export class AddWebhookOutbox1796200000000 implements MigrationInterface {
  name = 'AddWebhookOutbox1796200000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE proposals ADD COLUMN quorum_reached_at timestamptz NULL`);
    await q.query(`
      CREATE TABLE webhook_subscriptions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        url text NOT NULL,
        events text[] NOT NULL,
        description text NULL,
        secret_ciphertext text NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        disabled_at timestamptz NULL,
        disabled_reason text NULL,
        created_by uuid NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE webhook_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        sequence bigserial NOT NULL UNIQUE,
        type text NOT NULL,
        ordering_key text NOT NULL,
        data jsonb NOT NULL,
        occurred_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        subscription_id uuid NOT NULL REFERENCES webhook_subscriptions(id) ON DELETE CASCADE,
        event_id uuid NOT NULL REFERENCES webhook_events(id) ON DELETE CASCADE,
        event_type text NOT NULL,
        ordering_key text NOT NULL,
        sequence bigint NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        lease_until timestamptz NULL,
        lease_token uuid NULL,
        first_failed_at timestamptz NULL,
        last_attempt_at timestamptz NULL,
        last_status_code integer NULL,
        last_error text NULL,
        delivered_at timestamptz NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (subscription_id, event_id)
      )`);
    await q.query(`
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
      WHERE status = 'pending'`);
    await q.query(`
      CREATE INDEX webhook_deliveries_pending_order
      ON webhook_deliveries (subscription_id, ordering_key, sequence)
      WHERE status = 'pending'`);
    await q.query(
      `CREATE INDEX webhook_deliveries_log ON webhook_deliveries (subscription_id, sequence DESC)`,
    );
    await q.query(`CREATE INDEX webhook_deliveries_by_event ON webhook_deliveries (event_id)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_deliveries`);
    await q.query(`DROP TABLE webhook_events`);
    await q.query(`DROP TABLE webhook_subscriptions`);
    await q.query(`ALTER TABLE proposals DROP COLUMN quorum_reached_at`);
  }
}
