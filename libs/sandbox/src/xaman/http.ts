/** HTTP plumbing of the Xaman sandbox: JSON answers, Xaman's two error shapes, request bodies. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'x-sandbox': 'xaman',
    ...headers,
  });
  res.end(text);
}

/** Xaman's "soft" error: `{"error":{"reference","code"}}`. */
export function sendSoftError(
  res: ServerResponse,
  httpStatus: number,
  code: number,
  headers?: Record<string, string>,
): void {
  send(res, httpStatus, { error: { reference: randomUUID(), code } }, headers);
}

/** Xaman's "hard" error: HTTP 500 `{"error":true,"message",...}` (logged). */
export function sendHardError(
  log: (message: string, details?: Record<string, unknown>) => void,
  req: IncomingMessage,
  res: ServerResponse,
  err: unknown,
  headers?: Record<string, string>,
): void {
  log('hard error', { error: (err as Error)?.message });
  if (res.headersSent) {
    res.end();
    return;
  }
  send(
    res,
    500,
    {
      error: true,
      message: err instanceof Error ? err.message : String(err),
      reference: randomUUID(),
      code: 500,
      req: (req.url ?? '').split('?')[0],
      method: req.method ?? 'GET',
    },
    headers,
  );
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > 2_000_000) throw new Error('Request body too large');
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}
