import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditEventEntity } from '../entities';

export interface AuditActor {
  actorType: AuditEventEntity['actorType'];
  actorId: string | null;
}

/** Append-only record of every change and who caused it (the table refuses UPDATE and DELETE). */
@Injectable()
export class AuditLog {
  constructor(private readonly dataSource: DataSource) {}

  async record(
    actor: AuditActor,
    action: string,
    entityType: string,
    entityId: string,
    details: Record<string, unknown>,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    await manager
      .getRepository(AuditEventEntity)
      .insert({ ...actor, action, entityType, entityId, details: details as never });
  }
}
