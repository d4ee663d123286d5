import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { CloseProposal } from '@app/domain';
import { WorkerJob } from '../worker-job';

/** Closes collecting proposals past their deadline or LastLedgerSequence, and withdraws their payloads. */
@Injectable()
export class ExpireProposalsJob implements WorkerJob {
  readonly name = 'expire-proposals';
  constructor(private readonly closing: CloseProposal) {}
  intervalMs = (config: AppConfig) => config.worker.tickMs;
  run() {
    return this.closing.expireDue();
  }
}
