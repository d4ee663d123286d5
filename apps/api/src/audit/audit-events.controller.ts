import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AuditQueries } from '@app/domain';
import { ApiRoute } from '../openapi/api-route.decorator';
import { AuditEventPageResponse } from './audit-event.responses';
import { RequireRole } from '../auth/auth.decorators';
import { ApiException } from '../common/api-error.filter';
import { decodeAuditCursor, encodeAuditCursor } from './audit-event-cursor';
import { ListAuditEventsQuery } from './list-audit-events.query';

/** The audit trail: every change and who caused it, newest first. */
@ApiTags('audit')
@Controller('v1/audit-events')
@RequireRole('admin')
export class AuditEventsController {
  constructor(private readonly audit: AuditQueries) {}

  @Get()
  @ApiRoute({
    summary: 'The append-only audit log, newest first',
    role: 'admin',
    errors: ['VALIDATION_FAILED', 'INVALID_CURSOR'],
  })
  @ApiOkResponse({ type: AuditEventPageResponse })
  async list(@Query() query: ListAuditEventsQuery) {
    let since: Date | undefined;
    if (query.since !== undefined) {
      since = new Date(query.since);
      if (Number.isNaN(since.getTime())) {
        throw new ApiException('VALIDATION_FAILED', 'since must be an ISO 8601 date and time.', {
          fields: [{ field: 'since' }],
        });
      }
    }
    const limit = query.limit ?? 50;
    const rows = await this.audit.list({
      entityType: query.entityType,
      entityId: query.entityId,
      action: query.action,
      since,
      beforeId: query.cursor === undefined ? undefined : decodeAuditCursor(query.cursor),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((event) => ({
        id: event.id,
        occurredAt: event.occurredAt.toISOString(),
        actorType: event.actorType,
        actorId: event.actorId,
        action: event.action,
        entityType: event.entityType,
        entityId: event.entityId,
        requestId: event.requestId,
        details: event.details,
      })),
      nextCursor: rows.length > limit && last ? encodeAuditCursor(last.id) : null,
    };
  }
}
