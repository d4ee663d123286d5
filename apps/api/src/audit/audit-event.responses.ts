import { ApiProperty } from '@nestjs/swagger';
import { Actor } from '@app/domain';
import { everyMember } from '../openapi/schema-helpers';

export const ACTOR_TYPES = everyMember<Actor['type']>()(['api_key', 'xaman', 'worker', 'system']);

export class AuditEventResponse {
  @ApiProperty({ description: 'Increasing; newest first in lists.', example: '42' })
  id!: string;
  @ApiProperty({ format: 'date-time' })
  occurredAt!: string;
  @ApiProperty({ enum: ACTOR_TYPES, enumName: 'ActorType' })
  actorType!: Actor['type'];
  @ApiProperty({ type: String, nullable: true, description: 'The API key id for `api_key`.' })
  actorId!: string | null;
  @ApiProperty({ example: 'proposal.created' })
  action!: string;
  @ApiProperty({ example: 'proposal' })
  entityType!: string;
  @ApiProperty({ example: '0f8e7b4e-3f6c-4a51-9d0b-1c2d3e4f5a6b' })
  entityId!: string;
  @ApiProperty({ type: String, nullable: true })
  requestId!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true })
  details!: Record<string, unknown>;
}

export class AuditEventPageResponse {
  @ApiProperty({ type: () => [AuditEventResponse] })
  items!: AuditEventResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'Opaque; pass as `cursor` for the next page.' })
  nextCursor!: string | null;
}
