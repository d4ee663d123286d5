import { ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  ThrottlerModuleOptions,
  ThrottlerRequest,
  ThrottlerStorage,
} from '@nestjs/throttler';
import type { Request, Response } from 'express';
import type { AppConfig } from '@app/config';
import { AuthenticateApiKey } from '@app/domain';
import { authenticateRequest } from '../auth/request-authentication';
import { ApiException } from './api-error.filter';

/** Every limit counts requests over a sliding window of one minute. */
export const RATE_LIMIT_WINDOW_SECONDS = 60;

/** The two policies, by the name the `RateLimit`/`RateLimit-Policy` headers give them. */
export const RATE_LIMIT_POLICIES = {
  /** Every throttled route, per API key (per client IP without a valid key). */
  default: 'default',
  /** `POST /v1/proposals` on top of the default: each proposal pushes to every signer's phone. */
  proposals: 'proposals',
} as const;

const PROPOSAL_CREATION = 'rate-limit:proposal-creation';

/** The route also counts against the tighter proposal-creation limit. */
export const ProposalCreationLimit = () => SetMetadata(PROPOSAL_CREATION, true);

const reflector = new Reflector();

export function rateLimitOptions(config: AppConfig): ThrottlerModuleOptions {
  const windowMs = RATE_LIMIT_WINDOW_SECONDS * 1000;
  return {
    // blockDuration 0: a sliding window; refused requests do not count, and the client may retry
    // as soon as its oldest counted request leaves the window (that is what Retry-After says).
    throttlers: [
      {
        name: RATE_LIMIT_POLICIES.default,
        ttl: windowMs,
        limit: config.http.rateLimitPerMinute,
        blockDuration: 0,
      },
      {
        name: RATE_LIMIT_POLICIES.proposals,
        ttl: windowMs,
        limit: config.http.proposalRateLimitPerMinute,
        blockDuration: 0,
        skipIf: (context) => reflector.get<boolean>(PROPOSAL_CREATION, context.getHandler()) !== true,
      },
    ],
  };
}

interface PolicyState {
  name: string;
  limit: number;
  remaining: number;
  resetSeconds: number;
}

const POLICY_STATES = Symbol('rateLimitPolicies');
type ResponseWithPolicies = Response & { [POLICY_STATES]?: PolicyState[] };

/**
 * Per-API-key rate limits (@nestjs/throttler), keyed by the authenticated key's id; requests
 * without a valid key are counted by client IP. Answers carry the `RateLimit-Policy` and
 * `RateLimit` fields of draft-ietf-httpapi-ratelimit-headers-10 (one list item per policy that
 * applies); a refused request answers 429 RATE_LIMITED with `Retry-After`.
 * Counts live in this process's memory: with N API replicas a key gets up to N times the limit.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly authenticate: AuthenticateApiKey,
  ) {
    super(options, storage, reflector);
  }

  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    const authentication = await authenticateRequest(request as unknown as Request, this.authenticate);
    if (authentication?.outcome === 'authenticated') return `key:${authentication.key.id}`;
    return `ip:${await super.getTracker(request)}`;
  }

  /** One count per client across every route (the default keys by route too). */
  protected override generateKey(_context: ExecutionContext, tracker: string, name: string): string {
    return `${name}|${tracker}`;
  }

  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    const { context, limit, ttl, throttler, blockDuration, getTracker, generateKey } = request;
    const { req, res } = this.getRequestResponse(context) as { req: Request; res: ResponseWithPolicies };
    const name = throttler.name ?? RATE_LIMIT_POLICIES.default;
    const key = generateKey(context, await getTracker(req, context), name);
    const record = await this.storageService.increment(key, ttl, limit, blockDuration, name);
    const states = (res[POLICY_STATES] ??= []);
    states.push({
      name,
      limit,
      remaining: Math.max(0, limit - record.totalHits),
      resetSeconds: Math.max(0, record.isBlocked ? record.timeToBlockExpire : record.timeToExpire),
    });
    const windowSeconds = Math.round(ttl / 1000);
    res.setHeader(
      'RateLimit-Policy',
      states.map((s) => `"${s.name}";q=${s.limit};w=${windowSeconds}`).join(', '),
    );
    res.setHeader(
      'RateLimit',
      states.map((s) => `"${s.name}";r=${s.remaining};t=${s.resetSeconds}`).join(', '),
    );
    if (record.isBlocked) {
      const retryAfterSeconds = Math.max(1, record.timeToBlockExpire);
      res.setHeader('Retry-After', String(retryAfterSeconds));
      const what = name === RATE_LIMIT_POLICIES.proposals ? 'proposals' : 'requests';
      throw new ApiException(
        'RATE_LIMITED',
        `Too many ${what}: at most ${limit} a minute per API key; retry in ${retryAfterSeconds} s.`,
        { policy: name, limit, windowSeconds, retryAfterSeconds },
      );
    }
    return true;
  }
}
