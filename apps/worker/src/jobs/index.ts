import { AdvanceAccountSetupsJob } from './advance-account-setups.job';
import { DeliverWebhooksJob } from './deliver-webhooks.job';
import { DispatchSignRequestsJob } from './dispatch-sign-requests.job';
import { ExpireProposalsJob } from './expire-proposals.job';
import { FollowSubmissionsJob } from './follow-submissions.job';
import { LedgerDriftJob } from './ledger-drift.job';
import { PollEnrolmentsJob } from './poll-enrolments.job';
import { PollPayloadsJob } from './poll-payloads.job';
import { PruneWebhookReceiptsJob } from './prune-webhook-receipts.job';
import { RecoverCombinesJob } from './recover-combines.job';
import { ScanAccountTransactionsJob } from './scan-account-transactions.job';
import { VerifyUserTokensJob } from './verify-user-tokens.job';
import { ReleaseTimeLocksJob } from './release-time-locks.job';
import { SendRemindersJob } from './send-reminders.job';
import { WithdrawPayloadsJob } from './withdraw-payloads.job';

/** The worker's jobs: the one list. Each file is one job `{ name, intervalMs, run }`. */
export const WORKER_JOBS = [
  DispatchSignRequestsJob,
  PollPayloadsJob,
  ExpireProposalsJob,
  WithdrawPayloadsJob,
  RecoverCombinesJob,
  FollowSubmissionsJob,
  LedgerDriftJob,
  ScanAccountTransactionsJob,
  PruneWebhookReceiptsJob,
  DeliverWebhooksJob,
  VerifyUserTokensJob,
  PollEnrolmentsJob,
  ReleaseTimeLocksJob,
  SendRemindersJob,
  AdvanceAccountSetupsJob,
] as const;
