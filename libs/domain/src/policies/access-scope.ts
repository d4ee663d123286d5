import { DomainError } from '../errors/domain.error';
import type { ApiKeyRole } from '../records';

/** What the caller's API key may do: its role and, when scoped, the accounts it may act on. */
export interface AccessScope {
  role: ApiKeyRole;
  /** null: every account. */
  accountIds: string[] | null;
}

/** Least privilege for callers that name no scope. */
export const UNSCOPED_PROPOSER: AccessScope = Object.freeze({ role: 'proposer', accountIds: null });

export function assertAccountInScope(scope: AccessScope, accountId: string): void {
  if (scope.accountIds !== null && !scope.accountIds.includes(accountId)) {
    throw new DomainError('ACCOUNT_NOT_IN_KEY_SCOPE', 'This API key may not act on this account.', {
      accountId,
    });
  }
}
