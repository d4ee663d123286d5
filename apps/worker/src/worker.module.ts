import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig, AppConfigModule } from '@app/config';
import { buildDataSourceOptions } from '@app/persistence';
import { pinoParams } from '../../api/src/common/logging';
import { WORKER_JOBS } from './worker-job';
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
        TypeOrmModule.forRoot(buildDataSourceOptions(config.database.url, config.database.poolSize)),
        ScheduleModule.forRoot(),
      ],
      providers: [WorkerSchedulerService, { provide: WORKER_JOBS, useValue: [] }],
    };
  }
}
