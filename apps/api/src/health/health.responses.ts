import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** `GET /health`: the database only, and nothing about the deployment (no network, no sandbox flag). */
export class HealthResponse {
  @ApiProperty({ enum: ['ok', 'error'] })
  status!: 'ok' | 'error';
  @ApiProperty({ enum: ['up', 'down'] })
  database!: 'up' | 'down';
  @ApiProperty({ example: 2 })
  checkedInMs!: number;
}

/** What @nestjs/terminus answers for `/health/live` and `/health/ready`. */
export class HealthCheckResponse {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'] })
  status!: 'ok' | 'error' | 'shutting_down';
  @ApiPropertyOptional({
    description: 'the checks that are up, by name (database, ledger, xaman)',
    type: 'object',
    additionalProperties: { type: 'object', properties: { status: { type: 'string' } } },
  })
  info?: Record<string, { status: string }>;
  @ApiPropertyOptional({
    description: 'the checks that are down, by name, with the reason',
    type: 'object',
    additionalProperties: { type: 'object', properties: { status: { type: 'string' } } },
  })
  error?: Record<string, { status: string }>;
  @ApiProperty({
    description: 'every check, up or down',
    type: 'object',
    additionalProperties: { type: 'object', properties: { status: { type: 'string' } } },
  })
  details!: Record<string, { status: string }>;
}
