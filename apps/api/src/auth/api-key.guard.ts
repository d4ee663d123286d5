import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ApiKeyRole, AuthenticateApiKey } from '@app/domain';
import { ApiException } from '../common/api-error.filter';
import { AuthenticatedKey, PUBLIC_ROUTE, REQUIRED_ROLE } from './auth.decorators';

const RANK: Record<ApiKeyRole, number> = { viewer: 1, proposer: 2, admin: 3 };

/** Global guard: every route needs `Authorization: Bearer <api key>` unless marked @Public(). */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticate: AuthenticateApiKey,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const request = context.switchToHttp().getRequest<Request & { apiKey?: AuthenticatedKey }>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match?.[1]) {
      throw new ApiException('UNAUTHENTICATED', 'Send an API key as "Authorization: Bearer <key>".');
    }
    const key = await this.authenticate.execute(match[1]);
    if (!key) throw new ApiException('UNAUTHENTICATED', 'The API key is unknown or revoked.');

    const required = this.reflector.getAllAndOverride<ApiKeyRole>(REQUIRED_ROLE, targets) ?? 'viewer';
    if (RANK[key.role] < RANK[required]) {
      throw new ApiException('FORBIDDEN', `This needs the ${required} role; the key has ${key.role}.`);
    }
    request.apiKey = { id: key.id, name: key.name, role: key.role, accountIds: key.accountIds };
    return true;
  }
}
