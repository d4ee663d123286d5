import { Controller, Get, HttpCode, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { HealthCheckResponse, HealthResponse } from './health.responses';
import type { Response } from 'express';
import { Clock, DatabaseHealth, LedgerPort, XamanPort } from '@app/domain';
import type { XamanGateway } from '@app/xaman';
import { Public } from '../auth/auth.decorators';

const CHECK_TIMEOUT_MS = 3_000;

@Public()
@SkipThrottle() // probes must never be refused
@ApiTags('health')
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
  @ApiOperation({
    summary: 'Database health: 200 when the database answers, 503 otherwise. No API key, never throttled.',
  })
  @ApiOkResponse({ type: HealthResponse })
  @ApiServiceUnavailableResponse({ type: HealthResponse, description: 'The database does not answer.' })
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
  @ApiOperation({ summary: 'Liveness: the process answers (no dependency is checked)' })
  @ApiOkResponse({ type: HealthCheckResponse })
  live() {
    return this.health.check([]);
  }

  /** Readiness: the database, the ledger connection and Xaman all answer within 3 s each. */
  @Get('ready')
  @HttpCode(200)
  @ApiOperation({ summary: 'Readiness: database, XRPL ledger connection, Xaman platform (3 s each)' })
  @ApiOkResponse({ type: HealthCheckResponse, description: 'every dependency is up' })
  @ApiServiceUnavailableResponse({
    type: HealthCheckResponse,
    description: 'a dependency is down (named in `error`)',
  })
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
