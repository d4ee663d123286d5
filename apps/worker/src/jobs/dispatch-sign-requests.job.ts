import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { DispatchSignRequest, WORKER_ACTOR } from '@app/domain';
import { WorkerJob } from '../worker-job';

/** Sends queued sign requests once their back-off has passed (Xaman rate limits, outages). */
@Injectable()
export class DispatchSignRequestsJob implements WorkerJob {
  readonly name = 'dispatch-sign-requests';
  constructor(private readonly dispatch: DispatchSignRequest) {}
  intervalMs = (config: AppConfig) => config.worker.tickMs;
  run() {
    return this.dispatch.dispatchDue(WORKER_ACTOR);
  }
}
