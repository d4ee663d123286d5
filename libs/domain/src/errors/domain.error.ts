import { ErrorCode } from './error-codes';

/**
 * Every error the domain throws on purpose: a stable code from the catalogue, a message for
 * people, and details that help a caller fix the request. Never an HTTP exception: the API maps
 * codes to statuses in one table.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const isDomainError = (error: unknown): error is DomainError => error instanceof DomainError;

export type UpstreamService = 'xaman' | 'xrpl' | 'database';

/**
 * A service the domain depends on failed. `retryable`: the same call may succeed later (outage,
 * timeout, rate limit); callers queue and retry those, and the API answers 503 with Retry-After.
 */
export class UpstreamError extends Error {
  constructor(
    readonly code: 'XAMAN_UNAVAILABLE' | 'XAMAN_API_ERROR' | 'XRPL_UNAVAILABLE' | 'DATABASE_UNAVAILABLE',
    readonly service: UpstreamService,
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UpstreamError';
  }
}

export const isUpstreamError = (error: unknown): error is UpstreamError => error instanceof UpstreamError;
