import { EntityManager } from 'typeorm';
import { Actor, AuditEntry, AuditEventFilter, AuditEventRecord, AuditRepository } from '../domain-contracts';
import { AuditEventEntity } from '../entities';

/** The AuditRepository port on PostgreSQL: `audit_events` is append-only (a trigger refuses changes). */
export class TypeormAuditRepository extends AuditRepository {
  constructor(private readonly manager: EntityManager) {
    super();
  }

  append(actor: Actor, entry: AuditEntry): Promise<void> {
    return this.appendMany(actor, [entry]);
  }

  /** One multi-row INSERT. */
  override appendMany(actor: Actor, entries: readonly AuditEntry[]): Promise<void> {
    return this.appendByActors(entries.map((entry) => ({ actor, entry })));
  }

  /** Entries of several actors (a batch of changes made for different callers), in one INSERT, in order. */
  async appendByActors(rows: readonly { actor: Actor; entry: AuditEntry }[]): Promise<void> {
    if (rows.length === 0) return;
    const values = rows.map((r) => auditRow(r.actor, r.entry));
    await this.manager.query(
      `INSERT INTO audit_events (${AUDIT_COLUMNS.join(', ')})
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[])`,
      AUDIT_COLUMNS.map((_, column) => values.map((row) => row[column])),
    );
  }

  /** Newest first (by id, the order of appending); `beforeId` pages on. */
  list(filter: AuditEventFilter): Promise<AuditEventRecord[]> {
    const query = this.manager
      .getRepository(AuditEventEntity)
      .createQueryBuilder('e')
      .orderBy('e.id', 'DESC')
      .limit(filter.limit);
    if (filter.entityType) query.andWhere('e.entity_type = :entityType', { entityType: filter.entityType });
    if (filter.entityId) query.andWhere('e.entity_id = :entityId', { entityId: filter.entityId });
    if (filter.action) query.andWhere('e.action = :action', { action: filter.action });
    if (filter.since) query.andWhere('e.occurred_at >= :since', { since: filter.since });
    if (filter.beforeId !== undefined) {
      query.andWhere('e.id < CAST(:beforeId AS bigint)', { beforeId: filter.beforeId });
    }
    return query.getMany();
  }
}

/** The columns an audit entry fills, in the order of `auditRow`. */
export const AUDIT_COLUMNS = [
  'actor_type',
  'actor_id',
  'request_id',
  'action',
  'entity_type',
  'entity_id',
  'details',
] as const;

/** An audit entry's values, in the order of `AUDIT_COLUMNS` (`details` as JSON text). */
export function auditRow(actor: Actor, entry: AuditEntry): unknown[] {
  return [
    actor.type,
    actor.id ?? null,
    actor.requestId ?? null,
    entry.action,
    entry.entityType,
    entry.entityId,
    JSON.stringify(entry.details ?? {}),
  ];
}
