/** A unit of scheduled work. Every job must be idempotent and safe with several worker replicas. */
export interface WorkerJob {
  readonly name: string;
  run(): Promise<void>;
}

/** The worker's own TypeORM data source (named, so API and worker can share one process). */
export const WORKER_DATA_SOURCE = 'worker';

/** Multi-provider token: every module that contributes a job provides it under this token. */
export const WORKER_JOBS = Symbol('WORKER_JOBS');
