/**
 * `POST /api/v1/platform/payload`'s body read as the platform reads it ([BE2021] payload-post.js):
 * txjson or txblob, normalisation, custom_meta limits, options, user_token. Gives the new payload
 * record or a SoftError with Xaman's code.
 */
import { randomUUID } from 'node:crypto';
import { decode, encode, TRANSACTION_TYPES } from 'ripple-binary-codec';
import { xrpToDrops } from 'xrpl';

import { SoftError } from './errors';
import type { PayloadStore } from './payload-store';
import { isRecord, type Json, type PayloadRec, type TokenRec } from './records';
import type { UserDirectory } from './users';

/** [BE2021] auth middleware and user_token check: UUIDv4, case-insensitive. */
const UUID_V4 = /^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/i;
const TXBLOB = /^[A-F0-9]{10,}$/;
const PSEUDO_TX_TYPES = ['SignIn', 'PaymentChannelAuthorize'];
const KNOWN_TX_TYPES = new Set<string>([...TRANSACTION_TYPES, ...PSEUDO_TX_TYPES]);

function parseBool(v: unknown, dflt: boolean): boolean {
  if (v === true || v === 1 || v === '1' || v === 'true') return true;
  if (v === false || v === 0 || v === '0' || v === 'false') return false;
  return dflt;
}

export interface PayloadRequest {
  payload: PayloadRec;
  /** The user token the request named, when it is a live one (the payload is pushed). */
  token: TokenRec | undefined;
}

export function readPayloadRequest(
  rawBody: string,
  payloads: PayloadStore,
  users: UserDirectory,
  defaultExpireMinutes: number,
): PayloadRequest {
  let body: unknown;
  try {
    body = rawBody.trim() ? JSON.parse(rawBody) : undefined;
  } catch {
    throw new SoftError(400, 599);
  }
  if (!isRecord(body) || Object.keys(body).length === 0) throw new SoftError(400, 599);
  const hasJson = body.txjson !== undefined && body.txjson !== null;
  const hasBlob = body.txblob !== undefined && body.txblob !== null;
  if (hasJson && hasBlob) throw new SoftError(400, 604);
  let tx: Json;
  if (hasJson) {
    if (!isRecord(body.txjson)) throw new SoftError(400, 600);
    tx = structuredClone(body.txjson);
  } else {
    if (typeof body.txblob !== 'string' || !TXBLOB.test(body.txblob)) throw new SoftError(400, 600);
    try {
      tx = decode(body.txblob);
    } catch {
      throw new SoftError(400, 601);
    }
  }
  const txType = tx.TransactionType;
  if (typeof txType !== 'string' || !KNOWN_TX_TYPES.has(txType)) throw new SoftError(400, 602);
  // Normalisation as [BE2021] payload-post.js does it.
  if (typeof tx.Fee === 'number') tx.Fee = String(tx.Fee);
  if (isRecord(tx.Amount) && tx.Amount.currency === 'XRP' && !tx.Amount.issuer) {
    try {
      tx.Amount = xrpToDrops(String(tx.Amount.value));
    } catch {
      throw new SoftError(400, 603);
    }
  }
  if (txType === 'AccountDelete' && tx.Fee === undefined) tx.Fee = '5000000';
  if (!PSEUDO_TX_TYPES.includes(txType)) {
    try {
      encode(tx);
    } catch {
      throw new SoftError(400, 603);
    }
  }
  // custom_meta limits.
  const cm = isRecord(body.custom_meta) ? body.custom_meta : {};
  const identifier =
    typeof cm.identifier === 'string' || typeof cm.identifier === 'number' ? String(cm.identifier) : null;
  const instruction = typeof cm.instruction === 'string' ? cm.instruction : null;
  const blob = isRecord(cm.blob) || Array.isArray(cm.blob) ? (cm.blob as Record<string, unknown>) : null;
  if (identifier !== null && identifier.length > 40) throw new SoftError(400, 413);
  if (instruction !== null && instruction.replace(/\s+/g, ' ').trim().length > 280)
    throw new SoftError(400, 413);
  if (blob !== null && JSON.stringify(blob).length > 1500) throw new SoftError(400, 413);
  if (identifier !== null && payloads.hasIdentifier(identifier)) throw new SoftError(400, 409);
  // Options.
  const o = isRecord(body.options) ? body.options : {};
  const isSignIn = txType === 'SignIn';
  const expireMin =
    typeof o.expire === 'number' || typeof o.expire === 'string' ? parseInt(String(o.expire), 10) : NaN;
  const minutes = Number.isFinite(expireMin) && expireMin > 0 ? expireMin : defaultExpireMinutes;
  const signers = Array.isArray(o.signers)
    ? o.signers.filter((s): s is string => typeof s === 'string' && s.length > 0)
    : typeof o.signers === 'string' && o.signers
      ? [o.signers]
      : [];
  const ru = isRecord(o.return_url) ? o.return_url : {};
  // user_token / push.
  const ut = typeof body.user_token === 'string' && UUID_V4.test(body.user_token) ? body.user_token : null;
  const tok = ut ? users.token(ut) : undefined;
  const pushed = users.tokenActive(tok);
  const now = Date.now();
  const payload: PayloadRec = {
    uuid: randomUUID(),
    createdAt: now,
    expiresAt: now + minutes * 60_000,
    txType,
    requestJson: tx,
    multisign: isSignIn ? false : parseBool(o.multisign, false),
    submit: isSignIn ? false : parseBool(o.submit, true),
    pathfinding: parseBool(o.pathfinding, false),
    pathfindingFallback: parseBool(o.pathfinding_fallback, false),
    forceNetwork: typeof o.force_network === 'string' ? o.force_network : null,
    signers: signers.length > 0 ? signers : null,
    returnUrl: {
      app: typeof ru.app === 'string' ? ru.app : null,
      web: typeof ru.web === 'string' ? ru.web : null,
    },
    customMeta: { identifier, blob, instruction },
    pushed,
    userId: tok?.userId ?? null,
    cancelled: false,
    appOpened: false,
    openedAt: null,
    openedByDeeplink: null,
    origintype: null,
    signmethod: null,
    resolved: false,
    resolving: false,
    signed: false,
    response: null,
    signedTx: null,
    resolvedByUserId: null,
    referenceCallUuid: null,
    userTokenTouched: false,
    apiOpenCount: 0,
    wsEvents: [],
    expiryTimer: null,
    behaviourTimer: null,
  };
  return { payload, token: tok };
}
