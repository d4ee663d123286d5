import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig, AppConfigModule } from '@app/config';
import { CoordinatorModule } from '@app/coordinator';
import { pinoParams } from '../../shared/logging';
import { WORKER_JOBS } from './jobs';
import { WORKER_DATA_SOURCE } from './worker-job';
import { WorkerSchedulerService } from './worker-scheduler.service';
import { WorkerMetricsServer } from './worker-metrics.server';

/** The worker process: the only place ScheduleModule is imported. It serves no HTTP. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        AppConfigModule.forRoot(config),
        LoggerModule.forRoot(pinoParams(config, false)),
        ScheduleModule.forRoot(),
        // Its own named data source, so that the API and the worker can share one process (npm start).
        CoordinatorModule.forRoot(config, WORKER_DATA_SOURCE),
      ],
      providers: [WorkerSchedulerService, WorkerMetricsServer, ...WORKER_JOBS],
    };
  }
}
