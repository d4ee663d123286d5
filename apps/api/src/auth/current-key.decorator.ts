import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { AuthenticatedKey } from './auth.decorators';

/** The API key that authenticated this request (set by ApiKeyGuard). */
export const CurrentKey = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedKey => {
    const request = context.switchToHttp().getRequest<{ apiKey: AuthenticatedKey }>();
    return request.apiKey;
  },
);
