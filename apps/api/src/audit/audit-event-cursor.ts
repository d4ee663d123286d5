import { ApiException } from '../common/api-error.filter';

/** Largest bigserial value; a cursor beyond it was never issued. */
const MAX_ID = 9_223_372_036_854_775_807n;
const DECIMAL_ID = /^[1-9][0-9]{0,18}$/;

export const encodeAuditCursor = (id: string): string => Buffer.from(id, 'utf8').toString('base64url');

/** The id a cursor stands for; anything this API did not hand out is INVALID_CURSOR. */
export function decodeAuditCursor(cursor: string): string {
  const id = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!DECIMAL_ID.test(id) || BigInt(id) > MAX_ID || encodeAuditCursor(id) !== cursor) {
    throw new ApiException('INVALID_CURSOR', 'The cursor is not one this API returned.', {
      fields: [{ field: 'cursor' }],
    });
  }
  return id;
}
