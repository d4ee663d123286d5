import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CoordinationService } from '@app/domain';
import { XrplLedgerGateway } from '@app/xrpl';
import { WorkerJob } from './worker-job';

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

export const COORDINATION_JOBS = [
  DispatchSignRequestsJob,
  PollPayloadsJob,
  ExpireProposalsJob,
  AdvanceSubmissionsJob,
];
