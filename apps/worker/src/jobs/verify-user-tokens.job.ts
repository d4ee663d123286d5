import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { SignerTokens } from '@app/domain';
import { WorkerJob } from '../worker-job';

/**
 * Every stored user_token, verified at Xaman in batches every USER_TOKEN_CHECK_INTERVAL_MS (daily):
 * its real expiry is stored, an expired or revoked one is dropped, and one about to expire is flagged.
 */
@Injectable()
export class VerifyUserTokensJob implements WorkerJob {
  readonly name = 'verify-user-tokens';
  constructor(private readonly tokens: SignerTokens) {}
  intervalMs = (config: AppConfig) => config.worker.userTokenCheckMs;
  run() {
    return this.tokens.verifyAll();
  }
}
