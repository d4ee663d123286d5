import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { CombineAndSubmit } from '@app/domain';
import { WorkerJob } from '../worker-job';

/** Submits time-locked proposals whose lock ended (`time_locked -> submitted`, one owner each). */
@Injectable()
export class ReleaseTimeLocksJob implements WorkerJob {
  readonly name = 'release-time-locks';
  constructor(private readonly combining: CombineAndSubmit) {}
  intervalMs = (config: AppConfig) => config.worker.tickMs;
  run() {
    return this.combining.releaseDue();
  }
}
