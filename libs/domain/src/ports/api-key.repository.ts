import { ApiKeyRecord, ApiKeyRole } from '../records';

export interface NewApiKey {
  name: string;
  role: ApiKeyRole;
  keyPrefix: string;
  secretHash: string;
  createdBy: string | null;
  expiresAt: Date | null;
  accountIds?: string[] | null;
}

/** API keys, stored as SHA-256 hashes of their secrets. */
export abstract class ApiKeyRepository {
  abstract insert(key: NewApiKey): Promise<ApiKeyRecord>;
  abstract findActiveByHash(secretHash: string): Promise<ApiKeyRecord | null>;
  abstract markUsed(id: string, at: Date): Promise<void>;
  abstract findById(id: string): Promise<ApiKeyRecord | null>;
  abstract list(): Promise<ApiKeyRecord[]>;
  abstract count(): Promise<number>;
  /** False when the key does not exist or was already revoked. */
  abstract revoke(id: string, at: Date): Promise<boolean>;
}
