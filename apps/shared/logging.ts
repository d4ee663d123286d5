import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import pretty from 'pino-pretty';
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

/**
 * Query parameters whose values may be logged: the filters of the list routes. Any other parameter's
 * value is logged as "[redacted]": a key sent by mistake in a query string (`?access_token=...`)
 * never reaches a log line, whatever its name.
 */
const LOGGED_QUERY_PARAMETERS = new Set([
  'state',
  'accountId',
  'cursor',
  'limit',
  'entityType',
  'entityId',
  'action',
  'since',
]);
/** The shape of this service's API keys (`msc_<prefix>_<secret>`), wherever it shows up in a URL. */
const API_KEY_SHAPE = /msc_[A-Za-z0-9_-]+/g;

/** The request URL as logged: the path, and the query with every value not known to be harmless redacted. */
export function loggableUrl(url: string): string {
  const queryStart = url.indexOf('?');
  const path = (queryStart === -1 ? url : url.slice(0, queryStart)).replace(API_KEY_SHAPE, 'msc_[redacted]');
  if (queryStart === -1) return path;
  const query = url
    .slice(queryStart + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const rawName = equals === -1 ? pair : pair.slice(0, equals);
      let name = rawName;
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      } catch {
        // a malformed escape: never a known name
      }
      if (equals === -1) return rawName.replace(API_KEY_SHAPE, 'msc_[redacted]');
      if (!LOGGED_QUERY_PARAMETERS.has(name))
        return `${rawName.replace(API_KEY_SHAPE, 'msc_[redacted]')}=[redacted]`;
      return `${rawName}=${pair.slice(equals + 1).replace(API_KEY_SHAPE, 'msc_[redacted]')}`;
    })
    .join('&');
  return `${path}?${query}`;
}

/**
 * nestjs-pino settings. `json` (production): one JSON object a line on stdout. `pretty` (`npm start`):
 * pino-pretty in the same process, synchronously, so log lines and the start banner stay in order and
 * readable. Redaction happens before either.
 */
export function pinoParams(config: AppConfig, withHttp: boolean): Params {
  const options: PinoHttpOptions = {
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
        url: loggableUrl(req.url),
      }),
    },
  };
  if (config.log.format === 'pretty') {
    return {
      pinoHttp: [
        options,
        pretty({
          sync: true,
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname,context',
          messageFormat: '{if context}[{context}] {end}{msg}',
        }),
      ],
    };
  }
  return { pinoHttp: options };
}
