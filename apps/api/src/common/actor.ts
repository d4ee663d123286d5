import type { Actor } from '@app/domain';
import type { AuthenticatedKey } from '../auth/auth.decorators';

export const actorOf = (key: AuthenticatedKey, requestId?: string | number): Actor => ({
  type: 'api_key',
  id: key.id,
  requestId: requestId === undefined ? null : String(requestId),
});
