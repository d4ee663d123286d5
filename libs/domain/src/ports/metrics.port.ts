/**
 * What the service counts and times, named in the domain's terms. The adapter (`@app/observability`)
 * maps them to Prometheus; the domain knows nothing of it. Every method is fire-and-forget.
 */
export abstract class Metrics {
  abstract signatureAccepted(): void;
  abstract signatureRefused(code: string): void;
  abstract quorumToSubmitted(seconds: number): void;
  /** From quorum to the validated outcome (`succeeded` or `failed`). */
  abstract quorumToValidated(seconds: number, outcome: string): void;
  /** One call to an upstream (`xaman`, `xrpl`): its method, how long, and the error code if it failed. */
  abstract upstreamCall(upstream: string, method: string, seconds: number, error: string | null): void;
  /** `delivered`, `failed` (an attempt that will be retried), `subscription_disabled`. */
  abstract webhookOutcome(outcome: string): void;
  abstract jobRun(job: string, seconds: number, ok: boolean): void;
}

/** Counts nothing: for tests and tools that do not export metrics. */
export class NoMetrics extends Metrics {
  signatureAccepted(): void {}
  signatureRefused(): void {}
  quorumToSubmitted(): void {}
  quorumToValidated(): void {}
  upstreamCall(): void {}
  webhookOutcome(): void {}
  jobRun(): void {}
}
