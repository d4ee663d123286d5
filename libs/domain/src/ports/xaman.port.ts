import { UpstreamError } from '../errors/domain.error';

export interface CreatePayloadRequest {
  txjson: Record<string, unknown>;
  /** The signer's Xaman user_token, for a push; omitted: sign link / QR only. */
  userToken?: string | null;
  /** The only account allowed to sign (Xaman `options.signers`). */
  signer: string;
  expireMinutes: number;
  forceNetwork?: string | null;
  /** Unique per application forever, at most 40 characters. */
  identifier: string;
  instruction?: string | null;
  blob?: Record<string, unknown>;
}

/** A SignIn payload: the signer proves it holds its account's key; Xaman issues a user_token. */
export interface CreateSignInRequest {
  identifier: string;
  expireMinutes: number;
  /** Pushed to this token when the signer already has a live one. */
  userToken?: string | null;
  instruction?: string | null;
  forceNetwork?: string | null;
  blob?: Record<string, unknown>;
}

/**
 * A single-signed payload for an account's owner (Xaman `submit: false`, not multisign, only `signer`
 * may sign): the service verifies the blob and submits it itself.
 */
export interface CreateOwnerPayloadRequest {
  txjson: Record<string, unknown>;
  signer: string;
  identifier: string;
  expireMinutes: number;
  forceNetwork?: string | null;
  instruction?: string | null;
  blob?: Record<string, unknown>;
}

/** What Xaman says of a user_token (`POST user-tokens`). */
export interface UserTokenValidity {
  userToken: string;
  active: boolean;
  /** Xaman's real expiry (unix seconds in the API), when it gives one. */
  expiresAt: Date | null;
}

export interface CreatedPayloadView {
  uuid: string;
  pushed: boolean;
  signLink: string;
  qrPng: string | null;
}

/** The fields of a Xaman payload the service acts on (re-read from the API, never from a webhook). */
export interface PayloadView {
  uuid: string;
  identifier: string | null;
  multisign: boolean;
  resolved: boolean;
  signed: boolean;
  cancelled: boolean;
  expired: boolean;
  opened: boolean;
  signers: string[] | null;
  hex: string | null;
  txid: string | null;
  /** The signer's address (Xaman's naming: `multisign_account`). */
  multisignAccount: string | null;
  /** The transaction's Account (the multisig account). */
  account: string | null;
  resolvedAt: string | null;
  issuedUserToken: string | null;
}

export type CancelReason =
  'OK' | 'ALREADY_CANCELLED' | 'ALREADY_RESOLVED' | 'ALREADY_OPENED' | 'ALREADY_EXPIRED';

export interface WebhookDelivery {
  timestampHeader: string | undefined;
  signatureHeader: string | undefined;
  rawBody: Buffer | undefined;
}

export type WebhookCheck =
  | { ok: true; timestamp: number }
  | { ok: false; code: 'WEBHOOK_SIGNATURE_INVALID' | 'WEBHOOK_TIMESTAMP_STALE'; message: string };

/** Xaman as the domain needs it; implemented by @app/xaman over xumm-sdk. */
export abstract class XamanPort {
  abstract createPayload(request: CreatePayloadRequest): Promise<CreatedPayloadView>;
  abstract getPayload(uuid: string): Promise<PayloadView>;
  abstract createSignIn(request: CreateSignInRequest): Promise<CreatedPayloadView>;
  /** A single-signed payload for an account's owner (submit false: the service submits). */
  abstract createOwnerPayload(request: CreateOwnerPayloadRequest): Promise<CreatedPayloadView>;
  /** Verifies tokens in one batch (at most 50); unknown tokens come back inactive. */
  abstract verifyUserTokens(tokens: string[]): Promise<UserTokenValidity[]>;
  /** The link that opens the payload in the Xaman app on the phone. */
  abstract deepLinkFor(uuid: string): string;
  abstract getPayloadByIdentifier(identifier: string): Promise<PayloadView | null>;
  /** The link a signer opens (or scans as a QR) to sign a payload when a push did not arrive. */
  abstract signLinkFor(uuid: string): string;
  abstract cancelPayload(uuid: string): Promise<{ cancelled: boolean; reason: CancelReason }>;
  abstract watchPayload(
    uuid: string,
    onChange: (event: 'opened' | 'resolved' | 'expired') => void,
  ): { close(): void };
  /** Checks a webhook's HMAC (over the raw bytes) and the age of its timestamp. */
  abstract verifyWebhook(delivery: WebhookDelivery, now: Date): WebhookCheck;
}

/**
 * A Xaman API failure. `retryable` failures (rate limit, network, 5xx) are queued and retried
 * with back-off; others are final for that request.
 */
export class XamanApiError extends UpstreamError {
  constructor(
    message: string,
    readonly xamanCode: number | null,
    retryable: boolean,
  ) {
    super(retryable ? 'XAMAN_UNAVAILABLE' : 'XAMAN_API_ERROR', 'xaman', message, retryable);
    this.name = 'XamanApiError';
  }
}
