import { INestApplication } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import { buildOpenApiDocument } from './openapi.document';
import { OPENAPI_DOCS_PATH, OPENAPI_JSON_PATH } from './openapi.constants';

/**
 * Serves the OpenAPI 3.1 document at /openapi.json and Swagger UI at /docs, from the
 * swagger-ui-dist files shipped with @nestjs/swagger (no CDN: it works offline). Both are public
 * and outside the rate limits (they are static). Call after the app is created, before listen.
 */
export function setUpOpenApi(app: INestApplication): void {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup(OPENAPI_DOCS_PATH, app, document, {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    raw: ['json'],
    customSiteTitle: 'XRPL multisign coordinator API',
    swaggerOptions: { persistAuthorization: false, displayOperationId: false, tryItOutEnabled: false },
  });
}
