import { Type } from 'class-transformer';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

/** `GET /v1/audit-events` query: filters and an opaque cursor (newest first). */
export class ListAuditEventsQuery {
  @ApiPropertyOptional({ maxLength: 100, example: 'proposal' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  entityType?: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  entityId?: string;

  @ApiPropertyOptional({ maxLength: 100, example: 'proposal.created' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  action?: string;

  /** Only events at or after this time (ISO 8601 with a date and a time, e.g. 2026-01-31T12:00:00Z). */
  @ApiPropertyOptional({ format: 'date-time', description: 'Only events at or after this time.' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  since?: string;

  @ApiPropertyOptional({ maxLength: 200, description: '`nextCursor` of the previous page.' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  cursor?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}
