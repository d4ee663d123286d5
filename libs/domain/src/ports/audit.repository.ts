import { Actor } from '../shared/actor';
import { AuditEventRecord } from '../records';

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string;
  details?: Record<string, unknown>;
}

export interface AuditEventFilter {
  entityType?: string;
  entityId?: string;
  action?: string;
  since?: Date;
  /** Only events with a smaller id (keyset pagination, newest first). */
  beforeId?: string;
  limit: number;
}

/** The append-only audit trail: every change and who caused it. */
export abstract class AuditRepository {
  abstract append(actor: Actor, entry: AuditEntry): Promise<void>;
  /** Several entries by one actor, in order; an adapter may write them in one statement. */
  async appendMany(actor: Actor, entries: readonly AuditEntry[]): Promise<void> {
    for (const entry of entries) await this.append(actor, entry);
  }
  /** Newest first. */
  abstract list(filter: AuditEventFilter): Promise<AuditEventRecord[]>;
}
