import { createHash, randomBytes } from 'node:crypto';

const SESSION_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** 256 random bits, base64url: the cookie value. Only its SHA-256 is stored. */
export const generateSessionSecret = (): string => randomBytes(32).toString('base64url');

export const hashSessionSecret = (secret: string): string =>
  createHash('sha256').update(secret, 'utf8').digest('hex');

export const looksLikeSessionSecret = (secret: string): boolean => SESSION_PATTERN.test(secret);
