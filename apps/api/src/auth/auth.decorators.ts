import { SetMetadata } from '@nestjs/common';
import type { ApiKeyRole } from '@app/domain';

export const PUBLIC_ROUTE = 'auth:public';
export const REQUIRED_ROLE = 'auth:role';

/** No API key: health and the Xaman webhook (which is authenticated by its HMAC instead). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** The least role that may call the route (admin > proposer > viewer). Default: viewer. */
export const RequireRole = (role: ApiKeyRole) => SetMetadata(REQUIRED_ROLE, role);

export interface AuthenticatedKey {
  id: string;
  name: string;
  role: ApiKeyRole;
  /** The accounts the key may act on (null: every account). */
  accountIds: string[] | null;
}
