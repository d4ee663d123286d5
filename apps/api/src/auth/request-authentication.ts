import type { Request } from 'express';
import { ApiKeyAuthentication, AuthenticateApiKey } from '@app/domain';

const AUTHENTICATION = Symbol('apiKeyAuthentication');

type AuthenticatingRequest = Request & { [AUTHENTICATION]?: Promise<ApiKeyAuthentication | null> };

/** The bearer token of `Authorization: Bearer <key>`, or null. Never a query parameter. */
export function bearerTokenOf(request: Request): string | null {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1] ?? null;
}

/**
 * Authenticates the request's API key once, whoever asks first (the rate limiter keys by it, the
 * ApiKeyGuard decides with it): one lookup per request. Null when no key was sent.
 */
export function authenticateRequest(
  request: Request,
  authenticate: AuthenticateApiKey,
): Promise<ApiKeyAuthentication | null> {
  const carrier = request as AuthenticatingRequest;
  if (!carrier[AUTHENTICATION]) {
    const token = bearerTokenOf(request);
    carrier[AUTHENTICATION] = token === null ? Promise.resolve(null) : authenticate.execute(token);
  }
  return carrier[AUTHENTICATION];
}
