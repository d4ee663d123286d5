import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiOperation } from '@nestjs/swagger';
import type { ApiKeyRole, ErrorCode } from '@app/domain';
import { API_KEY_SECURITY } from './openapi.constants';
import { ApiErrors, AUTHENTICATED_ERRORS } from './error.responses';

/**
 * An operation behind an API key: summary, the least role, the bearer scheme, and its error answers
 * (UNAUTHENTICATED, RATE_LIMITED, DATABASE_UNAVAILABLE and INTERNAL_ERROR always; FORBIDDEN above
 * viewer; then the codes given).
 */
export function ApiRoute(options: {
  summary: string;
  description?: string;
  role: ApiKeyRole;
  errors?: ErrorCode[];
}) {
  const roleLine = `Needs an API key with the \`${options.role}\` role or higher (admin > proposer > viewer).`;
  return applyDecorators(
    ApiOperation({
      summary: options.summary,
      description: [options.description, roleLine].filter(Boolean).join('\n\n'),
    }),
    ApiBearerAuth(API_KEY_SECURITY),
    ApiExtension('x-required-role', options.role),
    ApiErrors(
      ...AUTHENTICATED_ERRORS,
      ...(options.role === 'viewer' ? [] : (['FORBIDDEN'] as const)),
      ...(options.errors ?? []),
    ),
  );
}
