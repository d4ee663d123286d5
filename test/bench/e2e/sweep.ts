import {
  CancelReason,
  CloseProposal,
  CoordinatorSettings,
  AccountLedgers,
  LedgerPort,
  PayloadWatches,
  silentLogger,
  StateChanges,
  SystemClock,
  WithdrawPayloads,
  XamanPort,
} from '@app/domain';
import { DataSource, TypeormProposalRepository, TypeormUnitOfWork } from '@app/persistence';

/** The expiry sweep as the worker runs it (CloseProposal.expireDue, real adapters), with the ledger and Xaman stubbed out. */
function sweeper(dataSource: DataSource): CloseProposal {
  const clock = new SystemClock();
  const proposals = new TypeormProposalRepository(dataSource.manager);
  const changes = new StateChanges(new TypeormUnitOfWork(dataSource), clock);
  const xaman = {
    cancelPayload: (): Promise<{ cancelled: boolean; reason: CancelReason }> =>
      Promise.resolve({ cancelled: true, reason: 'OK' }),
    watchPayload: () => ({ close: () => undefined }),
  } as unknown as XamanPort;
  const ledger = { validatedLedgerIndex: () => Promise.resolve(1) } as unknown as LedgerPort;
  const ledgers = {
    names: () => ['testnet'],
    forNetwork: () => ledger,
  } as unknown as AccountLedgers;
  const settings = { withdrawRetryMs: 1000 } as CoordinatorSettings;
  const withdrawal = new WithdrawPayloads(
    proposals,
    changes,
    xaman,
    new PayloadWatches(xaman),
    clock,
    settings,
    silentLogger,
  );
  return new CloseProposal(proposals, changes, withdrawal, ledgers, clock, silentLogger);
}

/**
 * `total` proposals of which `due` are collecting past their deadline, then the worker's sweep until
 * none is due. Baseline: one bulk UPDATE of the same rows (the database's own cost for the change).
 */
export async function expirySweep(
  dataSource: DataSource,
  total: number,
  due: number,
): Promise<{ insertSeconds: number; sweepMs: number; bulkUpdateMs: number; expired: number }> {
  const started = Date.now();
  const [account] = await dataSource.query<{ id: string }[]>(`
    INSERT INTO accounts (network, address, signer_quorum, signer_list_ledger_index, signer_list_read_at)
    VALUES ('sandbox', 'rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh', 2, 10, now()) RETURNING id`);
  const accountId = account!.id;
  const common = `$1::uuid, 'Payment', '{}'::jsonb, '{}'::jsonb, 'AB', 1000, 2, 100000000, 2,
    '{"quorum":2,"entries":[],"ledgerIndex":10}'::jsonb`;
  await dataSource.query(
    `INSERT INTO proposals (account_id, transaction_type, tx_template, prepared_tx, prepared_tx_hex, fee_drops,
       max_signatures, last_ledger_sequence, signer_quorum, signer_list_snapshot, state, sequence, deadline, closed_at,
       created_at)
     SELECT ${common}, 'expired', 0, now() - interval '10 days', now() - interval '10 days',
       now() - (i || ' seconds')::interval FROM generate_series(1, $2::int) i`,
    [accountId, total - due],
  );
  await dataSource.query(
    `INSERT INTO proposals (account_id, transaction_type, tx_template, prepared_tx, prepared_tx_hex, fee_drops,
       max_signatures, last_ledger_sequence, signer_quorum, signer_list_snapshot, state, sequence, ticket_sequence,
       deadline)
     SELECT ${common}, 'collecting', 0, i, now() - interval '1 minute' FROM generate_series(1, $2::int) i`,
    [accountId, due],
  );
  await dataSource.query('ANALYZE proposals');
  const insertSeconds = (Date.now() - started) / 1000;

  const sweep = sweeper(dataSource);
  const sweepStarted = Date.now();
  let expired = 0;
  for (;;) {
    const n = await sweep.expireDue(1000);
    expired += n;
    if (n === 0) break;
  }
  const sweepMs = Date.now() - sweepStarted;

  // Baseline: the same rows back to collecting, then expired by one statement.
  await dataSource.query(
    `UPDATE proposals SET state = 'collecting', closed_at = NULL, final_reason = NULL WHERE ticket_sequence IS NOT NULL`,
  );
  const bulkStarted = Date.now();
  await dataSource.query(
    `UPDATE proposals SET state = 'expired', closed_at = now(), updated_at = now(),
       final_reason = 'The signing deadline passed before the quorum was reached'
     WHERE state = 'collecting' AND deadline < now()`,
  );
  const bulkUpdateMs = Date.now() - bulkStarted;
  return { insertSeconds, sweepMs, bulkUpdateMs, expired };
}
