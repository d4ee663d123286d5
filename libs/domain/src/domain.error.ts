/**
 * Every error the domain throws on purpose: a stable machine code (UPPER_SNAKE), a message for
 * people, and details that help a caller fix the request. Never an HTTP exception: the API maps
 * codes to statuses in one table.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const isDomainError = (error: unknown): error is DomainError => error instanceof DomainError;
