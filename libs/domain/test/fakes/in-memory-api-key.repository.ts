import { randomUUID } from 'node:crypto';
import { ApiKeyRepository, NewApiKey } from '../../src/ports/api-key.repository';
import { ApiKeyRecord } from '../../src/records';
import { Clock } from '../../src/shared/clock';
import { Table } from './in-memory-store';

export class InMemoryApiKeyRepository extends ApiKeyRepository {
  readonly keys = new Table<ApiKeyRecord>();
  markUsedCalls = 0;

  constructor(private readonly clock: Clock) {
    super();
  }

  async insert(key: NewApiKey): Promise<ApiKeyRecord> {
    return this.keys.put({
      ...key,
      expiresAt: key.expiresAt,
      accountIds: key.accountIds ?? null,
      id: randomUUID(),
      createdAt: this.clock.now(),
      lastUsedAt: null,
      revokedAt: null,
    });
  }

  async findActiveByHash(secretHash: string): Promise<ApiKeyRecord | null> {
    return this.keys.find((k) => k.secretHash === secretHash && k.revokedAt === null);
  }

  async markUsed(id: string, at: Date): Promise<void> {
    this.markUsedCalls++;
    const key = this.keys.get(id);
    if (key) this.keys.put({ ...key, lastUsedAt: at });
  }

  async findById(id: string): Promise<ApiKeyRecord | null> {
    return this.keys.get(id);
  }

  async list(): Promise<ApiKeyRecord[]> {
    return this.keys.all().sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  async count(): Promise<number> {
    return this.keys.size;
  }

  async revoke(id: string, at: Date): Promise<boolean> {
    const key = this.keys.get(id);
    if (!key || key.revokedAt !== null) return false;
    this.keys.put({ ...key, revokedAt: at });
    return true;
  }
}
