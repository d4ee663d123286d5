import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthResponse } from './health.responses';
import type { Response } from 'express';
import { APP_CONFIG, AppConfig } from '@app/config';
import { Clock, DatabaseHealth } from '@app/domain';
import { Public } from '../auth/auth.decorators';

@Public()
@SkipThrottle() // probes must never be refused
@ApiTags('health')
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
  @ApiOperation({
    summary: 'Liveness: 200 when the database answers, 503 otherwise. No API key, never throttled.',
  })
  @ApiOkResponse({ type: HealthResponse })
  @ApiServiceUnavailableResponse({ type: HealthResponse, description: 'The database does not answer.' })
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
