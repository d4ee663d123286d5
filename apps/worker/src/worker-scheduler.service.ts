import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG, AppConfig } from '@app/config';
import { Ledgers, Metrics } from '@app/domain';
import type { XrplLedgers } from '@app/xrpl';
import { WORKER_JOBS } from './jobs';
import { WorkerJob } from './worker-job';

/**
 * Runs every job of the registry on its own interval (and, for settlement, on every validated
 * ledger). A job never overlaps itself in one process; across replicas, jobs coordinate through
 * PostgreSQL (conditional updates, leases).
 */
@Injectable()
export class WorkerSchedulerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Worker');
  private readonly running = new Map<string, Promise<void>>();
  private jobs: WorkerJob[] = [];
  private stopLedgerListener: (() => void) | null = null;

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly moduleRef: ModuleRef,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(Ledgers) private readonly ledgers: XrplLedgers,
    private readonly metrics: Metrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.jobs = WORKER_JOBS.map((type) => this.moduleRef.get<WorkerJob>(type));
    for (const job of this.jobs) {
      const handle = setInterval(() => void this.tick(job), job.intervalMs(this.config));
      this.registry.addInterval(`job:${job.name}`, handle);
    }
    const onLedger = this.jobs.filter((job) => job.onValidatedLedger);
    // Every served network's validated ledgers trigger the settlement jobs.
    this.stopLedgerListener = await this.ledgers.onLedgerClosed(() => {
      for (const job of onLedger) void this.tick(job);
    });
    this.logger.log(
      `worker started with ${this.jobs.length} jobs: ${this.jobs.map((j) => `${j.name} every ${j.intervalMs(this.config)} ms`).join(', ')}`,
    );
  }

  /** Runs one job now, unless it is already running in this process. */
  tick(job: WorkerJob): Promise<void> {
    const current = this.running.get(job.name);
    if (current) return current;
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    const run = job
      .run()
      .then(() => this.metrics.jobRun(job.name, seconds(), true))
      .catch((error: unknown) => {
        this.metrics.jobRun(job.name, seconds(), false);
        this.logger.error({ err: error, job: job.name }, `job ${job.name} failed`);
      })
      .finally(() => this.running.delete(job.name));
    this.running.set(job.name, run);
    return run;
  }

  /** Stops scheduling, then lets running jobs finish for up to 10 s (each is safe to interrupt). */
  async onApplicationShutdown(): Promise<void> {
    this.stopLedgerListener?.();
    for (const name of this.registry.getIntervals()) this.registry.deleteInterval(name);
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.logger.warn(`jobs still running after 10 s: ${[...this.running.keys()].join(', ')}`);
        resolve();
      }, 10_000);
    });
    await Promise.race([Promise.all(this.running.values()), grace]);
    clearTimeout(timer);
  }
}
