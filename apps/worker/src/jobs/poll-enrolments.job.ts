import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { ResolveEnrolment } from '@app/domain';
import { WorkerJob } from '../worker-job';

/** The polling fallback for open enrolments (SignIn payloads), at the payload polling pace. */
@Injectable()
export class PollEnrolmentsJob implements WorkerJob {
  readonly name = 'poll-enrolments';
  constructor(private readonly enrolments: ResolveEnrolment) {}
  intervalMs = (config: AppConfig) => config.xaman.pollIntervalMs;
  run() {
    return this.enrolments.pollPending();
  }
}
