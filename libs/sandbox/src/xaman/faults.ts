/**
 * What makes platform API calls fail on purpose: injected faults (Xaman's soft and hard error
 * shapes, or no answer at all) and the application's rate limit (a sliding minute).
 */
import { XamanSandboxError } from './errors';
import type { XamanSandboxFault } from './types';

export interface FaultRec extends XamanSandboxFault {
  remaining: number;
}

/** The rate-limit verdict for one call, with the x-ratelimit headers to answer with. */
export interface RateVerdict {
  allowed: boolean;
  headers: Record<string, string>;
}

export class PlatformFaults {
  private readonly faults: FaultRec[] = [];
  private readonly callLog: number[] = [];

  constructor(private rateLimitValue: number) {}

  get rateLimit(): number {
    return this.rateLimitValue;
  }

  /** Faults still waiting for a matching call. */
  get pending(): number {
    return this.faults.length;
  }

  inject(fault: XamanSandboxFault): void {
    if (fault.shape !== 'soft' && fault.shape !== 'hard' && fault.shape !== 'hang') {
      throw new XamanSandboxError(400, 'INVALID_BODY', 'fault.shape must be "soft", "hard" or "hang"');
    }
    this.faults.push({ ...fault, remaining: fault.count ?? 1 });
  }

  setRateLimit(perMinute: number): void {
    this.rateLimitValue = Math.max(0, Math.floor(perMinute));
    this.callLog.length = 0;
  }

  /** Count a call against the sliding minute; refused calls are not counted. */
  admit(now = Date.now()): RateVerdict {
    while (this.callLog.length > 0 && (this.callLog[0] ?? 0) <= now - 60_000) this.callLog.shift();
    const limit = this.rateLimitValue > 0 ? this.rateLimitValue : 999_999;
    if (this.rateLimitValue > 0 && this.callLog.length >= this.rateLimitValue) {
      const oldest = this.callLog[0] ?? now;
      return {
        allowed: false,
        headers: {
          'x-ratelimit-limit': String(limit),
          'x-ratelimit-remaining': '0',
          'retry-after': String(Math.max(1, Math.ceil((oldest + 60_000 - now) / 1000))),
        },
      };
    }
    this.callLog.push(now);
    return {
      allowed: true,
      headers: {
        'x-ratelimit-limit': String(limit),
        'x-ratelimit-remaining': String(Math.max(0, limit - this.callLog.length)),
      },
    };
  }

  /**
   * The first fault matching this call (endpoint = first path segment, target = the rest), used up
   * by one.
   */
  take(endpoint: string, method: string, target = ''): FaultRec | undefined {
    const fault = this.faults.find(
      (f) =>
        f.remaining > 0 &&
        (f.endpoint === undefined || f.endpoint === endpoint) &&
        (f.method === undefined || f.method.toUpperCase() === method) &&
        (f.target === undefined || f.target.toLowerCase() === target.toLowerCase()),
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
    return fault;
  }
}
