import { AccountRecord, DelegateFacts, OutsideTransactionRecord, SignerRecord } from '../records';

export type NewSigner = Pick<
  SignerRecord,
  'address' | 'weight' | 'funded' | 'masterDisabled' | 'regularKey' | 'keyFactsLedgerIndex'
>;
export type NewAccount = Pick<
  AccountRecord,
  'network' | 'address' | 'label' | 'signerQuorum' | 'signerListLedgerIndex' | 'masterDisabled' | 'regularKey'
> &
  Partial<Pick<AccountRecord, 'txScanLedgerIndex'>>;
export type SignerListSnapshotUpdate = Pick<
  AccountRecord,
  'signerQuorum' | 'signerListLedgerIndex' | 'masterDisabled' | 'regularKey'
> & { signers: NewSigner[] };
export type NewOutsideTransaction = Omit<OutsideTransactionRecord, 'id'>;
export type SignerPatch = Partial<
  Pick<
    SignerRecord,
    | 'label'
    | 'userTokenCiphertext'
    | 'userTokenExpiresAt'
    | 'enrolmentState'
    | 'enrolmentPayloadUuid'
    | 'enrolmentSignLink'
    | 'enrolmentQrPng'
    | 'enrolmentExpiresAt'
    | 'enrolmentRefusalCode'
    | 'enrolmentRefusalDetail'
    | 'enrolledAt'
    | 'userTokenCheckedAt'
    | 'tokenWarnedExpiry'
  >
>;

/** A live token's expiry as Xaman reported it, and when it was asked. */
export interface TokenCheckRecord {
  signerId: string;
  expiresAt: Date | null;
  checkedAt: Date;
}

/** Multisig accounts and their signers (one aggregate). */
export abstract class AccountRepository {
  /** Null when the (network, address) pair is already registered. */
  abstract insert(account: NewAccount, signers: NewSigner[], readAt: Date): Promise<AccountRecord | null>;
  abstract find(id: string): Promise<AccountRecord | null>;
  abstract list(): Promise<AccountRecord[]>;
  /** Every signer ever listed for the account, current ones with `inSignerList`, by address. */
  abstract signersOf(accountId: string): Promise<SignerRecord[]>;
  /** Replaces the SignerList snapshot: listed signers are upserted, the others marked not listed. */
  abstract replaceSnapshot(
    accountId: string,
    snapshot: SignerListSnapshotUpdate,
    readAt: Date,
  ): Promise<void>;
  abstract updateSigner(signerId: string, patch: SignerPatch): Promise<SignerRecord>;
  abstract findSigner(signerId: string): Promise<SignerRecord | null>;
  /** The signers with these ids, in one read; unknown ids are left out, the order is unspecified. */
  abstract findSigners(signerIds: readonly string[]): Promise<SignerRecord[]>;
  /** Stores Xaman's answers about live tokens (expiry, checked at) for many signers, in one write. */
  abstract recordTokenChecks(checks: readonly TokenCheckRecord[]): Promise<void>;
  /** The signer whose current (or last) enrolment is this SignIn payload. */
  abstract findSignerByEnrolmentPayload(payloadUuid: string): Promise<SignerRecord | null>;
  /**
   * Applies the patch only while the signer's enrolment is still this payload and pending (a
   * re-enrolment or another process may have moved it on); false otherwise.
   */
  abstract settleEnrolment(signerId: string, payloadUuid: string, patch: SignerPatch): Promise<boolean>;
  /** Signers with a pending enrolment, oldest update first. */
  abstract pendingEnrolments(limit: number): Promise<SignerRecord[]>;
  /** Signers holding a user_token, by id after `afterId` (keyset pages for batch verification). */
  abstract signersWithTokens(afterId: string | null, limit: number): Promise<SignerRecord[]>;
  /**
   * Serialises Sequence/Ticket allocation for one account: holds the account's row lock until the
   * surrounding unit of work ends. Only meaningful inside `UnitOfWork.run`.
   */
  abstract lockForAllocation(accountId: string): Promise<void>;

  // ---- the live ledger
  /** Stores it once per (account, hash): false when it was already stored. */
  abstract recordOutsideTransaction(transaction: NewOutsideTransaction): Promise<boolean>;
  /** The account's outside transactions detected at or after `since`, newest ledger first. */
  abstract outsideTransactionsSince(accountId: string, since: Date): Promise<OutsideTransactionRecord[]>;
  /** The validated ledger up to which the account's transactions were checked. */
  abstract advanceTxScan(accountId: string, ledgerIndex: number): Promise<void>;
  abstract setDelegates(accountId: string, delegates: DelegateFacts[]): Promise<void>;
}
