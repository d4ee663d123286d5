import { Controller, Get, Query } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RequireRole } from '../auth/auth.decorators';
import { ApiException } from '../common/api-error.filter';
import { AuditEventsReader } from './audit-events.reader';
import { ListAuditEventsQuery } from './list-audit-events.query';

/** The audit trail: every change and who caused it, newest first. */
@Controller('v1/audit-events')
@RequireRole('admin')
export class AuditEventsController {
  private readonly reader: AuditEventsReader;

  constructor(dataSource: DataSource) {
    this.reader = new AuditEventsReader(dataSource);
  }

  @Get()
  list(@Query() query: ListAuditEventsQuery) {
    let since: Date | undefined;
    if (query.since !== undefined) {
      since = new Date(query.since);
      if (Number.isNaN(since.getTime())) {
        throw new ApiException('VALIDATION_FAILED', 'since must be an ISO 8601 date and time.', {
          fields: [{ field: 'since' }],
        });
      }
    }
    return this.reader.list({
      entityType: query.entityType,
      entityId: query.entityId,
      action: query.action,
      since,
      cursor: query.cursor,
      limit: query.limit ?? 50,
    });
  }
}
