import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ApiKeyRecord, ApiKeyRole, AuthenticateApiKey, AuthenticateSession } from '@app/domain';
import { ApiException } from '../common/api-error.filter';
import { AuthenticatedKey, PUBLIC_ROUTE, REQUIRED_ROLE } from './auth.decorators';
import { isSafeMethod, refuseCrossSite, sessionCookieOf } from './console-session';
import { authenticateRequest } from './request-authentication';

const RANK: Record<ApiKeyRole, number> = { viewer: 1, proposer: 2, admin: 3 };

/**
 * Global guard: every route needs `Authorization: Bearer <api key>`, or the console's session
 * cookie (state-changing cookie requests must also pass the CSRF check), unless marked @Public().
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticate: AuthenticateApiKey,
    private readonly sessions: AuthenticateSession,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const request = context.switchToHttp().getRequest<Request & { apiKey?: AuthenticatedKey }>();
    const key =
      request.headers.authorization === undefined
        ? await this.sessionKey(request)
        : await this.bearerKey(request);

    const required = this.reflector.getAllAndOverride<ApiKeyRole>(REQUIRED_ROLE, targets) ?? 'viewer';
    if (RANK[key.role] < RANK[required]) {
      throw new ApiException('FORBIDDEN', `This needs the ${required} role; the key has ${key.role}.`);
    }
    request.apiKey = { id: key.id, name: key.name, role: key.role, accountIds: key.accountIds };
    return true;
  }

  private async bearerKey(request: Request): Promise<ApiKeyRecord> {
    const authentication = await authenticateRequest(request, this.authenticate);
    if (authentication === null) {
      throw new ApiException('UNAUTHENTICATED', 'Send an API key as "Authorization: Bearer <key>".');
    }
    if (authentication.outcome === 'expired') {
      throw new ApiException(
        'UNAUTHENTICATED',
        `The API key expired at ${authentication.expiredAt.toISOString()}; ask an admin for a new one.`,
      );
    }
    if (authentication.outcome !== 'authenticated') {
      throw new ApiException('UNAUTHENTICATED', 'The API key is unknown or revoked.');
    }
    return authentication.key;
  }

  /** The console: a session cookie; state-changing requests must also pass the CSRF check. */
  private async sessionKey(request: Request & { consoleSessionId?: string }): Promise<ApiKeyRecord> {
    const secret = sessionCookieOf(request);
    if (!secret) {
      throw new ApiException(
        'UNAUTHENTICATED',
        'Send an API key as "Authorization: Bearer <key>", or sign in to the console.',
      );
    }
    if (!isSafeMethod(request.method)) refuseCrossSite(request);
    const found = await this.sessions.execute(secret);
    if (!found) {
      throw new ApiException('UNAUTHENTICATED', 'The console session has expired or ended; sign in again.');
    }
    request.consoleSessionId = found.session.id;
    return found.key;
  }
}
