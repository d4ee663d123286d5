import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig, AppConfigModule } from '@app/config';
import { buildDataSourceOptions } from '@app/persistence';
import { pinoParams } from '../../shared/logging';
import { CoordinatorModule } from '@app/coordinator';

import {
  COORDINATION_JOBS,
  AdvanceSubmissionsJob,
  DispatchSignRequestsJob,
  ExpireProposalsJob,
  PollPayloadsJob,
  PruneWebhookReceiptsJob,
  SignerListDriftJob,
} from './coordination.jobs';
import { WORKER_DATA_SOURCE, WORKER_JOBS, WorkerJob } from './worker-job';
import { WorkerSchedulerService } from './worker-scheduler.service';

/** The worker process: the only place ScheduleModule is imported. It serves no HTTP. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        AppConfigModule.forRoot(config),
        LoggerModule.forRoot(pinoParams(config, false)),
        // Named, so that the API and the worker can share one process (npm start) without clashing.
        TypeOrmModule.forRoot(
          buildDataSourceOptions(config.database.url, config.database.poolSize, WORKER_DATA_SOURCE),
        ),
        ScheduleModule.forRoot(),
        CoordinatorModule.forRoot(WORKER_DATA_SOURCE),
      ],
      providers: [
        WorkerSchedulerService,
        ...COORDINATION_JOBS,
        {
          provide: WORKER_JOBS,
          inject: [
            DispatchSignRequestsJob,
            PollPayloadsJob,
            ExpireProposalsJob,
            AdvanceSubmissionsJob,
            SignerListDriftJob,
            PruneWebhookReceiptsJob,
          ],
          useFactory: (...jobs: WorkerJob[]) => jobs,
        },
      ],
    };
  }
}
