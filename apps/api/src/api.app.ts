import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppConfig } from '@app/config';
import { ApiModule } from './api.module';
import { setUpOpenApi } from './openapi/openapi.setup';

/**
 * Builds the API application (not yet listening). Used by `start:api`, `npm start` and the
 * end-to-end tests, so all three run the very same app.
 */
export async function createApiApp(config: AppConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config), {
    rawBody: true, // webhook signatures are checked over the raw bytes
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.useBodyParser('json', { limit: '256kb' });
  app.disable('x-powered-by');
  setUpOpenApi(app); // /openapi.json and /docs
  return app;
}
