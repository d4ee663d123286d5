/** Stored shapes, as the domain sees them (the persistence entities have the same fields). */
import type { ProposalState, RequestState } from './state/proposal-state';
import type { Actor } from './shared/actor';

export type { Actor };

export interface SignerListSnapshot {
  quorum: number;
  entries: { account: string; weight: number }[];
  ledgerIndex: number;
  /** Each signer's key facts when the proposal was made (master disabled, RegularKey, funded). */
  facts?: Record<string, { funded: boolean; masterDisabled: boolean; regularKey: string | null }>;
}

export interface AccountRecord {
  id: string;
  network: string;
  address: string;
  label: string | null;
  signerQuorum: number;
  signerListLedgerIndex: number;
  signerListReadAt: Date;
  masterDisabled: boolean;
  regularKey: string | null;
  /** The validated ledger up to which the account's transactions were checked (outside the service). */
  txScanLedgerIndex: number | null;
  /** Delegate objects on the account (XLS-75): who may send some transactions without the quorum. */
  delegates: DelegateFacts[];
  createdAt: Date;
  updatedAt: Date;
}

/** One Delegate ledger object of an account: `authorize` may send these transaction types for it. */
export interface DelegateFacts {
  authorize: string;
  permissions: string[];
}

/** A validated transaction the treasury account sent that was not made through the service. */
export interface OutsideTransactionRecord {
  id: string;
  accountId: string;
  hash: string;
  transactionType: string;
  ledgerIndex: number;
  result: string;
  /** A Payment's delivered amount (drops string or issued-currency object) and destination. */
  amount: unknown;
  destination: string | null;
  detectedAt: Date;
}

export interface SignerRecord {
  id: string;
  accountId: string;
  address: string;
  weight: number;
  inSignerList: boolean;
  label: string | null;
  userTokenCiphertext: string | null;
  userTokenExpiresAt: Date | null;
  /** Stored: `pending` while a SignIn payload is open; shown through `enrolmentStateOf`. */
  enrolmentState: 'none' | 'pending' | 'enrolled' | 'expired';
  /** The open (or last) SignIn payload of the signer's enrolment, with its links and expiry. */
  enrolmentPayloadUuid: string | null;
  enrolmentSignLink: string | null;
  enrolmentQrPng: string | null;
  enrolmentExpiresAt: Date | null;
  /** Why the last enrolment stored nothing (ENROLMENT_* code). */
  enrolmentRefusalCode: string | null;
  enrolmentRefusalDetail: string | null;
  enrolledAt: Date | null;
  /** When Xaman last confirmed the token (`POST user-tokens`). */
  userTokenCheckedAt: Date | null;
  /** The expiry for which `signer.token_expiring` was last audited (once per expiry). */
  tokenWarnedExpiry: Date | null;
  funded: boolean;
  masterDisabled: boolean;
  regularKey: string | null;
  keyFactsLedgerIndex: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface ProposalRecord {
  id: string;
  accountId: string;
  state: ProposalState;
  transactionType: string;
  txTemplate: Record<string, unknown>;
  preparedTx: Record<string, unknown>;
  preparedTxHex: string;
  sequence: number;
  ticketSequence: number | null;
  feeDrops: number;
  maxSignatures: number;
  lastLedgerSequence: number;
  signerQuorum: number;
  signerListSnapshot: SignerListSnapshot;
  deadline: Date;
  instruction: string | null;
  createdBy: string | null;
  idempotencyKey: string | null;
  requestFingerprint: string | null;
  /** When the quorum was last reached (`quorumClaimed`). */
  quorumReachedAt: Date | null;
  combinedBlob: string | null;
  combinedHash: string | null;
  submitAttempts: number;
  lastSubmitResult: string | null;
  submittedAt: Date | null;
  submittedLedgerIndex: number | null;
  /** When and at which validated ledger the latest submission (first or re-) was made. */
  lastSubmittedAt: Date | null;
  lastSubmittedLedgerIndex: number | null;
  resultCode: string | null;
  resultLedgerIndex: number | null;
  resultHash: string | null;
  deliveredAmount: unknown;
  finalReason: string | null;
  closedAt: Date | null;
  /** XRP (drops, as a decimal string) this proposal sends out: what policy limits and balances count. */
  xrpOutDrops: string;
  /** The account policy version it was created under (0: the built-in default). */
  policyVersion: number;
  /** Delay between quorum and submission decided at creation (0: none); a later policy may only lengthen it. */
  timeLockSeconds: number;
  /** When a `time_locked` proposal may be submitted. */
  releasesAt: Date | null;
  /** The proposal this one replaces: renewed (fresh Fee/LastLedgerSequence) or invalidated on ledger. */
  replacesId: string | null;
  replacesKind: 'renewal' | 'invalidation' | null;
  /** The proposal that replaced this one. */
  replacedById: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface SignatureRequestRecord {
  id: string;
  proposalId: string;
  signerId: string;
  signerAddress: string;
  attempt: number;
  state: RequestState;
  customIdentifier: string;
  xamanPayloadUuid: string | null;
  pushed: boolean | null;
  signLink: string | null;
  qrPng: string | null;
  createAttempts: number;
  nextAttemptAt: Date | null;
  lastError: string | null;
  blobHex: string | null;
  blobTxid: string | null;
  refusalCode: string | null;
  refusalDetail: string | null;
  resolvedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface SignatureRecord {
  id: string;
  proposalId: string;
  signatureRequestId: string;
  signerAddress: string;
  signingPubKey: string;
  txnSignature: string;
  keyType: 'master' | 'regular';
  weight: number;
  createdAt: Date;
}

export type ApiKeyRole = 'admin' | 'proposer' | 'viewer';
export const API_KEY_ROLES: readonly ApiKeyRole[] = ['admin', 'proposer', 'viewer'];

/** A console sign-in: an API key exchanged for a cookie (only the hash of its secret is stored). */
export interface ConsoleSessionRecord {
  id: string;
  secretHash: string;
  apiKeyId: string;
  role: ApiKeyRole;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}

export interface ApiKeyRecord {
  id: string;
  name: string;
  role: ApiKeyRole;
  keyPrefix: string;
  secretHash: string;
  createdBy: string | null;
  /** The accounts this key may create and cancel proposals for (null: every account). */
  accountIds: string[] | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  /** After this instant the key no longer authenticates; null: it never expires. */
  expiresAt: Date | null;
}

export interface AuditEventRecord {
  id: string;
  occurredAt: Date;
  actorType: Actor['type'];
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: string;
  requestId: string | null;
  details: Record<string, unknown>;
}

/** One step of an account set-up: a transaction the owner signs in Xaman, then the service submits. */
export interface SetupStepRecord {
  kind: 'signer_list' | 'disable_master';
  preparedTx: Record<string, unknown>;
  payloadUuid: string;
  signLink: string;
  qrPng: string | null;
  payloadExpiresAt: Date;
  /** Set once the owner's blob was verified and submitted. */
  txHash: string | null;
  txBlob: string | null;
  submitResult: string | null;
  submittedLedgerIndex: number | null;
  /** The validated result (tesSUCCESS or the tec) and its ledger. */
  resultCode: string | null;
  resultLedgerIndex: number | null;
}

/** Onboarding an account from scratch (`POST /v1/accounts/setup`); states in `account-setup-state.ts`. */
export interface AccountSetupRecord {
  id: string;
  network: string;
  address: string;
  label: string | null;
  quorum: number;
  signers: { address: string; weight: number }[];
  disableMaster: boolean;
  state: import('./accounts/setup/account-setup-state').SetupState;
  steps: SetupStepRecord[];
  failureCode: string | null;
  failureDetail: string | null;
  accountId: string | null;
  /** Who asked for the set-up: the registration and invitations are audited with this actor. */
  actor: Actor;
  /** Bumped by every change: a step applies only to the version it read. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}
