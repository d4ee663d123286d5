import { DataSource } from 'typeorm';
import { AuditEventEntity } from '@app/persistence';
import { ApiException } from '../common/api-error.filter';

export interface AuditEventView {
  id: string;
  occurredAt: string;
  actorType: AuditEventEntity['actorType'];
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: string;
  requestId: string | null;
  details: Record<string, unknown>;
}

export interface AuditEventFilter {
  entityType?: string;
  entityId?: string;
  action?: string;
  since?: Date;
  cursor?: string;
  limit: number;
}

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

/** Reads the append-only audit trail, newest first, keyset-paginated by id. */
export class AuditEventsReader {
  constructor(private readonly dataSource: DataSource) {}

  async list(filter: AuditEventFilter): Promise<{ items: AuditEventView[]; nextCursor: string | null }> {
    const query = this.dataSource
      .getRepository(AuditEventEntity)
      .createQueryBuilder('e')
      .orderBy('e.id', 'DESC')
      .limit(filter.limit + 1);
    if (filter.entityType !== undefined)
      query.andWhere('e.entity_type = :entityType', { entityType: filter.entityType });
    if (filter.entityId !== undefined)
      query.andWhere('e.entity_id = :entityId', { entityId: filter.entityId });
    if (filter.action !== undefined) query.andWhere('e.action = :action', { action: filter.action });
    if (filter.since !== undefined) query.andWhere('e.occurred_at >= :since', { since: filter.since });
    if (filter.cursor !== undefined) {
      query.andWhere('e.id < :before', { before: decodeAuditCursor(filter.cursor) });
    }
    const rows = await query.getMany();
    const page = rows.slice(0, filter.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((event) => ({
        id: String(event.id),
        occurredAt: event.occurredAt.toISOString(),
        actorType: event.actorType,
        actorId: event.actorId,
        action: event.action,
        entityType: event.entityType,
        entityId: event.entityId,
        requestId: event.requestId,
        details: event.details,
      })),
      nextCursor: rows.length > filter.limit && last ? encodeAuditCursor(String(last.id)) : null,
    };
  }
}
