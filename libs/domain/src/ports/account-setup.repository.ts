import type { SetupState } from '../accounts/setup/account-setup-state';
import { AccountSetupRecord } from '../records';

export type NewAccountSetup = Omit<AccountSetupRecord, 'id' | 'version' | 'createdAt' | 'updatedAt'>;
export type AccountSetupPatch = Partial<
  Pick<AccountSetupRecord, 'state' | 'steps' | 'failureCode' | 'failureDetail' | 'accountId'>
>;

/** Account set-ups (onboarding from scratch), one aggregate. */
export abstract class AccountSetupRepository {
  abstract insert(setup: NewAccountSetup, at: Date): Promise<AccountSetupRecord>;
  abstract find(id: string): Promise<AccountSetupRecord | null>;
  /** Set-ups of (network, address) in one of these states. */
  abstract findByAddress(
    network: string,
    address: string,
    states: readonly SetupState[],
  ): Promise<AccountSetupRecord[]>;
  /** Set-ups in these states, oldest update first. */
  abstract inStates(states: readonly SetupState[], limit: number): Promise<AccountSetupRecord[]>;
  /**
   * Applies the patch (and bumps the version) only while the set-up is in one of `from` at `version`
   * (nobody moved it since it was read); false otherwise.
   */
  abstract update(
    id: string,
    from: readonly SetupState[],
    version: number,
    patch: AccountSetupPatch,
    at: Date,
  ): Promise<boolean>;
}
