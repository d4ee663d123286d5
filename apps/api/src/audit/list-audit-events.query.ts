import { Type } from 'class-transformer';
import { IsISO8601, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

/** `GET /v1/audit-events` query: filters and an opaque cursor (newest first). */
export class ListAuditEventsQuery {
  @IsOptional()
  @IsString()
  @Length(1, 100)
  entityType?: string;

  @IsOptional()
  @IsString()
  @Length(1, 200)
  entityId?: string;

  @IsOptional()
  @IsString()
  @Length(1, 100)
  action?: string;

  /** Only events at or after this time (ISO 8601 with a date and a time, e.g. 2026-01-31T12:00:00Z). */
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  since?: string;

  @IsOptional()
  @IsString()
  @Length(1, 200)
  cursor?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}
