import { AuditEventFilter, AuditRepository } from '../ports/audit.repository';
import { AuditEventRecord } from '../records';

/** The audit trail, newest first (the API shapes pages and cursors). */
export class AuditQueries {
  constructor(private readonly audit: AuditRepository) {}

  list(filter: AuditEventFilter): Promise<AuditEventRecord[]> {
    return this.audit.list(filter);
  }
}
