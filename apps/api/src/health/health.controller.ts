import { Controller, Get, HttpCode, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Clock, DatabaseHealth, LedgerPort, XamanPort } from '@app/domain';
import type { XamanGateway } from '@app/xaman';
import { Public } from '../auth/auth.decorators';

const CHECK_TIMEOUT_MS = 3_000;

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly database: DatabaseHealth,
    private readonly clock: Clock,
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly ledger: LedgerPort,
    @Inject(XamanPort) private readonly xaman: XamanGateway,
  ) {}

  /** 200 when the database answers; 503 otherwise. No authentication, and nothing about the deployment. */
  @Get()
  @HttpCode(200)
  @ApiOperation({ summary: 'Database health (200 up, 503 down); no authentication' })
  @ApiResponse({ status: 200, description: '{ status: "ok", database: "up", checkedInMs }' })
  @ApiResponse({ status: 503, description: '{ status: "error", database: "down", checkedInMs }' })
  async check(@Res({ passthrough: true }) res: Response) {
    const started = this.clock.now().getTime();
    const database = (await this.database.ping()) ? 'up' : 'down';
    if (database === 'down') res.status(503);
    return {
      status: database === 'up' ? 'ok' : 'error',
      database,
      checkedInMs: this.clock.now().getTime() - started,
    };
  }

  /** Liveness: the process serves HTTP. Never touches a dependency (a restart would not fix one). */
  @Get('live')
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiResponse({ status: 200, description: '{ status: "ok", info: {}, error: {}, details: {} }' })
  live() {
    return this.health.check([]);
  }

  /** Readiness: the database, the ledger connection and Xaman all answer within 3 s each. */
  @Get('ready')
  @HttpCode(200)
  @ApiOperation({ summary: 'Readiness: database, XRPL ledger connection, Xaman platform' })
  @ApiResponse({ status: 200, description: 'every dependency is up' })
  @ApiResponse({ status: 503, description: 'a dependency is down (named in `error`)' })
  async ready(@Res({ passthrough: true }) res: Response) {
    try {
      return await this.health.check([
        () =>
          this.probe('database', async () => {
            if (!(await this.database.ping())) throw new Error('database did not answer');
          }),
        () => this.probe('ledger', () => this.ledger.validatedLedgerIndex()),
        () => this.probe('xaman', () => this.xaman.ping()),
      ]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      res.status(503);
      return error.getResponse();
    }
  }

  /** Up when `call` resolves within the time limit; down otherwise. */
  private probe(key: string, call: () => Promise<unknown>) {
    return this.indicators
      .check(key)
      .attempt(async () => {
        await call();
      })
      .withTimeout(CHECK_TIMEOUT_MS);
  }
}
