import { PolicyRecord, PolicyRules } from '../policies/policy';

/** Account policies, append-only: each change is a new version; the highest is in force. */
export abstract class PolicyRepository {
  /** The version in force, or null when none was ever set (the default applies). */
  abstract current(accountId: string): Promise<PolicyRecord | null>;
  abstract version(accountId: string, version: number): Promise<PolicyRecord | null>;
  /** Newest first. */
  abstract history(accountId: string): Promise<PolicyRecord[]>;
  /**
   * Stores `rules` as version `expectedVersion + 1`; false when another change took that version
   * first (the caller re-reads and retries, or reports the conflict).
   */
  abstract append(
    accountId: string,
    expectedVersion: number,
    rules: PolicyRules,
    createdBy: string | null,
  ): Promise<PolicyRecord | null>;
}
