import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import type { Response } from 'express';
import { APP_CONFIG, AppConfig } from '@app/config';
import { Clock, DatabaseHealth } from '@app/domain';
import { Public } from '../auth/auth.decorators';

@Public()
@SkipThrottle() // probes must never be refused
@Controller('health')
export class HealthController {
  constructor(
    private readonly database: DatabaseHealth,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** 200 when the database answers; 503 otherwise. No authentication. */
  @Get()
  @HttpCode(200)
  async health(@Res({ passthrough: true }) res: Response) {
    const started = this.clock.now().getTime();
    const database = (await this.database.ping()) ? 'up' : 'down';
    if (database === 'down') res.status(503);
    return {
      status: database === 'up' ? 'ok' : 'error',
      database,
      network: this.config.xrpl.network,
      sandbox: this.config.sandbox,
      checkedInMs: this.clock.now().getTime() - started,
    };
  }
}
