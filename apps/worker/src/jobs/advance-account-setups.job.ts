import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { AdvanceAccountSetups } from '@app/domain';
import { WorkerJob } from '../worker-job';

/**
 * Moves open account set-ups on: re-reads the owner's payload, submits a verified blob, follows it to
 * a validated ledger, asks for the master-key disable, registers the account and invites its signers.
 * At the payload polling pace, and on every validated ledger.
 */
@Injectable()
export class AdvanceAccountSetupsJob implements WorkerJob {
  readonly name = 'advance-account-setups';
  readonly onValidatedLedger = true;
  constructor(private readonly setups: AdvanceAccountSetups) {}
  intervalMs = (config: AppConfig) => config.xaman.pollIntervalMs;
  run() {
    return this.setups.runDue();
  }
}
