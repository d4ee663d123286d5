import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { XummSdk } from 'xumm-sdk';
import type { XamanSandbox } from '../../../libs/sandbox/src/xaman';

/** A real xumm-sdk client pointed at the sandbox. */
export function sdkFor(
  sandbox: XamanSandbox,
  apiKey = sandbox.apiKey,
  apiSecret = sandbox.apiSecret,
): XummSdk {
  const sdk = new XummSdk(apiKey, apiSecret);
  sdk.setEndpoint(sandbox.url);
  return sdk;
}

/** xumm-sdk has no method for GET payload/ci/:id; the reference (§1.2) says to use Meta.call. */
export async function getByCustomIdentifier(sdk: XummSdk, identifier: string): Promise<any> {
  return (sdk as any).Meta.call('payload/ci/' + encodeURIComponent(identifier), 'GET');
}

export interface HttpResult {
  status: number;
  headers: Headers;
  body: any;
}

/** Plain HTTP against the sandbox (control API or raw platform calls). */
export async function http(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  const res = await fetch(baseUrl + path, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* keep text */
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

export interface ReceivedWebhook {
  at: number;
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: any;
}

/** A tiny webhook receiver answering with the given statuses in turn (last one repeats). */
export async function startWebhookReceiver(statuses: number[] = [200]): Promise<{
  url: string;
  received: ReceivedWebhook[];
  close: () => Promise<void>;
}> {
  const received: ReceivedWebhook[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      received.push({ at: Date.now(), headers: req.headers, rawBody, body: JSON.parse(rawBody) });
      const status = statuses[Math.min(received.length - 1, statuses.length - 1)] ?? 200;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1/webhooks/xaman`,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export async function waitFor<T>(
  fn: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
