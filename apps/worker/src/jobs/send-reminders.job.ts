import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { SendReminders } from '@app/domain';
import { WorkerJob } from '../worker-job';

/** Pushes a fresh payload to signers who have not opened theirs after SIGN_REMINDER_AFTER_MS. */
@Injectable()
export class SendRemindersJob implements WorkerJob {
  readonly name = 'send-reminders';
  constructor(private readonly reminders: SendReminders) {}
  intervalMs = (config: AppConfig) => config.worker.tickMs;
  run() {
    return this.reminders.runDue();
  }
}
