/**
 * An account's treasury policy: what proposals may do, set by admins, versioned. Version 0 is the
 * built-in safe default, in force until an admin sets a policy. Every proposal records the version
 * it was created under.
 */
export interface DestinationRule {
  address: string;
  /** When set, a payment to this address must carry exactly this DestinationTag. */
  destinationTag: number | null;
}

export interface WindowLimit {
  /** A rolling window ending now: 24 = the last 24 hours. */
  hours: number;
  /** The most XRP (drops) succeeded and in-flight proposals may send out in the window. */
  maxDrops: string;
}

export interface TimeLockRule {
  /** Proposals sending out more than this (drops; "0": every one that sends XRP) wait after quorum. */
  aboveDrops: string;
  /** How long they wait between quorum and submission. */
  delaySeconds: number;
}

export interface PolicyRules {
  /** Transaction types proposals may have (control types need an admin whatever this says). */
  allowedTransactionTypes: string[];
  /** AccountSet may set or clear flags (TransferRate, TickSize too); else only Domain/message fields. */
  allowAccountSetFlags: boolean;
  /** The most Tickets one TicketCreate may create. */
  maxTicketCount: number;
  /** Destinations allowed (null: any). */
  destinations: DestinationRule[] | null;
  /** The most XRP (drops) one proposal may send out (null: no limit). */
  maxAmountDrops: string | null;
  windowLimits: WindowLimit[];
  /** The highest Fee (drops) a prepared transaction may carry (null: the service's cap only). */
  maxFeeDrops: number | null;
  /** The longest signing window a proposal may ask for (null: the service's maximum). */
  maxSigningWindowMinutes: number | null;
  timeLock: TimeLockRule | null;
}

export interface PolicyRecord {
  accountId: string;
  /** 0: the built-in default (never stored); 1, 2, ...: the versions admins set. */
  version: number;
  rules: PolicyRules;
  createdBy: string | null;
  createdAt: Date | null;
}

/** Types that change who controls the account: never with a proposer key. */
export const CONTROL_TRANSACTION_TYPES = [
  'SetRegularKey',
  'SignerListSet',
  'DelegateSet',
  'AccountDelete',
  'DepositPreauth',
] as const;

/** AccountSet flags that change keys or clawback (asfDisableMaster, asfAuthorizedNFTokenMinter, asfAllowTrustLineClawback). */
export const CONTROL_ACCOUNT_SET_FLAGS = [4, 10, 16] as const;

/** AccountSet fields anyone allowed AccountSet may set: the domain and message fields. */
export const PLAIN_ACCOUNT_SET_FIELDS = ['Domain', 'EmailHash', 'MessageKey', 'WalletLocator', 'WalletSize'];

export const DEFAULT_POLICY_RULES: PolicyRules = Object.freeze({
  allowedTransactionTypes: ['Payment', 'TicketCreate', 'AccountSet'],
  allowAccountSetFlags: false,
  maxTicketCount: 10,
  destinations: null,
  maxAmountDrops: null,
  windowLimits: [],
  maxFeeDrops: null,
  maxSigningWindowMinutes: null,
  timeLock: null,
});

export function defaultPolicy(accountId: string): PolicyRecord {
  return {
    accountId,
    version: 0,
    rules: structuredClone(DEFAULT_POLICY_RULES),
    createdBy: null,
    createdAt: null,
  };
}
