import { Body, Controller, Delete, Get, HttpCode, Post, Req } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import {
  API_KEY_ROLES,
  ApiKeyQueries,
  ApiKeyRecord,
  ApiKeyRole,
  IssueApiKey,
  MAX_API_KEY_DAYS,
  RevokeApiKey,
} from '@app/domain';
import { actorOf } from '../common/actor';
import { UuidParam } from '../common/params';
import { AuthenticatedKey, RequireRole } from './auth.decorators';
import { CurrentKey } from './current-key.decorator';
import { ApiRoute } from '../openapi/api-route.decorator';
import { BODY_ERRORS } from '../openapi/error.responses';
import { ApiKeyListResponse, ApiKeyResponse, IssuedApiKeyResponse } from './api-key.responses';

export class CreateApiKeyDto {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'ci deploys' })
  @IsString()
  @Length(1, 100)
  @Matches(/\S/, { message: 'name must not be blank' })
  name!: string;

  @ApiProperty({ enum: API_KEY_ROLES, enumName: 'ApiKeyRole' })
  @IsIn(API_KEY_ROLES)
  role!: ApiKeyRole;

  /** When the key stops authenticating (ISO 8601 with a time zone, in the future). */
  @ApiPropertyOptional({
    format: 'date-time',
    description:
      'When the key stops authenticating: in the future, with a time zone. Not with expiresInDays.',
    example: '2027-01-31T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(/(Z|[+-]\d{2}:\d{2})$/, { message: 'expiresAt must name its time zone (Z or ±hh:mm)' })
  expiresAt?: string;

  /** Or: this many days from now. */
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_API_KEY_DAYS, example: 90 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_API_KEY_DAYS)
  expiresInDays?: number;

  @ApiPropertyOptional({
    type: [String],
    description: 'Accounts the key may create, cancel and renew proposals for; absent: every account.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  accountIds?: string[];
}

function present(key: ApiKeyRecord) {
  return {
    id: key.id,
    name: key.name,
    role: key.role,
    accountIds: key.accountIds,
    prefix: `msc_${key.keyPrefix}_`,
    createdAt: key.createdAt,
    lastUsedAt: key.lastUsedAt,
    revokedAt: key.revokedAt,
    expiresAt: key.expiresAt,
  };
}

@ApiTags('api-keys')
@Controller('v1/api-keys')
@RequireRole('admin')
export class ApiKeysController {
  constructor(
    private readonly issue: IssueApiKey,
    private readonly revokeKey: RevokeApiKey,
    private readonly queries: ApiKeyQueries,
  ) {}

  /** Issues a key. The secret is in this answer only; it is stored hashed. */
  @Post()
  @ApiRoute({
    summary: 'Issue an API key',
    description: 'The secret (`key`) is in this answer only; it is stored as a SHA-256 hash.',
    role: 'admin',
    errors: [...BODY_ERRORS],
  })
  @ApiCreatedResponse({ type: IssuedApiKeyResponse })
  async create(
    @Body() body: CreateApiKeyDto,
    @CurrentKey() caller: AuthenticatedKey,
    @Req() req: { id?: string },
  ) {
    const issued = await this.issue.execute(
      {
        name: body.name.trim(),
        role: body.role,
        ...(body.expiresAt !== undefined ? { expiresAt: new Date(body.expiresAt) } : {}),
        ...(body.expiresInDays !== undefined ? { expiresInDays: body.expiresInDays } : {}),
        accountIds: body.accountIds ?? null,
      },
      actorOf(caller, req.id),
    );
    return { ...present(issued.record), key: issued.key };
  }

  @Get()
  @ApiRoute({
    summary: 'Every key, with its expiry and when it was last used (never the secrets)',
    role: 'admin',
  })
  @ApiOkResponse({ type: ApiKeyListResponse })
  async list() {
    return { items: (await this.queries.list()).map(present) };
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiRoute({
    summary: 'Revoke a key (never the caller’s own)',
    role: 'admin',
    errors: ['VALIDATION_FAILED', 'API_KEY_NOT_FOUND', 'API_KEY_ALREADY_REVOKED', 'API_KEY_SELF_REVOKE'],
  })
  @ApiOkResponse({ type: ApiKeyResponse })
  async revoke(
    @UuidParam('id') id: string,
    @CurrentKey() caller: AuthenticatedKey,
    @Req() req: { id?: string },
  ) {
    return present(await this.revokeKey.execute(id, actorOf(caller, req.id)));
  }
}
