import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { IsIn, IsString, Length, Matches } from 'class-validator';
import { DataSource } from 'typeorm';
import { API_KEY_ROLES, ApiKeyEntity, ApiKeyRole, ApiKeyStore } from '@app/persistence';
import { ApiException } from '../common/api-error.filter';
import { AuditLog } from '@app/persistence';
import { AuthenticatedKey, RequireRole } from './auth.decorators';
import { CurrentKey } from './current-key.decorator';

export class CreateApiKeyDto {
  @IsString()
  @Length(1, 100)
  @Matches(/\S/, { message: 'name must not be blank' })
  name!: string;

  @IsIn(API_KEY_ROLES)
  role!: ApiKeyRole;
}

function present(entity: ApiKeyEntity) {
  return {
    id: entity.id,
    name: entity.name,
    role: entity.role,
    prefix: `msc_${entity.keyPrefix}_`,
    createdAt: entity.createdAt,
    lastUsedAt: entity.lastUsedAt,
    revokedAt: entity.revokedAt,
  };
}

@Controller('v1/api-keys')
@RequireRole('admin')
export class ApiKeysController {
  private readonly store: ApiKeyStore;

  constructor(
    dataSource: DataSource,
    private readonly audit: AuditLog,
  ) {
    this.store = new ApiKeyStore(dataSource);
  }

  /** Issues a key. The secret is in this answer only; it is stored hashed. */
  @Post()
  async create(@Body() body: CreateApiKeyDto, @CurrentKey() caller: AuthenticatedKey) {
    const issued = await this.store.issue(body.name.trim(), body.role, caller.id);
    await this.audit.record(
      { actorType: 'api_key', actorId: caller.id },
      'api_key.created',
      'api_key',
      issued.entity.id,
      {
        role: body.role,
      },
    );
    return { ...present(issued.entity), key: issued.key };
  }

  @Get()
  async list() {
    return { items: (await this.store.list()).map(present) };
  }

  @Delete(':id')
  @HttpCode(200)
  async revoke(@Param('id', new ParseUUIDPipe()) id: string, @CurrentKey() caller: AuthenticatedKey) {
    if (id === caller.id) {
      throw new ApiException('API_KEY_SELF_REVOKE', 'A key cannot revoke itself; use another admin key.');
    }
    const revoked = await this.store.revoke(id);
    if (!revoked) {
      const existing = await this.store.findById(id);
      if (!existing) throw new ApiException('API_KEY_NOT_FOUND', `No API key ${id}.`);
      throw new ApiException('API_KEY_ALREADY_REVOKED', `API key ${id} is already revoked.`);
    }
    await this.audit.record(
      { actorType: 'api_key', actorId: caller.id },
      'api_key.revoked',
      'api_key',
      id,
      {},
    );
    return present((await this.store.findById(id))!);
  }
}
