import type { AccessScope, Actor } from '@app/domain';
import type { AuthenticatedKey } from '../auth/auth.decorators';

export const actorOf = (key: AuthenticatedKey, requestId?: string | number): Actor => ({
  type: 'api_key',
  id: key.id,
  requestId: requestId === undefined ? null : String(requestId),
});

/** The key's role and account scope, for the use-cases that enforce them. */
export const scopeOf = (key: AuthenticatedKey): AccessScope => ({
  role: key.role,
  accountIds: key.accountIds,
});
