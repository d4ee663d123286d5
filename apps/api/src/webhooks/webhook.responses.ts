import { ApiProperty } from '@nestjs/swagger';
import { ResolveOutcome } from '@app/domain';
import { everyMember } from '../openapi/schema-helpers';

export const RESOLVE_OUTCOMES = everyMember<ResolveOutcome>()([
  'unknown',
  'ignored',
  'signed',
  'refused',
  'rejected',
  'expired',
  'opened',
  'pending',
]);

export class WebhookReceivedResponse {
  @ApiProperty({ enum: [true] })
  received!: true;
  @ApiProperty({
    enum: RESOLVE_OUTCOMES,
    enumName: 'PayloadOutcome',
    description: 'What re-reading the payload from the Xaman API led to.',
  })
  outcome!: ResolveOutcome;
}
