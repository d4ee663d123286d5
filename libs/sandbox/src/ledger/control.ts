/**
 * The ledger sandbox's control routes: plain HTTP on the WebSocket's own port, under `/sandbox`, so
 * a black-box user of `npm start` / `npm run sandbox` can switch faults on and off with curl. Admin
 * only (loopback clients, as the WebSocket's admin role). See docs/sandbox-ledger.md.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LedgerSandbox, LedgerSandboxFaults } from './types';

type Json = Record<string, unknown>;

/** The switches a JSON body can set (`PUT /sandbox/faults`), with their checks. */
const SWITCHES: Record<string, (v: unknown) => boolean> = {
  dropSubmits: (v) => typeof v === 'boolean' || (typeof v === 'number' && Number.isInteger(v) && v >= 0),
  neverValidate: (v) => typeof v === 'boolean',
  holdValidation: (v) => typeof v === 'boolean',
  openLedgerFeeMultiplier: (v) => typeof v === 'number' && Number.isFinite(v) && v >= 1 && v <= 1_000_000,
  validateAlternateSignerSubset: (v) => typeof v === 'boolean',
  holdCommands: (v) => Array.isArray(v) && v.every((e) => typeof e === 'string' && e.length > 0),
};

class ControlError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (address === '::1' || /^(::ffff:)?127\./.test(address));
}

/** The switches' current values. */
export function faultState(faults: LedgerSandboxFaults): Json {
  return Object.fromEntries(
    Object.keys(SWITCHES).map((name) => [name, faults[name as keyof LedgerSandboxFaults]]),
  );
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ControlError(400, 'INVALID_JSON', 'The body is not JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ControlError(400, 'INVALID_BODY', 'The body must be a JSON object.');
  }
  return body as Json;
}

function setSwitches(faults: LedgerSandboxFaults, body: Json): void {
  for (const [name, value] of Object.entries(body)) {
    const check = SWITCHES[name];
    if (!check) throw new ControlError(400, 'INVALID_BODY', `Unknown switch '${name}'.`);
    if (!check(value))
      throw new ControlError(400, 'INVALID_BODY', `Bad value for '${name}': ${JSON.stringify(value)}.`);
  }
  // all checked first: a refused body changes nothing
  Object.assign(faults, body);
}

function ledgerRange(body: Json): [number, number] {
  const { from, to } = body;
  if (
    typeof from !== 'number' ||
    typeof to !== 'number' ||
    !Number.isInteger(from) ||
    !Number.isInteger(to) ||
    from < 1 ||
    to < from
  ) {
    throw new ControlError(400, 'INVALID_BODY', "'from' and 'to' must be ledger indexes, from ≤ to.");
  }
  return [from, to];
}

async function route(
  sandbox: LedgerSandbox,
  method: string,
  path: string,
  req: IncomingMessage,
): Promise<[number, unknown]> {
  const { faults } = sandbox;
  const summary = (): Json => ({
    url: sandbox.url,
    networkId: sandbox.networkId,
    validatedLedgerIndex: sandbox.validatedLedgerIndex(),
    currentLedgerIndex: sandbox.currentLedgerIndex(),
    clients: sandbox.clientCount(),
    faults: faultState(faults),
  });
  const key = `${method} ${path}`;
  switch (key) {
    case 'GET /sandbox':
      return [200, summary()];
    case 'GET /sandbox/faults':
      return [200, faultState(faults)];
    case 'PUT /sandbox/faults':
    case 'PATCH /sandbox/faults':
      setSwitches(faults, await readJson(req));
      return [200, faultState(faults)];
    case 'POST /sandbox/faults/reset':
      faults.reset();
      return [200, faultState(faults)];
    case 'POST /sandbox/faults/disconnect': {
      const disconnected = sandbox.clientCount();
      faults.disconnectAll();
      return [200, { disconnected }];
    }
    case 'POST /sandbox/faults/forget-ledgers': {
      const [from, to] = ledgerRange(await readJson(req));
      faults.forgetLedgers(from, to);
      return [200, { forgotten: { from, to } }];
    }
    case 'POST /sandbox/faults/validate-alternate': {
      const { tx_blob: txBlob } = await readJson(req);
      if (typeof txBlob !== 'string') throw new ControlError(400, 'INVALID_BODY', "'tx_blob' is required.");
      try {
        return [200, faults.validateAlternate(txBlob)];
      } catch (error) {
        throw new ControlError(
          400,
          'INVALID_TRANSACTION',
          error instanceof Error ? error.message : String(error),
        );
      }
    }
    case 'POST /sandbox/ledger/accept':
      return [200, { ledger_index: sandbox.acceptLedger(), ...summary() }];
    default:
      throw new ControlError(404, 'NOT_FOUND', `No route ${key}.`);
  }
}

/** Answers one plain HTTP request to the sandbox's port. */
export async function handleControlRequest(
  sandbox: LedgerSandbox,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  try {
    const path = new URL(req.url ?? '/', 'http://sandbox').pathname.replace(/\/+$/, '') || '/';
    if (!path.startsWith('/sandbox'))
      throw new ControlError(
        404,
        'NOT_FOUND',
        'A rippled WebSocket port: connect with ws://, or use /sandbox.',
      );
    if (!isLoopback(req.socket.remoteAddress)) {
      throw new ControlError(403, 'FORBIDDEN', 'The control routes are admin-only (loopback clients).');
    }
    const [status, body] = await route(sandbox, req.method ?? 'GET', path, req);
    send(res, status, body);
  } catch (error) {
    const e = error instanceof ControlError ? error : new ControlError(500, 'INTERNAL', String(error));
    send(res, e.status, { error: { code: e.code, message: e.message } });
  }
}
