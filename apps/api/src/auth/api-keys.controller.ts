import { Body, Controller, Delete, Get, HttpCode, Post, Req } from '@nestjs/common';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
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

export class CreateApiKeyDto {
  @IsString()
  @Length(1, 100)
  @Matches(/\S/, { message: 'name must not be blank' })
  name!: string;

  @IsIn(API_KEY_ROLES)
  role!: ApiKeyRole;

  /** When the key stops authenticating (ISO 8601 with a time zone, in the future). */
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(/(Z|[+-]\d{2}:\d{2})$/, { message: 'expiresAt must name its time zone (Z or ±hh:mm)' })
  expiresAt?: string;

  /** Or: this many days from now. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_API_KEY_DAYS)
  expiresInDays?: number;
}

function present(key: ApiKeyRecord) {
  return {
    id: key.id,
    name: key.name,
    role: key.role,
    prefix: `msc_${key.keyPrefix}_`,
    createdAt: key.createdAt,
    lastUsedAt: key.lastUsedAt,
    revokedAt: key.revokedAt,
    expiresAt: key.expiresAt,
  };
}

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
      },
      actorOf(caller, req.id),
    );
    return { ...present(issued.record), key: issued.key };
  }

  @Get()
  async list() {
    return { items: (await this.queries.list()).map(present) };
  }

  @Delete(':id')
  @HttpCode(200)
  async revoke(
    @UuidParam('id') id: string,
    @CurrentKey() caller: AuthenticatedKey,
    @Req() req: { id?: string },
  ) {
    return present(await this.revokeKey.execute(id, actorOf(caller, req.id)));
  }
}
