import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { Metrics, OperationsSnapshot } from '@app/domain';

const PREFIX = 'coordinator_';
const SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];
const CALL_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** An error's label: its stable code when it has one (XAMAN_UNAVAILABLE, 429 ...), else its class. */
export function errorLabel(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[A-Za-z0-9_.-]{1,40}$/.test(code)) return code;
  if (typeof code === 'number') return String(code);
  return error instanceof Error ? error.constructor.name : 'unknown';
}

/**
 * The Metrics port on prom-client. One per process (`shared()`), so the API and the worker of one
 * process (`npm start`) count into the same registry. Counters and histograms live in
 * `registry`; the state gauges read from the database at scrape time (`render(snapshot)`) live in a
 * registry of their own, rendered only by the API's /metrics.
 */
export class PrometheusMetrics extends Metrics {
  private static instance: PrometheusMetrics | null = null;

  static shared(): PrometheusMetrics {
    PrometheusMetrics.instance ??= new PrometheusMetrics();
    return PrometheusMetrics.instance;
  }

  readonly registry = new Registry();
  private readonly stateRegistry = new Registry();

  private readonly accepted = new Counter({
    name: `${PREFIX}signatures_accepted_total`,
    help: 'Signed blobs verified and counted towards a quorum.',
    registers: [this.registry],
  });
  private readonly refused = new Counter({
    name: `${PREFIX}signatures_refused_total`,
    help: 'Signed blobs refused, by refusal code.',
    labelNames: ['code'],
    registers: [this.registry],
  });
  private readonly toSubmitted = new Histogram({
    name: `${PREFIX}quorum_to_submitted_seconds`,
    help: 'Time from the quorum being reached to the first submission.',
    buckets: SECONDS,
    registers: [this.registry],
  });
  private readonly toValidated = new Histogram({
    name: `${PREFIX}quorum_to_validated_seconds`,
    help: 'Time from the quorum being reached to the outcome in a validated ledger.',
    labelNames: ['outcome'],
    buckets: SECONDS,
    registers: [this.registry],
  });
  private readonly upstreamSeconds = new Histogram({
    name: `${PREFIX}upstream_request_duration_seconds`,
    help: 'Xaman and XRPL calls, by upstream and method (failed calls included).',
    labelNames: ['upstream', 'method'],
    buckets: CALL_SECONDS,
    registers: [this.registry],
  });
  private readonly upstreamErrors = new Counter({
    name: `${PREFIX}upstream_errors_total`,
    help: 'Xaman and XRPL calls that failed, by upstream, method and error code.',
    labelNames: ['upstream', 'method', 'error'],
    registers: [this.registry],
  });
  private readonly webhooks = new Counter({
    name: `${PREFIX}webhook_deliveries_total`,
    help: 'Outbound webhook attempts by outcome (delivered, failed), and subscriptions disabled.',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  private readonly jobs = new Histogram({
    name: `${PREFIX}job_duration_seconds`,
    help: 'Worker job runs, by job and outcome (ok, error).',
    labelNames: ['job', 'outcome'],
    buckets: CALL_SECONDS,
    registers: [this.registry],
  });

  private readonly proposals = new Gauge({
    name: `${PREFIX}proposals`,
    help: 'Proposals by state.',
    labelNames: ['state'],
    registers: [this.stateRegistry],
  });
  private readonly queued = new Gauge({
    name: `${PREFIX}sign_requests_queued`,
    help: 'Sign requests waiting in the queue to be sent to Xaman.',
    registers: [this.stateRegistry],
  });
  private readonly lag = new Gauge({
    name: `${PREFIX}job_lag_seconds`,
    help: 'Age of the oldest due item of a job (0 when nothing is due).',
    labelNames: ['job'],
    registers: [this.stateRegistry],
  });
  private readonly pendingDeliveries = new Gauge({
    name: `${PREFIX}webhook_deliveries_pending`,
    help: 'Outbound webhook deliveries not delivered yet (enabled subscriptions).',
    registers: [this.stateRegistry],
  });

  private constructor() {
    super();
    collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
  }

  signatureAccepted(): void {
    this.accepted.inc();
  }
  signatureRefused(code: string): void {
    this.refused.inc({ code });
  }
  quorumToSubmitted(seconds: number): void {
    this.toSubmitted.observe(Math.max(0, seconds));
  }
  quorumToValidated(seconds: number, outcome: string): void {
    this.toValidated.observe({ outcome }, Math.max(0, seconds));
  }
  upstreamCall(upstream: string, method: string, seconds: number, error: string | null): void {
    this.upstreamSeconds.observe({ upstream, method }, seconds);
    if (error !== null) this.upstreamErrors.inc({ upstream, method, error });
  }
  webhookOutcome(outcome: string): void {
    this.webhooks.inc({ outcome });
  }
  jobRun(job: string, seconds: number, ok: boolean): void {
    this.jobs.observe({ job, outcome: ok ? 'ok' : 'error' }, seconds);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text: the counters, and the state gauges when a snapshot is given. */
  async render(snapshot?: OperationsSnapshot, now = new Date()): Promise<string> {
    if (!snapshot) return this.registry.metrics();
    this.proposals.reset();
    for (const [state, count] of Object.entries(snapshot.proposalsByState))
      this.proposals.set({ state }, count);
    this.queued.set(snapshot.signRequestsQueued);
    this.pendingDeliveries.set(snapshot.webhookDeliveriesPending);
    const ages: Record<string, Date | null> = {
      'dispatch-sign-requests': snapshot.oldestDue.dispatchSignRequests,
      'expire-proposals': snapshot.oldestDue.expireProposals,
      'deliver-webhooks': snapshot.oldestDue.deliverWebhooks,
    };
    for (const [job, since] of Object.entries(ages)) {
      this.lag.set({ job }, since ? Math.max(0, (now.getTime() - since.getTime()) / 1000) : 0);
    }
    return Registry.merge([this.registry, this.stateRegistry]).metrics();
  }
}
