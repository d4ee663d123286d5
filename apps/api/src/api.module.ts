import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig, AppConfigModule } from '@app/config';
import { ApiErrorFilter } from './common/api-error.filter';
import { pinoParams } from '../../shared/logging';
import { createValidationPipe } from './common/validation';
import { HealthController } from './health/health.controller';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ApiKeysController } from './auth/api-keys.controller';
import { CoordinatorModule } from '@app/coordinator';
import { AccountsController } from './accounts/accounts.controller';
import { AccountSetupsController } from './accounts/account-setups.controller';
import { ProposalsController } from './proposals/proposals.controller';
import { XamanWebhookController } from './webhooks/xaman-webhook.controller';
import { AuditEventsController } from './audit/audit-events.controller';
import { TerminusModule } from '@nestjs/terminus';
import { MetricsController } from './metrics/metrics.controller';
import {
  WebhookDeliveriesController,
  WebhookSubscriptionsController,
} from './webhook-subscriptions/webhook-subscriptions.controller';
import { RateLimitGuard, rateLimitOptions } from './common/rate-limit';
import { SessionsController } from './sessions/sessions.controller';
import { ProposalEventsController } from './proposals/proposal-events.controller';
import { ProposalStreams } from './proposals/proposal-streams';
import { ConsoleController } from './console/console.controller';
import { AccountPolicyController } from './policies/account-policy.controller';

/** The REST API process: controllers, guards, DTOs. It never runs schedules. */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        AppConfigModule.forRoot(config),
        LoggerModule.forRoot(pinoParams(config, true)),
        CoordinatorModule.forRoot(config),
        TerminusModule.forRoot({ logger: false }),
        ThrottlerModule.forRoot(rateLimitOptions(config)),
      ],
      controllers: [
        HealthController,
        ApiKeysController,
        AccountSetupsController,
        AccountsController,
        ProposalsController,
        XamanWebhookController,
        AuditEventsController,
        MetricsController,
        WebhookSubscriptionsController,
        WebhookDeliveriesController,
        SessionsController,
        ProposalEventsController,
        ConsoleController,
        AccountPolicyController,
      ],
      providers: [
        { provide: APP_FILTER, useClass: ApiErrorFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        // In this order: a request is counted (by key, else by IP) before it is authorised.
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        ProposalStreams,
      ],
    };
  }
}
