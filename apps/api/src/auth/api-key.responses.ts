import { ApiProperty } from '@nestjs/swagger';
import { API_KEY_ROLES, ApiKeyRole } from '@app/domain';
import { DATE_TIME } from '../openapi/schema-helpers';

export class ApiKeyResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ example: 'ci deploys' })
  name!: string;
  @ApiProperty({ enum: API_KEY_ROLES, enumName: 'ApiKeyRole', description: 'admin > proposer > viewer' })
  role!: ApiKeyRole;
  @ApiProperty({
    type: [String],
    nullable: true,
    description: 'A proposer key limited to these accounts; null: every account.',
  })
  accountIds!: string[] | null;
  @ApiProperty({ description: 'The start of the key, safe to show.', example: 'msc_k3x9q2ab_' })
  prefix!: string;
  @ApiProperty(DATE_TIME)
  createdAt!: Date;
  @ApiProperty({ ...DATE_TIME, nullable: true, description: 'Recorded at most once a minute.' })
  lastUsedAt!: Date | null;
  @ApiProperty({ ...DATE_TIME, nullable: true })
  revokedAt!: Date | null;
  @ApiProperty({
    ...DATE_TIME,
    nullable: true,
    description: 'After this instant the key is refused; null: never.',
  })
  expiresAt!: Date | null;
}

export class IssuedApiKeyResponse extends ApiKeyResponse {
  @ApiProperty({
    description: 'The secret: shown in this answer only (stored as a SHA-256 hash).',
    example: 'msc_k3x9q2ab_' + 'x'.repeat(43),
  })
  key!: string;
}

export class ApiKeyListResponse {
  @ApiProperty({ type: () => [ApiKeyResponse] })
  items!: ApiKeyResponse[];
}
