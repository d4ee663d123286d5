import { Body, Controller, Delete, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import {
  API_KEY_ROLES,
  ApiKeyQueries,
  ApiKeyRecord,
  ApiKeyRole,
  IssueApiKey,
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
      { name: body.name.trim(), role: body.role, accountIds: body.accountIds ?? null },
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
