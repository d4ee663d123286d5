/**
 * How a payload looks from outside: the platform's `GET payload` answer (meta, application,
 * payload, response, custom_meta) and the sandbox's own record of it for tests.
 */
import { isExpired, isRecord, type Json, type PayloadRec } from './records';
import type { Runtime } from './runtime';
import type { XamanPayloadRecord } from './types';
import type { UserDirectory } from './users';

function isoNoMs(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function hexToUtf8(v: unknown): unknown {
  if (typeof v !== 'string' || !/^([0-9A-Fa-f]{2})*$/.test(v)) return v;
  return Buffer.from(v, 'hex').toString('utf8');
}

export function fillReturnUrl(url: string | null, p: PayloadRec, response = p.response): string | null {
  if (url === null) return null;
  return url
    .replace(/\{id\}/g, p.uuid)
    .replace(/\{cid\}/g, encodeURIComponent(p.customMeta.identifier ?? ''))
    .replace(/\{txid\}/g, response?.txid ?? '')
    .replace(/\{txblob\}/g, response?.hex ?? '');
}

export function metaView(p: PayloadRec): Json {
  const destination = typeof p.requestJson.Destination === 'string' ? p.requestJson.Destination : '';
  return {
    exists: true,
    uuid: p.uuid,
    multisign: p.multisign,
    submit: p.submit,
    pathfinding: p.pathfinding,
    pathfinding_fallback: p.pathfindingFallback,
    ...(p.forceNetwork !== null ? { force_network: p.forceNetwork } : {}),
    destination,
    resolved_destination: destination,
    resolved: p.resolved,
    signed: p.signed,
    cancelled: p.cancelled,
    expired: isExpired(p),
    pushed: p.pushed,
    app_opened: p.appOpened,
    opened_by_deeplink: p.openedByDeeplink,
    immutable: false,
    forceAccount: false,
    return_url_app: fillReturnUrl(p.returnUrl.app, p),
    return_url_web: fillReturnUrl(p.returnUrl.web, p),
    is_xapp: false,
    signers: p.signers ? [...p.signers] : null,
  };
}

export function customMetaView(p: PayloadRec): Json {
  return {
    identifier: p.customMeta.identifier,
    blob: p.customMeta.blob === null ? null : structuredClone(p.customMeta.blob),
    instruction: p.customMeta.instruction,
  };
}

export class PayloadViews {
  constructor(
    private readonly app: { appName: string; apiKey: string },
    private readonly runtime: Runtime,
    private readonly users: UserDirectory,
  ) {}

  /** Exactly what `GET /api/v1/platform/payload/:uuid` answers (without its side effects). */
  platform(p: PayloadRec): Json {
    const now = Date.now();
    const memos = p.requestJson.Memos;
    const computed = Array.isArray(memos)
      ? {
          Memos: memos.map((m: unknown) => {
            const memo = isRecord(m) && isRecord(m.Memo) ? m.Memo : {};
            const out: Json = {};
            for (const [k, v] of Object.entries(memo)) out[k] = hexToUtf8(v);
            return { Memo: out };
          }),
        }
      : undefined;
    const dt = p.requestJson.DestinationTag;
    const r = p.response;
    return {
      meta: metaView(p),
      application: {
        name: this.app.appName,
        description: 'Xaman platform sandbox application (SANDBOX, not the real Xaman platform)',
        disabled: 0,
        uuidv4: this.app.apiKey,
        icon_url: `${this.runtime.linkBase()}/sandbox/icon.png`,
        issued_user_token: this.users.issuedUserToken(p.uuid),
      },
      payload: {
        tx_type: p.txType,
        tx_destination: typeof p.requestJson.Destination === 'string' ? p.requestJson.Destination : '',
        tx_destination_tag: typeof dt === 'number' ? dt : null,
        request_json: structuredClone(p.requestJson),
        origintype: p.origintype,
        signmethod: p.signmethod,
        created_at: isoNoMs(p.createdAt),
        expires_at: isoNoMs(p.expiresAt),
        expires_in_seconds: Math.floor((p.expiresAt - now) / 1000),
        ...(computed ? { computed } : {}),
      },
      response: r
        ? {
            hex: r.hex,
            txid: r.txid,
            resolved_at: r.resolved_at,
            dispatched_to: '',
            dispatched_result: '',
            dispatched_nodetype: '',
            dispatched_to_node: false,
            environment_nodeuri: r.environment_nodeuri,
            environment_nodetype: r.environment_nodetype,
            environment_networkid: r.environment_networkid,
            multisign_account: r.multisign_account,
            account: r.account,
            signer: r.signer,
            ...(r.signer_pubkey !== undefined ? { signer_pubkey: r.signer_pubkey } : {}),
            ...(r.approved_with !== undefined ? { approved_with: r.approved_with } : {}),
            user: r.user,
          }
        : {
            hex: null,
            txid: null,
            resolved_at: null,
            dispatched_to: null,
            dispatched_result: null,
            dispatched_nodetype: null,
            dispatched_to_node: null,
            environment_nodeuri: null,
            environment_nodetype: null,
            environment_networkid: null,
            multisign_account: null,
            account: null,
            signer: null,
            user: null,
          },
      custom_meta: customMetaView(p),
    };
  }

  /** Everything the sandbox knows about a payload (XamanPayloadRecord, for tests). */
  record(p: PayloadRec): XamanPayloadRecord {
    return {
      uuid: p.uuid,
      platform: this.platform(p),
      userId: p.userId,
      resolvedByUserId: p.resolvedByUserId,
      apiOpenCount: p.apiOpenCount,
      wsEvents: p.wsEvents.map((e) => ({ at: e.at, message: { ...e.message } })),
      signedTx: p.signedTx ? structuredClone(p.signedTx) : null,
    };
  }
}
