import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@app/config';
import { Metrics } from '@app/domain';
import type { PrometheusMetrics } from '@app/observability';

/**
 * The worker serves no API; with WORKER_METRICS_PORT set it answers `GET /metrics` (its job
 * durations, webhook outcomes, upstream calls, signatures, timings) on that port, on HOST, with the
 * same METRICS_TOKEN rule as the API. The state gauges (proposals by state, queue, lag) are the API's.
 */
@Injectable()
export class WorkerMetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('WorkerMetrics');
  private server: Server | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(Metrics) private readonly metrics: PrometheusMetrics,
  ) {}

  /** Where it listens, once started (tests use port 0). */
  address(): AddressInfo | null {
    return (this.server?.address() as AddressInfo | null) ?? null;
  }

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.metrics.workerPort;
    if (port === 0) return;
    const token = this.config.metrics.token;
    this.server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      const given = Buffer.from(/^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '');
      if (token !== null && !(given.length === token.length && timingSafeEqual(given, Buffer.from(token)))) {
        res.writeHead(401, { 'content-type': 'text/plain' }).end('metrics token required\n');
        return;
      }
      this.metrics.render().then(
        (body) => res.writeHead(200, { 'content-type': this.metrics.contentType }).end(body),
        () => res.writeHead(500).end(),
      );
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, this.config.http.host, resolve);
    });
    this.logger.log(`worker metrics on http://${this.config.http.host}:${this.address()?.port}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
