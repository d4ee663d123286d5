import { applyDecorators } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { ERROR_CODES, ErrorCode, MULTISIGN_CODES } from '@app/domain';
import { ERROR_STATUS, HTTP_STATUS_CODE, RETRY_AFTER_SECONDS } from '../common/error-status.table';

/** Every code the API can answer with: the domain's catalogue, and the framework fallbacks. */
export const ALL_ERROR_CODES: readonly string[] = [
  ...new Set([
    ...Object.values(ERROR_CODES),
    ...MULTISIGN_CODES,
    ...Object.values(HTTP_STATUS_CODE).filter((code): code is string => code !== undefined),
  ]),
];

export class ErrorResponse {
  @ApiProperty({ description: 'The HTTP status, repeated.', example: 404 })
  statusCode!: number;
  @ApiProperty({
    enum: ALL_ERROR_CODES,
    enumName: 'ErrorCode',
    description:
      'Stable; switch on this, never on the message. The catalogue is libs/domain/src/errors/error-codes.ts, ' +
      'each code with one status (apps/api/src/common/error-status.table.ts); `x-error-status` of this ' +
      'schema lists them.',
  })
  code!: string;
  @ApiProperty({ description: 'For people; may change.', example: 'No proposal 6b1f….' })
  message!: string;
  @ApiProperty({ description: 'Also in the `x-request-id` header and the logs.', example: 'c6a3a3d2-…' })
  requestId!: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'VALIDATION_FAILED: `fields: [{field, problems}]`; RATE_LIMITED: `policy, limit, windowSeconds, ' +
      'retryAfterSeconds`; INTERNAL_ERROR: `errorId`; a refused template or blob: what differed.',
  })
  details?: Record<string, unknown>;
}

/** Codes almost every route can answer. */
export const AUTHENTICATED_ERRORS = [
  'UNAUTHENTICATED',
  'RATE_LIMITED',
  'DATABASE_UNAVAILABLE',
  'INTERNAL_ERROR',
] as const;
export const BODY_ERRORS = ['VALIDATION_FAILED', 'MALFORMED_JSON', 'PAYLOAD_TOO_LARGE'] as const;

const RETRY_AFTER_HEADER = {
  'Retry-After': {
    description: 'Seconds to wait before retrying.',
    schema: { type: 'integer', minimum: 1 },
    example: RETRY_AFTER_SECONDS,
  },
};

const EXAMPLE_MESSAGES: Partial<Record<ErrorCode, string>> = {
  UNAUTHENTICATED: 'The API key is unknown or revoked.',
  FORBIDDEN: 'This needs the admin role; the key has viewer.',
  RATE_LIMITED: 'Too many requests: at most 600 a minute per API key; retry in 12 s.',
  DATABASE_UNAVAILABLE: 'The database is unavailable; retry later.',
  XRPL_UNAVAILABLE: 'The XRPL server is unavailable; retry later.',
  XAMAN_UNAVAILABLE: 'Xaman is unavailable; retry later.',
  INTERNAL_ERROR: 'Internal error; quote error id 3f0c… when reporting it.',
};

function exampleOf(code: ErrorCode, status: number) {
  const details =
    code === 'VALIDATION_FAILED'
      ? { fields: [{ field: 'accountId', problems: ['accountId must be a UUID'] }] }
      : code === 'RATE_LIMITED'
        ? { policy: 'default', limit: 600, windowSeconds: 60, retryAfterSeconds: 12 }
        : undefined;
  return {
    summary: code,
    value: {
      statusCode: status,
      code,
      message: EXAMPLE_MESSAGES[code] ?? `Refused: ${code}.`,
      requestId: '7d3c1a52-2f7e-4b8e-9a51-0c8f3f1b9e42',
      ...(details ? { details } : {}),
    },
  };
}

/**
 * The error answers of a route: one response per status, whose `code` is the enum of exactly the
 * codes listed (statuses from the one table), each with an example. 429 and 503 carry Retry-After.
 */
export function ApiErrors(...codes: ErrorCode[]) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses = [...byStatus.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, group]) =>
      ApiResponse({
        status,
        description: group.map((code) => `\`${code}\``).join(', '),
        schema: {
          allOf: [
            { $ref: getSchemaPath(ErrorResponse) },
            {
              type: 'object',
              properties: {
                statusCode: { type: 'integer', enum: [status] },
                code: { type: 'string', enum: group },
              },
            },
          ],
        },
        examples: Object.fromEntries(group.map((code) => [code, exampleOf(code, status)])),
        ...(status === 429 || status === 503 ? { headers: RETRY_AFTER_HEADER } : {}),
      }),
    );
  return applyDecorators(ApiExtraModels(ErrorResponse), ...responses);
}
