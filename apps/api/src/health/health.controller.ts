import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { Public } from '../auth/auth.decorators';

@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** 200 when the database answers; 503 otherwise. No authentication: it reveals nothing. */
  @Get()
  @HttpCode(200)
  async health(@Res({ passthrough: true }) res: Response) {
    const started = Date.now();
    let database: 'up' | 'down' = 'down';
    try {
      await this.dataSource.query('SELECT 1');
      database = 'up';
    } catch {
      database = 'down';
    }
    if (database === 'down') res.status(503);
    return {
      status: database === 'up' ? 'ok' : 'error',
      database,
      network: this.config.xrpl.network,
      sandbox: this.config.sandbox,
      checkedInMs: Date.now() - started,
    };
  }
}
