import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AccountsService, CoordinationService } from '@app/domain';
import { XrplLedgerGateway } from '@app/xrpl';
import { WORKER_DATA_SOURCE, WorkerJob } from './worker-job';

/** Sends queued sign requests once their back-off has passed (Xaman rate limits, outages). */
@Injectable()
export class DispatchSignRequestsJob implements WorkerJob {
  readonly name = 'dispatch-sign-requests';
  constructor(private readonly coordination: CoordinationService) {}
  async run(): Promise<void> {
    await this.coordination.dispatchQueued();
  }
}

/** The polling fallback: re-reads open payloads whose webhook or socket event may have been missed. */
@Injectable()
export class PollPayloadsJob implements WorkerJob {
  readonly name = 'poll-payloads';
  constructor(private readonly coordination: CoordinationService) {}
  async run(): Promise<void> {
    await this.coordination.pollOpenPayloads();
  }
}

/** Closes proposals past their deadline or LastLedgerSequence and cancels their payloads. */
@Injectable()
export class ExpireProposalsJob implements WorkerJob {
  readonly name = 'expire-proposals';
  constructor(private readonly coordination: CoordinationService) {}
  async run(): Promise<void> {
    await this.coordination.expireDue();
  }
}

/**
 * Crash recovery and settlement: submits combined proposals, combines quorums a dead process left,
 * and settles submitted ones from validated ledgers. Also runs on every validated ledger.
 */
@Injectable()
export class AdvanceSubmissionsJob implements WorkerJob, OnApplicationBootstrap {
  readonly name = 'advance-submissions';
  private readonly logger = new Logger('AdvanceSubmissions');
  private running: Promise<void> | null = null;

  constructor(
    private readonly coordination: CoordinationService,
    private readonly ledger: XrplLedgerGateway,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ledger.onLedgerClosed(() => void this.run().catch(() => undefined));
  }

  run(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.coordination
      .advanceSubmissions()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'advance submissions failed'))
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }
}

/**
 * Ledger drift: re-reads every account's SignerList, signer keys, Sequence and Tickets from a validated
 * ledger every SIGNER_LIST_CHECK_INTERVAL_MS. A changed list or key invalidates the collecting
 * proposals prepared under it; a Sequence/Ticket used by something else supersedes them. Either way
 * their payloads are withdrawn.
 */
@Injectable()
export class SignerListDriftJob implements WorkerJob {
  readonly name = 'signer-list-drift';
  private readonly logger = new Logger('SignerListDrift');
  private lastRun = 0;

  constructor(
    private readonly accounts: AccountsService,
    private readonly coordination: CoordinationService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(): Promise<void> {
    if (Date.now() - this.lastRun < this.config.worker.signerListCheckMs) return;
    this.lastRun = Date.now();
    for (const account of await this.accounts.list()) {
      try {
        const refreshed = await this.accounts.refresh(account.id, { type: 'worker', id: null });
        if (refreshed.changed) {
          this.logger.warn(
            { accountId: account.id, invalidated: refreshed.invalidatedProposalIds },
            'SignerList or signer keys changed on ledger',
          );
          await this.coordination.withdrawPayloads(refreshed.invalidatedProposalIds);
        }
        await this.coordination.supersedeSpent(account.id, account.address);
      } catch (error) {
        this.logger.warn({ accountId: account.id, err: error }, 'SignerList check failed');
      }
    }
  }
}

/**
 * Webhook receipts only guard against replays while a webhook's timestamp is inside the accepted
 * skew (minutes): older ones are pruned daily-ish so the table stays small.
 */
@Injectable()
export class PruneWebhookReceiptsJob implements WorkerJob {
  readonly name = 'prune-webhook-receipts';
  private lastRun = 0;

  constructor(@InjectDataSource(WORKER_DATA_SOURCE) private readonly dataSource: DataSource) {}

  async run(): Promise<void> {
    if (Date.now() - this.lastRun < 3_600_000) return;
    this.lastRun = Date.now();
    await this.dataSource.query(
      `DELETE FROM xaman_webhook_receipts WHERE received_at < now() - interval '1 day'`,
    );
  }
}

export const COORDINATION_JOBS = [
  DispatchSignRequestsJob,
  PollPayloadsJob,
  ExpireProposalsJob,
  AdvanceSubmissionsJob,
  SignerListDriftJob,
  PruneWebhookReceiptsJob,
];
