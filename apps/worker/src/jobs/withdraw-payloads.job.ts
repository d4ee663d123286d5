import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { WithdrawPayloads } from '@app/domain';
import { WorkerJob } from '../worker-job';

/** Withdraws payloads still open on proposals that left collecting (an inline withdrawal failed or its process died). */
@Injectable()
export class WithdrawPayloadsJob implements WorkerJob {
  readonly name = 'withdraw-payloads';
  constructor(private readonly withdrawal: WithdrawPayloads) {}
  intervalMs = (config: AppConfig) => config.worker.tickMs;
  run() {
    return this.withdrawal.runDue();
  }
}
