import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
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
import { ProposalsController } from './proposals/proposals.controller';
import { XamanWebhookController } from './webhooks/xaman-webhook.controller';
import { AuditEventsController } from './audit/audit-events.controller';
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
      ],
      controllers: [
        HealthController,
        ApiKeysController,
        AccountsController,
        ProposalsController,
        XamanWebhookController,
        AuditEventsController,
        AccountPolicyController,
      ],
      providers: [
        { provide: APP_FILTER, useClass: ApiErrorFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
      ],
    };
  }
}
