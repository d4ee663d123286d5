import { AppConfig } from '@app/config';

/**
 * A unit of scheduled work: `{ name, intervalMs, run }`. Every job must be idempotent and safe with
 * several worker replicas (conditional updates and leases in PostgreSQL).
 */
export interface WorkerJob {
  readonly name: string;
  /** How often it runs, from the validated config. */
  intervalMs(config: AppConfig): number;
  /** Also run it on every validated ledger (settlement reacts to the ledger, not the clock). */
  readonly onValidatedLedger?: boolean;
  run(): Promise<unknown>;
}

/** The worker's own TypeORM data source (named, so API and worker can share one process). */
export const WORKER_DATA_SOURCE = 'worker';
