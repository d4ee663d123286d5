import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { DeliverWebhooks } from '@app/domain';
import { WorkerJob } from '../worker-job';

/** Sends due outbound webhooks from the outbox (leased, in order per proposal, with back-off). */
@Injectable()
export class DeliverWebhooksJob implements WorkerJob {
  readonly name = 'deliver-webhooks';
  constructor(private readonly delivering: DeliverWebhooks) {}
  intervalMs = (config: AppConfig) => config.webhooks.deliveryIntervalMs;
  run() {
    return this.delivering.runDue();
  }
}
