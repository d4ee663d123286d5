import { HttpStatus } from '@nestjs/common';

/**
 * The one table from stable error codes to HTTP statuses. A DomainError whose code is not listed
 * answers 422 (understood, but refused by the rules).
 */
export const ERROR_STATUS: Readonly<Record<string, HttpStatus>> = {
  // request shape
  VALIDATION_FAILED: HttpStatus.BAD_REQUEST,
  MALFORMED_JSON: HttpStatus.BAD_REQUEST,
  PAYLOAD_TOO_LARGE: HttpStatus.PAYLOAD_TOO_LARGE,
  UNSUPPORTED_MEDIA_TYPE: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  ROUTE_NOT_FOUND: HttpStatus.NOT_FOUND,
  METHOD_NOT_ALLOWED: HttpStatus.METHOD_NOT_ALLOWED,
  // authentication
  UNAUTHENTICATED: HttpStatus.UNAUTHORIZED,
  FORBIDDEN: HttpStatus.FORBIDDEN,
  WEBHOOK_SIGNATURE_INVALID: HttpStatus.UNAUTHORIZED,
  WEBHOOK_TIMESTAMP_STALE: HttpStatus.UNAUTHORIZED,
  WEBHOOK_REPLAYED: HttpStatus.CONFLICT,
  // resources
  ACCOUNT_NOT_FOUND: HttpStatus.NOT_FOUND,
  SIGNER_NOT_FOUND: HttpStatus.NOT_FOUND,
  PROPOSAL_NOT_FOUND: HttpStatus.NOT_FOUND,
  ACCOUNT_ALREADY_REGISTERED: HttpStatus.CONFLICT,
  IDEMPOTENCY_KEY_REUSED: HttpStatus.CONFLICT,
  PROPOSAL_NOT_OPEN: HttpStatus.CONFLICT,
  INVALID_CURSOR: HttpStatus.BAD_REQUEST,
  API_KEY_NOT_FOUND: HttpStatus.NOT_FOUND,
  API_KEY_ALREADY_REVOKED: HttpStatus.CONFLICT,
  API_KEY_SELF_REVOKE: HttpStatus.CONFLICT,
  // upstream services
  XRPL_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  XAMAN_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  INTERNAL_ERROR: HttpStatus.INTERNAL_SERVER_ERROR,
};

export const DEFAULT_DOMAIN_ERROR_STATUS = HttpStatus.UNPROCESSABLE_ENTITY;

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
