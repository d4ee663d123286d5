import { ApiKeyRepository } from '../ports/api-key.repository';
import { ApiKeyRecord } from '../records';

export class ApiKeyQueries {
  constructor(private readonly keys: ApiKeyRepository) {}

  list(): Promise<ApiKeyRecord[]> {
    return this.keys.list();
  }

  count(): Promise<number> {
    return this.keys.count();
  }
}
