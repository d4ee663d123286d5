import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ERROR_STATUS, RETRY_AFTER_SECONDS } from '../common/error-status.table';
import { RATE_LIMIT_WINDOW_SECONDS } from '../common/rate-limit';
import { ALL_ERROR_CODES, ErrorResponse } from './error.responses';
import { API_KEY_SECURITY, METRICS_TOKEN_SECURITY } from './openapi.constants';
import { toOpenApi31 } from './openapi-31';

const DESCRIPTION = `
Coordinates XRPL multisign transactions through Xaman: prepare the exact transaction, push a sign
request to every signer, verify each signed blob, combine at quorum, submit, and prove the outcome
from a validated ledger.

**Authentication.** \`Authorization: Bearer <api key>\` on every route but \`/health\` and the Xaman
webhook (authenticated by its HMAC). Roles: admin > proposer > viewer. An expired or revoked key
answers 401 \`UNAUTHENTICATED\`.

**Errors.** Always \`{ statusCode, code, message, requestId, details? }\` with a stable \`code\`
(the \`ErrorCode\` schema lists every one; \`x-error-status\` gives its status). Bad input answers 4xx
and leaves stored state untouched. An upstream outage (\`DATABASE_UNAVAILABLE\`, \`XRPL_UNAVAILABLE\`,
\`XAMAN_UNAVAILABLE\`) answers **503 with \`Retry-After: ${RETRY_AFTER_SECONDS}\`**: retry the same
request later (Xaman redelivers a webhook answered 503). \`XAMAN_API_ERROR\` (502) means Xaman refused
for good. Anything unexpected is 500 \`INTERNAL_ERROR\` with an error id that is also in the logs.

**Limits.** Per API key (per client IP without a valid key), over a sliding ${RATE_LIMIT_WINDOW_SECONDS} s
window: every route (default 600/min), and \`POST /v1/proposals\` more tightly (default 10/min: each
proposal pushes a request to every signer's phone). Answers carry \`RateLimit-Policy\` and
\`RateLimit\` (draft-ietf-httpapi-ratelimit-headers-10); a refused request answers 429
\`RATE_LIMITED\` with \`Retry-After\`. \`/health\` and the webhook are never throttled. A JSON body is
at most 256 KB (413 \`PAYLOAD_TOO_LARGE\`) and nests at most 32 levels (400 \`VALIDATION_FAILED\`).

**States.** A proposal: \`collecting\` → \`quorum_reached\` → \`submitted\` → \`succeeded\` | \`failed\`,
or it ends \`expired\`, \`cancelled\`, \`rejected\`, \`superseded\` or \`invalidated\` (\`ProposalState\`).
Each signer's request: \`SignerRequestState\`.
`.trim();

/** The OpenAPI 3.1 document of the API, generated from the controllers, DTOs and response classes. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('XRPL multisign coordinator')
    .setDescription(DESCRIPTION)
    .setVersion('1')
    .setOpenAPIVersion('3.1.0')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'msc_<8-char prefix>_<43-char secret>',
        description:
          'An API key (`npm run api-key -- create` or `POST /v1/api-keys`), in the Authorization header only.',
      },
      API_KEY_SECURITY,
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'METRICS_TOKEN',
        description: 'METRICS_TOKEN, when it is set (API keys do not open /metrics).',
      },
      METRICS_TOKEN_SECURITY,
    )
    .addTag('health', 'Liveness and readiness for probes')
    .addTag('metrics', 'Prometheus metrics')
    .addTag('webhook subscriptions', 'Outbound webhooks for integrators')
    .addTag('accounts', 'Multisig accounts and their signers')
    .addTag('proposals', 'Transactions to sign, their signers and outcome')
    .addTag('webhooks', "Xaman's callback")
    .addTag('audit', 'The append-only audit log')
    .addTag('api-keys', 'Keys and roles')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    extraModels: [ErrorResponse],
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
  });
  const errorCode = document.components?.schemas?.ErrorCode as Record<string, unknown> | undefined;
  if (errorCode) {
    errorCode['x-error-status'] = Object.fromEntries(
      ALL_ERROR_CODES.map((code) => [code, (ERROR_STATUS as Record<string, number>)[code] ?? null]).filter(
        ([, status]) => status !== null,
      ),
    );
  }
  describeRateLimits(document);
  return toOpenApi31(document);
}

const RATE_LIMIT_HEADERS = {
  'RateLimit-Policy': {
    description:
      'The quota policies that apply (draft-ietf-httpapi-ratelimit-headers-10), e.g. `"default";q=600;w=60`; ' +
      '`POST /v1/proposals` adds `"proposals";q=10;w=60`.',
    schema: { type: 'string' },
  },
  RateLimit: {
    description: 'What is left of each policy: `"default";r=<remaining>;t=<seconds to reset>`.',
    schema: { type: 'string' },
  },
};

/**
 * Every operation behind an API key is rate limited: its answers carry the RateLimit fields. Every
 * `{id}` path parameter is read by UuidParam, so it is a UUID.
 */
function describeRateLimits(document: OpenAPIObject): void {
  for (const pathItem of Object.values(document.paths)) {
    for (const operation of Object.values(pathItem) as OperationLike[]) {
      if (typeof operation !== 'object' || operation === null || !('responses' in operation)) continue;
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in === 'path' && parameter.name === 'id')
          parameter.schema = { type: 'string', format: 'uuid' };
      }
      if (!operation.security?.some((requirement) => API_KEY_SECURITY in requirement)) continue;
      for (const response of Object.values(operation.responses)) {
        response.headers = { ...RATE_LIMIT_HEADERS, ...response.headers };
      }
    }
  }
}

interface OperationLike {
  parameters?: { in: string; name: string; schema?: unknown }[];
  security?: Record<string, string[]>[];
  responses: Record<string, { headers?: Record<string, unknown> }>;
}
