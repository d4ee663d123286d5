import { AuditEntry, AuditEventFilter, AuditRepository } from '../../src/ports/audit.repository';
import { AuditEventRecord } from '../../src/records';
import { Actor } from '../../src/shared/actor';
import { Clock } from '../../src/shared/clock';
import { Table } from './in-memory-store';

/** The audit trail in memory; ids are increasing decimal strings, as a bigserial would give. */
export class InMemoryAuditRepository extends AuditRepository {
  readonly events = new Table<AuditEventRecord>();
  private nextId = 1;

  constructor(private readonly clock: Clock) {
    super();
  }

  async append(actor: Actor, entry: AuditEntry): Promise<void> {
    this.events.put({
      id: String(this.nextId++),
      occurredAt: this.clock.now(),
      actorType: actor.type,
      actorId: actor.id,
      requestId: actor.requestId ?? null,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId,
      details: entry.details ?? {},
    });
  }

  async list(filter: AuditEventFilter): Promise<AuditEventRecord[]> {
    return this.events
      .filter(
        (e) =>
          (filter.entityType === undefined || e.entityType === filter.entityType) &&
          (filter.entityId === undefined || e.entityId === filter.entityId) &&
          (filter.action === undefined || e.action === filter.action) &&
          (filter.since === undefined || e.occurredAt >= filter.since) &&
          (filter.beforeId === undefined || Number(e.id) < Number(filter.beforeId)),
      )
      .sort((a, b) => Number(b.id) - Number(a.id))
      .slice(0, filter.limit);
  }

  /** Every event about one entity, oldest first. */
  of(entityId: string): AuditEventRecord[] {
    return this.events.filter((e) => e.entityId === entityId).sort((a, b) => Number(a.id) - Number(b.id));
  }
}
