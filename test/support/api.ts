import { INestApplication } from '@nestjs/common';
import { AppConfig, loadConfig } from '@app/config';
import { apiKeyTools } from '@app/persistence';
import { createApiApp } from '../../apps/api/src/api.app';
import { createTestDatabase, TestDatabase } from './database';

/**
 * Test harnesses poll and fire bursts far above what a client should; they lift the per-key limits
 * (the production defaults are loadConfig's). A suite about limits passes its own values in `env`.
 */
export const UNTHROTTLED_ENV = {
  RATE_LIMIT_PER_MINUTE: '1000000',
  PROPOSAL_RATE_LIMIT_PER_MINUTE: '1000000',
};

export const TEST_ENV = {
  XAMAN_API_KEY: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
  XAMAN_API_SECRET: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb',
  TOKEN_ENCRYPTION_KEY: 'ab'.repeat(32),
  XRPL_NETWORK: 'sandbox',
  SANDBOX_MODE: 'true',
  XRPL_URL: 'ws://127.0.0.1:1',
  LOG_LEVEL: 'silent',
  PORT: '0',
  ...UNTHROTTLED_ENV,
};

/** fetch with JSON in and out; the body is parsed when it is JSON. */
export async function callJson(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  key?: string | null,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

export interface TestApi {
  url: string;
  app: INestApplication;
  db: TestDatabase;
  config: AppConfig;
  adminKey: string;
  /** fetch against the API with the admin key (or another key / none). */
  call(
    method: string,
    path: string,
    body?: unknown,
    key?: string | null,
    headers?: Record<string, string>,
  ): Promise<{
    status: number;
    body: any;
    headers: Headers;
  }>;
  close(): Promise<void>;
}

export async function startTestApi(env: Record<string, string> = {}): Promise<TestApi> {
  const db = await createTestDatabase();
  const config = loadConfig({ ...TEST_ENV, DATABASE_URL: db.url, ...env });
  const app = await createApiApp(config);
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  const adminKey = (await apiKeyTools(db.dataSource).issue('test admin', 'admin')).key;
  return {
    url,
    app,
    db,
    config,
    adminKey,
    call: (method, path, body, key = adminKey, headers = {}) =>
      callJson(url, method, path, body, key, headers),
    async close() {
      await app.close();
      await db.destroy();
    },
  };
}
