import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { CheckLedgerDrift } from '@app/domain';
import { WorkerJob } from '../worker-job';

/**
 * Ledger drift, every SIGNER_LIST_CHECK_INTERVAL_MS: a changed SignerList invalidates the collecting
 * proposals prepared under it; a Sequence/Ticket used by something else supersedes them.
 */
@Injectable()
export class LedgerDriftJob implements WorkerJob {
  readonly name = 'ledger-drift';
  constructor(private readonly drift: CheckLedgerDrift) {}
  intervalMs = (config: AppConfig) => config.worker.signerListCheckMs;
  run() {
    return this.drift.execute();
  }
}
