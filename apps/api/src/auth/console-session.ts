import type { Request } from 'express';
import { ApiException } from '../common/api-error.filter';

/** The console's session cookie: HttpOnly, SameSite=Strict, Path=/, Secure over https. */
export const SESSION_COOKIE = 'msc_session';

/** The header every state-changing console request carries (a cross-site form cannot set it). */
export const CONSOLE_HEADER = 'x-requested-with';
export const CONSOLE_HEADER_VALUE = 'msc-console';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const isSafeMethod = (method: string): boolean => SAFE_METHODS.has(method.toUpperCase());

/** The session cookie's value, or null (the cookie header is parsed here: no cookie middleware). */
export function sessionCookieOf(request: Request): string | null {
  const header = request.headers.cookie;
  if (typeof header !== 'string') return null;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator === -1) continue;
    if (part.slice(0, separator).trim() === SESSION_COOKIE) return part.slice(separator + 1).trim() || null;
  }
  return null;
}

/**
 * The CSRF defence of cookie-authenticated requests that change state: they must carry the
 * console's header, which no cross-site form or simple request can set, and come from this very
 * origin by `Sec-Fetch-Site` and `Origin` (at least one present; every one present must agree).
 */
export function refuseCrossSite(request: Request): void {
  const refuse = (why: string) => {
    throw new ApiException('CSRF_REFUSED', `Cross-site request refused: ${why}.`);
  };
  if (request.headers[CONSOLE_HEADER] !== CONSOLE_HEADER_VALUE) {
    refuse(`a console request carries "X-Requested-With: ${CONSOLE_HEADER_VALUE}"`);
  }
  const site = request.headers['sec-fetch-site'];
  const origin = request.headers.origin;
  if (site === undefined && origin === undefined) refuse('the request names neither its Origin nor its site');
  if (site !== undefined && site !== 'same-origin') refuse(`Sec-Fetch-Site is "${String(site)}"`);
  if (origin !== undefined && origin !== `${request.protocol}://${request.headers.host ?? ''}`) {
    refuse(`Origin ${origin} is not this service`);
  }
}

export function sessionCookie(secret: string, expiresAt: Date, secure: boolean, now: Date): string {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - now.getTime()) / 1000));
  return [
    `${SESSION_COOKIE}=${secret}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${maxAge}`,
    `Expires=${expiresAt.toUTCString()}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

export function clearedSessionCookie(secure: boolean): string {
  return [
    `${SESSION_COOKIE}=`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    'Max-Age=0',
    'Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}
