import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG, AppConfig } from '@app/config';
import { WORKER_JOBS, WorkerJob } from './worker-job';

/**
 * Runs every registered job on the worker tick. A job never overlaps itself in one process; across
 * replicas, jobs coordinate through Postgres (conditional updates, SKIP LOCKED).
 */
@Injectable()
export class WorkerSchedulerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Worker');
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly registry: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WORKER_JOBS) private readonly jobs: WorkerJob[],
  ) {}

  onApplicationBootstrap(): void {
    for (const job of this.jobs) {
      const handle = setInterval(() => void this.tick(job), this.config.worker.tickMs);
      this.registry.addInterval(`job:${job.name}`, handle);
    }
    this.logger.log(`worker started with ${this.jobs.length} job(s), tick ${this.config.worker.tickMs} ms`);
  }

  /** Runs one job now (also used by tests and by event-driven triggers). */
  tick(job: WorkerJob): Promise<void> {
    const current = this.running.get(job.name);
    if (current) return current;
    const run = job
      .run()
      .catch((error: unknown) => this.logger.error({ err: error, job: job.name }, `job ${job.name} failed`))
      .finally(() => this.running.delete(job.name));
    this.running.set(job.name, run);
    return run;
  }

  /** Stops scheduling, then lets running jobs finish for up to 10 s (each is safe to interrupt). */
  async onApplicationShutdown(): Promise<void> {
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
