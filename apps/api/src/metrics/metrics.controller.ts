import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { timingSafeEqual } from 'node:crypto';
import type { Response } from 'express';
import { APP_CONFIG, AppConfig } from '@app/config';
import { Clock, Metrics, OperationsReadModel, OperationsSnapshot } from '@app/domain';
import { PrometheusMetrics } from '@app/observability';
import { Public } from '../auth/auth.decorators';
import { METRICS_TOKEN_SECURITY } from '../openapi/openapi.constants';
import { ApiErrors } from '../openapi/error.responses';
import { ApiException } from '../common/api-error.filter';

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Prometheus text. Open unless METRICS_TOKEN is set; then `Authorization: Bearer <METRICS_TOKEN>`
 * (what Prometheus' `authorization` scrape setting sends). API keys are not used here.
 */
@ApiTags('metrics')
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(Metrics) private readonly metrics: PrometheusMetrics,
    private readonly operations: OperationsReadModel,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiBearerAuth(METRICS_TOKEN_SECURITY)
  @ApiOperation({ summary: 'Prometheus metrics (text exposition format); bearer METRICS_TOKEN when set' })
  @ApiResponse({
    status: 200,
    description: 'Prometheus text format 0.0.4',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  @ApiErrors('UNAUTHENTICATED', 'DATABASE_UNAVAILABLE', 'INTERNAL_ERROR')
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() res: Response) {
    const expected = this.config.metrics.token;
    if (expected !== null) {
      const given = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? '';
      if (!sameToken(given, expected)) {
        throw new ApiException(
          'UNAUTHENTICATED',
          'Send the metrics token as "Authorization: Bearer <token>".',
        );
      }
    }
    const now = this.clock.now();
    // Without the database the counters still answer; the state gauges are left out.
    const snapshot: OperationsSnapshot | undefined = await this.operations
      .snapshot(now)
      .catch(() => undefined);
    const body = await this.metrics.render(snapshot, now);
    res.status(200).setHeader('content-type', this.metrics.contentType).send(body);
  }
}
