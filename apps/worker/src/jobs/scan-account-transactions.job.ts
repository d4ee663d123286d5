import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { ScanAccountTransactions } from '@app/domain';
import { WorkerJob } from '../worker-job';

/**
 * Transactions sent outside the service, every TX_SCAN_INTERVAL_MS: each account's validated
 * transactions since the last scan; those the treasury sent that no proposal or set-up made are
 * recorded, audited and emitted as `account.outside_transaction`.
 */
@Injectable()
export class ScanAccountTransactionsJob implements WorkerJob {
  readonly name = 'scan-account-transactions';
  constructor(private readonly scanning: ScanAccountTransactions) {}
  intervalMs = (config: AppConfig) => config.worker.txScanMs;
  run() {
    return this.scanning.execute();
  }
}
