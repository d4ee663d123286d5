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
  override async appendMany(actor: Actor, entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.manager.getRepository(AuditEventEntity).insert(
      entries.map((entry) => ({
        actorType: actor.type,
        actorId: actor.id,
        requestId: actor.requestId ?? null,
        action: entry.action,
        entityType: entry.entityType,
        entityId: entry.entityId,
        details: (entry.details ?? {}) as never,
      })),
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
