import { EntityManager, IsNull } from 'typeorm';
import { ApiKeyRecord, ApiKeyRepository, NewApiKey } from '../domain-contracts';
import { ApiKeyEntity } from '../entities';

/** The ApiKeyRepository port on PostgreSQL: stores keys and finds them by the hash of their secret. */
export class TypeormApiKeyRepository extends ApiKeyRepository {
  constructor(private readonly manager: EntityManager) {
    super();
  }

  private get keys() {
    return this.manager.getRepository(ApiKeyEntity);
  }

  async insert(key: NewApiKey): Promise<ApiKeyRecord> {
    const result = await this.keys.insert(key);
    const id = (result.identifiers[0] as { id: string } | undefined)?.id;
    if (!id) throw new Error('The API key was not stored.');
    return this.keys.findOneOrFail({ where: { id } });
  }

  findActiveByHash(secretHash: string): Promise<ApiKeyRecord | null> {
    return this.keys.findOne({ where: { secretHash, revokedAt: IsNull() } });
  }

  async markUsed(id: string, at: Date): Promise<void> {
    await this.keys.update({ id }, { lastUsedAt: at });
  }

  findById(id: string): Promise<ApiKeyRecord | null> {
    return this.keys.findOne({ where: { id } });
  }

  list(): Promise<ApiKeyRecord[]> {
    return this.keys.find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  count(): Promise<number> {
    return this.keys.count();
  }

  async revoke(id: string, at: Date): Promise<boolean> {
    const result = await this.keys.update({ id, revokedAt: IsNull() }, { revokedAt: at });
    return result.affected === 1;
  }
}
