import { createHash, randomBytes } from 'node:crypto';

const KEY_PATTERN = /^msc_([a-z0-9]{8})_([A-Za-z0-9_-]{43})$/;

/** Only the SHA-256 of a key is stored. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** `msc_<8-char prefix>_<43 base64url chars>`: 256 bits of entropy, with a prefix safe to show. */
export function generateApiKey(): { key: string; prefix: string } {
  const prefix = randomBytes(6)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')
    .slice(0, 8);
  return { key: `msc_${prefix}_${randomBytes(32).toString('base64url')}`, prefix };
}

export const looksLikeApiKey = (key: string): boolean => KEY_PATTERN.test(key);
