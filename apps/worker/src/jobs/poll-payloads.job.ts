import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { PollPayloads } from '@app/domain';
import { WorkerJob } from '../worker-job';

/** The polling fallback: re-reads open payloads whose webhook or socket event may have been missed. */
@Injectable()
export class PollPayloadsJob implements WorkerJob {
  readonly name = 'poll-payloads';
  constructor(private readonly poll: PollPayloads) {}
  intervalMs = (config: AppConfig) => config.worker.tickMs;
  run() {
    return this.poll.execute();
  }
}
