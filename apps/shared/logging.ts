import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { AppConfig } from '@app/config';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * Paths that must never reach a log line: credentials, Xaman secrets, user tokens, signed blobs.
 * (Pino replaces each with "[redacted]".)
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["x-api-secret"]',
  'req.headers["x-xumm-request-signature"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.userToken',
  '*.user_token',
  '*.apiSecret',
  '*.secret',
  '*.password',
  '*.tokenEncryptionKey',
];

export function pinoParams(config: AppConfig, withHttp: boolean): Params {
  return {
    pinoHttp: {
      level: config.log.level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      autoLogging: withHttp,
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
        }),
      },
    },
  };
}
