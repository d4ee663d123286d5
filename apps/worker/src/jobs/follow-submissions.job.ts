import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { SettleSubmission } from '@app/domain';
import { WorkerJob } from '../worker-job';

/** Settles submitted proposals from validated ledgers, and resubmits dropped blobs; also on every validated ledger. */
@Injectable()
export class FollowSubmissionsJob implements WorkerJob {
  readonly name = 'follow-submissions';
  readonly onValidatedLedger = true;
  constructor(private readonly settlement: SettleSubmission) {}
  intervalMs = (config: AppConfig) => config.worker.tickMs;
  run() {
    return this.settlement.followDue();
  }
}
