/**
 * The control API (`/sandbox/*`, no authentication: bind to 127.0.0.1): simulated phones, users,
 * payload records, webhook log and URL, faults, rate limit and default behaviour over HTTP. Each
 * route checks its body and calls the same in-process method a test would.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { XamanSandboxError } from './errors';
import { readBody, send } from './http';
import { isRecord, type Json } from './records';
import type {
  XamanBehaviour,
  XamanSandbox,
  XamanSandboxAccountInput,
  XamanSandboxFault,
  XamanSandboxSignOptions,
} from './types';

/** Settings and counts `GET /sandbox` shows and the setters answer with. */
export interface ControlStatus {
  webhookUrl: string | null;
  rateLimitPerMinute: number;
  defaultBehaviour: XamanBehaviour;
  payloads: number;
  users: number;
  faults: number;
}

export interface ControlTarget {
  sandbox: XamanSandbox;
  status(): ControlStatus;
}

export async function handleControlRequest(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  target: ControlTarget,
): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  let body: Json = {};
  if (method !== 'GET' && method !== 'HEAD') {
    const raw = await readBody(req);
    if (raw.trim()) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        send(res, 400, { error: { code: 'INVALID_JSON', message: 'Body is not JSON' } });
        return;
      }
      if (!isRecord(parsed)) {
        send(res, 400, { error: { code: 'INVALID_BODY', message: 'Body must be a JSON object' } });
        return;
      }
      body = parsed;
    }
  }
  try {
    const [status, out] = routeControl(target, method, path, body);
    send(res, status, out);
  } catch (err) {
    if (err instanceof XamanSandboxError) {
      send(res, err.status, { error: { code: err.code, message: err.message } });
    } else {
      send(res, 500, { error: { code: 'INTERNAL', message: (err as Error).message } });
    }
  }
}

function routeControl(target: ControlTarget, method: string, path: string, body: Json): [number, unknown] {
  const { sandbox } = target;
  let seg: string[];
  try {
    seg = path.split('/').slice(2).map(decodeURIComponent);
  } catch {
    throw new XamanSandboxError(400, 'INVALID_PATH', 'Malformed percent-encoding in the path');
  }
  const str = (k: string): string | undefined => {
    const v = body[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw new XamanSandboxError(400, 'INVALID_BODY', `${k} must be a string`);
    return v;
  };
  const bool = (k: string): boolean | undefined => {
    const v = body[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') throw new XamanSandboxError(400, 'INVALID_BODY', `${k} must be a boolean`);
    return v;
  };
  const opt = <T>(k: string, v: T | undefined): Record<string, T> => (v === undefined ? {} : { [k]: v });
  const [a, b, c] = seg;
  if (seg.length === 0 && method === 'GET') {
    const state = target.status();
    return [
      200,
      {
        sandbox: 'xaman',
        url: sandbox.url,
        apiKey: sandbox.apiKey,
        webhookUrl: state.webhookUrl,
        rateLimitPerMinute: state.rateLimitPerMinute,
        defaultBehaviour: state.defaultBehaviour,
        payloads: state.payloads,
        users: state.users,
      },
    ];
  }
  if (a === 'users') {
    if (seg.length === 1 && method === 'POST') {
      const accounts = body.accounts;
      if (accounts !== undefined && !Array.isArray(accounts)) {
        throw new XamanSandboxError(
          400,
          'INVALID_BODY',
          'accounts must be an array of {seed?, regularKeySeed?}',
        );
      }
      const inputs: XamanSandboxAccountInput[] = (accounts ?? []).map((x: unknown) => {
        if (!isRecord(x)) throw new XamanSandboxError(400, 'INVALID_BODY', 'each account must be an object');
        const out: XamanSandboxAccountInput = {};
        for (const k of ['seed', 'regularKeySeed'] as const) {
          const v = x[k];
          if (v !== undefined && v !== null) {
            if (typeof v !== 'string')
              throw new XamanSandboxError(400, 'INVALID_BODY', `${k} must be a string`);
            out[k] = v;
          }
        }
        if (x.algorithm === 'secp256k1' || x.algorithm === 'ed25519') out.algorithm = x.algorithm;
        return out;
      });
      const behaviour = isRecord(body.behaviour) ? (body.behaviour as unknown as XamanBehaviour) : undefined;
      const withToken = bool('withToken');
      return [
        201,
        sandbox.createUser({
          accounts: inputs,
          ...opt('withToken', withToken),
          ...opt('behaviour', behaviour),
        }),
      ];
    }
    if (seg.length === 1 && method === 'GET') return [200, sandbox.listUsers()];
    if (b !== undefined && seg.length === 2 && method === 'GET') return [200, sandbox.getUser(b)];
    if (b !== undefined && c === 'behaviour' && seg.length === 3 && (method === 'PUT' || method === 'POST')) {
      return [200, sandbox.setBehaviour(b, body as unknown as XamanBehaviour)];
    }
    if (b !== undefined && c === 'accounts' && seg.length === 3 && method === 'POST') {
      const input: XamanSandboxAccountInput = {};
      const seed = str('seed');
      const regularKeySeed = str('regularKeySeed');
      if (seed !== undefined) input.seed = seed;
      if (regularKeySeed !== undefined) input.regularKeySeed = regularKeySeed;
      if (body.algorithm === 'secp256k1' || body.algorithm === 'ed25519') input.algorithm = body.algorithm;
      return [201, sandbox.addAccount(b, input)];
    }
    if (
      b !== undefined &&
      c === 'accounts' &&
      seg.length === 5 &&
      seg[4] === 'regular-key' &&
      method === 'PUT'
    ) {
      const seed = body.seed;
      if (seed !== null && typeof seed !== 'string') {
        throw new XamanSandboxError(400, 'INVALID_BODY', 'seed must be a seed string or null');
      }
      return [200, sandbox.setRegularKey(b, seg[3] ?? '', seed)];
    }
    if (b !== undefined && c === 'expire-token' && seg.length === 3 && method === 'POST') {
      return [200, sandbox.expireUserToken(b)];
    }
  }
  if (a === 'payloads') {
    if (seg.length === 1 && method === 'GET') return [200, sandbox.listPayloadRecords()];
    if (b !== undefined && seg.length === 2 && method === 'GET') return [200, sandbox.getPayloadRecord(b)];
    if (b !== undefined && seg.length === 3 && method === 'POST') {
      const common = {
        ...opt('userToken', str('userToken')),
        ...opt('deeplink', bool('deeplink')),
      };
      if (c === 'open') return [200, sandbox.open(b, common)];
      if (c === 'expire') return [200, sandbox.expire(b)];
      const late = { ...common, ...opt('seed', str('seed')), ...opt('allowLate', bool('allowLate')) };
      if (c === 'reject') return [200, sandbox.reject(b, late)];
      if (c === 'sign') {
        const tamper = body.tamper;
        if (tamper !== undefined && tamper !== null && !isRecord(tamper)) {
          throw new XamanSandboxError(400, 'INVALID_BODY', 'tamper must be an object of field overrides');
        }
        const signmethod = str('signmethod');
        if (signmethod !== undefined && !['PIN', 'BIOMETRIC', 'PASSPHRASE', 'OTHER'].includes(signmethod)) {
          throw new XamanSandboxError(
            400,
            'INVALID_BODY',
            'signmethod must be PIN, BIOMETRIC, PASSPHRASE or OTHER',
          );
        }
        const options: XamanSandboxSignOptions = {
          ...late,
          ...opt('account', str('account')),
          ...opt('useRegularKey', bool('useRegularKey')),
          ...opt('signAs', str('signAs')),
          ...opt('keySeed', str('keySeed')),
          ...opt('ignoreSigners', bool('ignoreSigners')),
          ...(isRecord(tamper) ? { tamper } : {}),
          ...(signmethod !== undefined
            ? { signmethod: signmethod as XamanSandboxSignOptions['signmethod'] }
            : {}),
        };
        return [200, sandbox.sign(b, options)];
      }
    }
  }
  if (a === 'webhooks' && seg.length === 1 && method === 'GET') return [200, sandbox.webhookDeliveries()];
  if (a === 'webhook' && seg.length === 1 && method === 'PUT') {
    const url = body.url;
    if (url !== null && (typeof url !== 'string' || !/^https?:\/\//.test(url))) {
      throw new XamanSandboxError(400, 'INVALID_BODY', 'url must be an http(s) URL or null');
    }
    sandbox.setWebhookUrl(url);
    return [200, { webhookUrl: target.status().webhookUrl }];
  }
  if (a === 'faults' && seg.length === 1 && method === 'POST') {
    sandbox.injectFault(body as unknown as XamanSandboxFault);
    return [201, { faults: target.status().faults }];
  }
  if (a === 'rate-limit' && seg.length === 1 && method === 'PUT') {
    const n = body.perMinute;
    if (typeof n !== 'number' || n < 0)
      throw new XamanSandboxError(400, 'INVALID_BODY', 'perMinute must be >= 0');
    sandbox.setRateLimit(n);
    return [200, { rateLimitPerMinute: target.status().rateLimitPerMinute }];
  }
  if (a === 'behaviour' && seg.length === 1 && method === 'PUT') {
    sandbox.setDefaultBehaviour(body as unknown as XamanBehaviour);
    return [200, { defaultBehaviour: target.status().defaultBehaviour }];
  }
  throw new XamanSandboxError(404, 'NOT_FOUND', `No control route ${method} ${path}`);
}
