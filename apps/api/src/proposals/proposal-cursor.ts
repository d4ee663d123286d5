import { ApiException } from '../common/api-error.filter';

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The opaque cursor of `GET /v1/proposals`: base64url of `<createdAt ISO>|<id>` of the last item. */
export function encodeProposalCursor(last: { createdAt: Date; id: string }): string {
  return Buffer.from(`${last.createdAt.toISOString()}|${last.id}`, 'utf8').toString('base64url');
}

/**
 * The position a cursor stands for. Anything this API could not have handed out is INVALID_CURSOR:
 * a date that does not round-trip exactly (month 13, 99:99, February 30) never reaches the database.
 */
export function decodeProposalCursor(cursor: string): { createdAt: Date; id: string } {
  const invalid = () =>
    new ApiException('INVALID_CURSOR', 'The cursor is not one this API returned.', {
      fields: [{ field: 'cursor' }],
    });
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  const [time, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  // Four-digit years only: PostgreSQL cannot hold every date JavaScript can.
  if (rest.length > 0 || !time || !id || !UUID.test(id) || !ISO_MS.test(time)) throw invalid();
  const createdAt = new Date(time);
  if (Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== time) throw invalid();
  if (encodeProposalCursor({ createdAt, id }) !== cursor) throw invalid();
  return { createdAt, id };
}
