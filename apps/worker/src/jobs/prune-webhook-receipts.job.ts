import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { PruneWebhookReceipts } from '@app/domain';
import { WorkerJob } from '../worker-job';

/** Webhook receipts only guard against replays inside the skew window: those older than a day go. */
@Injectable()
export class PruneWebhookReceiptsJob implements WorkerJob {
  readonly name = 'prune-webhook-receipts';
  constructor(private readonly prune: PruneWebhookReceipts) {}
  intervalMs = (config: AppConfig) => config.worker.pruneIntervalMs;
  run() {
    return this.prune.execute();
  }
}
