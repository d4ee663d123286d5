import {
  BLOB_REFUSAL_CODES,
  COMBINE_ERROR_CODES,
  PREPARE_ERROR_CODES,
  USAGE_ERROR_CODES,
} from '@app/multisign';

/**
 * Every stable error code the service answers with, in one catalogue. The API's status table is a
 * `Record<ErrorCode, HttpStatus>`, so a code added here without a status, or a status left for a
 * code nobody throws, fails to compile.
 */
export const ERROR_CODES = {
  // request shape (API layer)
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  MALFORMED_JSON: 'MALFORMED_JSON',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  ROUTE_NOT_FOUND: 'ROUTE_NOT_FOUND',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  INVALID_CURSOR: 'INVALID_CURSOR',
  // authentication
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  /** A console (cookie) request that changes state without the console's header from its own origin. */
  CSRF_REFUSED: 'CSRF_REFUSED',
  WEBHOOK_SIGNATURE_INVALID: 'WEBHOOK_SIGNATURE_INVALID',
  WEBHOOK_TIMESTAMP_STALE: 'WEBHOOK_TIMESTAMP_STALE',
  WEBHOOK_REPLAYED: 'WEBHOOK_REPLAYED',
  // API keys
  API_KEY_NOT_FOUND: 'API_KEY_NOT_FOUND',
  API_KEY_ALREADY_REVOKED: 'API_KEY_ALREADY_REVOKED',
  API_KEY_SELF_REVOKE: 'API_KEY_SELF_REVOKE',
  // accounts
  ACCOUNT_NOT_FOUND: 'ACCOUNT_NOT_FOUND',
  SIGNER_NOT_FOUND: 'SIGNER_NOT_FOUND',
  ACCOUNT_ALREADY_REGISTERED: 'ACCOUNT_ALREADY_REGISTERED',
  INVALID_ADDRESS: 'INVALID_ADDRESS',
  UNKNOWN_NETWORK: 'UNKNOWN_NETWORK',
  INVALID_USER_TOKEN: 'INVALID_USER_TOKEN',
  ACCOUNT_NOT_ON_LEDGER: 'ACCOUNT_NOT_ON_LEDGER',
  ACCOUNT_HAS_NO_SIGNER_LIST: 'ACCOUNT_HAS_NO_SIGNER_LIST',
  SIGNER_LIST_CHANGED: 'SIGNER_LIST_CHANGED',
  // proposals
  PROPOSAL_NOT_FOUND: 'PROPOSAL_NOT_FOUND',
  PROPOSAL_NOT_CANCELLABLE: 'PROPOSAL_NOT_CANCELLABLE',
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  INVALID_EXPIRY: 'INVALID_EXPIRY',
  TEMPLATE_SEQUENCE_AND_TICKET: 'TEMPLATE_SEQUENCE_AND_TICKET',
  SEQUENCE_NOT_CURRENT: 'SEQUENCE_NOT_CURRENT',
  TICKET_NOT_OWNED: 'TICKET_NOT_OWNED',
  TICKET_IN_USE: 'TICKET_IN_USE',
  NO_FREE_SEQUENCE: 'NO_FREE_SEQUENCE',
  // sign requests (refusal codes of the service's own, next to the multisign blob codes)
  XAMAN_SIGNER_MISMATCH: 'XAMAN_SIGNER_MISMATCH',
  // upstream services (UpstreamError)
  XAMAN_UNAVAILABLE: 'XAMAN_UNAVAILABLE',
  XAMAN_API_ERROR: 'XAMAN_API_ERROR',
  XRPL_UNAVAILABLE: 'XRPL_UNAVAILABLE',
  DATABASE_UNAVAILABLE: 'DATABASE_UNAVAILABLE',
  RATE_LIMITED: 'RATE_LIMITED',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
} as const;

export type ServiceErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/** Codes of @app/multisign that reach callers: template refusals from `prepare`, blob refusals. */
export const MULTISIGN_CODES = [
  ...PREPARE_ERROR_CODES,
  ...BLOB_REFUSAL_CODES,
  ...COMBINE_ERROR_CODES,
  ...USAGE_ERROR_CODES,
] as const;
export type MultisignCode = (typeof MULTISIGN_CODES)[number];

export type ErrorCode = ServiceErrorCode | MultisignCode;

export const isErrorCode = (value: unknown): value is ErrorCode =>
  typeof value === 'string' &&
  ((Object.values(ERROR_CODES) as string[]).includes(value) ||
    (MULTISIGN_CODES as readonly string[]).includes(value));
