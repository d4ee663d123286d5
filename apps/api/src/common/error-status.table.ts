import { HttpStatus } from '@nestjs/common';
import { ErrorCode, MULTISIGN_CODES, ServiceErrorCode } from '@app/domain';

/**
 * The one table from stable error codes to HTTP statuses. Keyed by the domain's catalogue: a code
 * without a status, or a status for a code that does not exist, does not compile.
 */
const SERVICE_STATUS: Record<ServiceErrorCode, HttpStatus> = {
  // request shape
  VALIDATION_FAILED: HttpStatus.BAD_REQUEST,
  MALFORMED_JSON: HttpStatus.BAD_REQUEST,
  PAYLOAD_TOO_LARGE: HttpStatus.PAYLOAD_TOO_LARGE,
  UNSUPPORTED_MEDIA_TYPE: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  ROUTE_NOT_FOUND: HttpStatus.NOT_FOUND,
  METHOD_NOT_ALLOWED: HttpStatus.METHOD_NOT_ALLOWED,
  INVALID_CURSOR: HttpStatus.BAD_REQUEST,
  // authentication
  UNAUTHENTICATED: HttpStatus.UNAUTHORIZED,
  FORBIDDEN: HttpStatus.FORBIDDEN,
  CSRF_REFUSED: HttpStatus.FORBIDDEN,
  WEBHOOK_SIGNATURE_INVALID: HttpStatus.UNAUTHORIZED,
  WEBHOOK_TIMESTAMP_STALE: HttpStatus.UNAUTHORIZED,
  WEBHOOK_REPLAYED: HttpStatus.CONFLICT,
  // API keys
  API_KEY_NOT_FOUND: HttpStatus.NOT_FOUND,
  API_KEY_ALREADY_REVOKED: HttpStatus.CONFLICT,
  API_KEY_SELF_REVOKE: HttpStatus.CONFLICT,
  // accounts
  ACCOUNT_NOT_FOUND: HttpStatus.NOT_FOUND,
  SIGNER_NOT_FOUND: HttpStatus.NOT_FOUND,
  ACCOUNT_ALREADY_REGISTERED: HttpStatus.CONFLICT,
  INVALID_ADDRESS: HttpStatus.BAD_REQUEST,
  UNKNOWN_NETWORK: HttpStatus.BAD_REQUEST,
  INVALID_USER_TOKEN: HttpStatus.BAD_REQUEST,
  ACCOUNT_NOT_ON_LEDGER: HttpStatus.UNPROCESSABLE_ENTITY,
  ACCOUNT_HAS_NO_SIGNER_LIST: HttpStatus.UNPROCESSABLE_ENTITY,
  SIGNER_LIST_CHANGED: HttpStatus.CONFLICT,
  // proposals
  PROPOSAL_NOT_FOUND: HttpStatus.NOT_FOUND,
  PROPOSAL_NOT_CANCELLABLE: HttpStatus.CONFLICT,
  IDEMPOTENCY_KEY_REUSED: HttpStatus.CONFLICT,
  INVALID_EXPIRY: HttpStatus.BAD_REQUEST,
  TEMPLATE_SEQUENCE_AND_TICKET: HttpStatus.UNPROCESSABLE_ENTITY,
  SEQUENCE_NOT_CURRENT: HttpStatus.UNPROCESSABLE_ENTITY,
  TICKET_NOT_OWNED: HttpStatus.UNPROCESSABLE_ENTITY,
  TICKET_IN_USE: HttpStatus.CONFLICT,
  NO_FREE_SEQUENCE: HttpStatus.CONFLICT,
  XAMAN_SIGNER_MISMATCH: HttpStatus.UNPROCESSABLE_ENTITY,
  // upstream services: retry later
  XAMAN_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  XAMAN_API_ERROR: HttpStatus.BAD_GATEWAY,
  XRPL_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  DATABASE_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  RATE_LIMITED: HttpStatus.TOO_MANY_REQUESTS,
  INTERNAL_ERROR: HttpStatus.INTERNAL_SERVER_ERROR,
};

/** Template refusals of `prepare` and blob refusals: understood, but refused by the rules. */
const MULTISIGN_STATUS = Object.fromEntries(
  MULTISIGN_CODES.map((code) => [code, HttpStatus.UNPROCESSABLE_ENTITY]),
) as Record<(typeof MULTISIGN_CODES)[number], HttpStatus>;

export const ERROR_STATUS: Readonly<Record<ErrorCode, HttpStatus>> = {
  ...MULTISIGN_STATUS,
  ...SERVICE_STATUS,
};

/** Seconds a client should wait before retrying after an upstream failure (503). */
export const RETRY_AFTER_SECONDS = 5;

/** Codes for framework HTTP exceptions that carry no code of their own. */
export const HTTP_STATUS_CODE: Readonly<Partial<Record<number, string>>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'ROUTE_NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};
