import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { CombineAndSubmit } from '@app/domain';
import { WorkerJob } from '../worker-job';

/** Crash recovery: combines quorums a process stored or claimed but did not finish, and submits combined blobs. */
@Injectable()
export class RecoverCombinesJob implements WorkerJob {
  readonly name = 'recover-combines';
  constructor(private readonly combining: CombineAndSubmit) {}
  intervalMs = (config: AppConfig) => config.worker.tickMs;
  run() {
    return this.combining.recover();
  }
}
