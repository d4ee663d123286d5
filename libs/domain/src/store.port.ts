import {
  AccountRecord,
  Actor,
  ProposalRecord,
  ProposalState,
  RequestState,
  SignatureRecord,
  SignatureRequestRecord,
  SignerRecord,
} from './records';

export type NewSigner = Pick<
  SignerRecord,
  'address' | 'weight' | 'funded' | 'masterDisabled' | 'regularKey' | 'keyFactsLedgerIndex'
>;
export type NewAccount = Pick<
  AccountRecord,
  'network' | 'address' | 'label' | 'signerQuorum' | 'signerListLedgerIndex' | 'masterDisabled' | 'regularKey'
>;
export type NewProposal = Pick<
  ProposalRecord,
  | 'accountId'
  | 'transactionType'
  | 'txTemplate'
  | 'preparedTx'
  | 'preparedTxHex'
  | 'sequence'
  | 'ticketSequence'
  | 'feeDrops'
  | 'maxSignatures'
  | 'lastLedgerSequence'
  | 'signerQuorum'
  | 'signerListSnapshot'
  | 'deadline'
  | 'instruction'
  | 'createdBy'
  | 'idempotencyKey'
  | 'requestFingerprint'
>;
export type NewSignatureRequest = Pick<SignatureRequestRecord, 'signerId' | 'signerAddress'>;
export type NewSignature = Pick<
  SignatureRecord,
  'signerAddress' | 'signingPubKey' | 'txnSignature' | 'keyType' | 'weight'
>;

export interface ProposalListFilter {
  state?: ProposalState;
  accountId?: string;
  after?: { createdAt: Date; id: string };
  limit: number;
}

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string;
  details?: Record<string, unknown>;
}

/**
 * Persistence as the domain needs it. Every state change is a conditional update: it names the
 * states it may leave and reports whether it applied, so racing processes act exactly once.
 */
export interface CoordinatorStore {
  // accounts and signers
  insertAccount(account: NewAccount, signers: NewSigner[], actor: Actor): Promise<AccountRecord>;
  findAccount(id: string): Promise<AccountRecord | null>;
  listAccounts(): Promise<AccountRecord[]>;
  signersOf(accountId: string): Promise<SignerRecord[]>;
  /** Replaces the SignerList snapshot; open proposals made under another list become invalidated. */
  replaceSignerSnapshot(
    accountId: string,
    snapshot: Omit<NewAccount, 'network' | 'address' | 'label'> & { signers: NewSigner[] },
    invalidateOpenProposals: boolean,
    actor: Actor,
  ): Promise<{ invalidatedProposalIds: string[] }>;
  updateSigner(
    signerId: string,
    patch: Partial<
      Pick<SignerRecord, 'label' | 'userTokenCiphertext' | 'userTokenExpiresAt' | 'enrolmentState'>
    >,
    actor: Actor,
    audit: AuditEntry,
  ): Promise<SignerRecord>;

  // proposals
  findProposalByIdempotencyKey(createdBy: string | null, key: string): Promise<ProposalRecord | null>;
  /** Sequences and Tickets held by this account's open proposals. */
  heldSequences(accountId: string): Promise<{ sequences: number[]; tickets: number[] }>;
  /** Stores the proposal and its queued requests; the requests start leased to the caller for `leaseMs`. */
  insertProposal(
    proposal: NewProposal,
    requests: NewSignatureRequest[],
    actor: Actor,
    leaseMs: number,
  ): Promise<ProposalRecord>;
  findProposal(id: string): Promise<ProposalRecord | null>;
  listProposals(filter: ProposalListFilter): Promise<ProposalRecord[]>;
  requestsOf(proposalId: string): Promise<SignatureRequestRecord[]>;
  signaturesOf(proposalId: string): Promise<SignatureRecord[]>;
  transitionProposal(
    id: string,
    from: readonly ProposalState[],
    to: ProposalState,
    patch: Partial<ProposalRecord>,
    actor: Actor,
    details?: Record<string, unknown>,
  ): Promise<boolean>;
  /** Updates fields of a proposal that is still in one of `states` (no state change). */
  patchProposal(
    id: string,
    states: readonly ProposalState[],
    patch: Partial<ProposalRecord>,
  ): Promise<boolean>;

  // signature requests
  findRequest(id: string): Promise<SignatureRequestRecord | null>;
  findRequestByPayload(uuid: string): Promise<SignatureRequestRecord | null>;
  /**
   * Takes a queued request for one dispatch attempt (a lease), or null if another process has it.
   * `first`: the process that created the proposal claims its new requests before their initial lease ends.
   */
  claimRequestForDispatch(
    id: string,
    leaseMs: number,
    first?: boolean,
  ): Promise<SignatureRequestRecord | null>;
  dueQueuedRequests(limit: number): Promise<string[]>;
  openRequestsNotSeenSince(before: Date, limit: number): Promise<SignatureRequestRecord[]>;
  transitionRequest(
    id: string,
    from: readonly RequestState[],
    to: RequestState,
    patch: Partial<SignatureRequestRecord>,
    actor: Actor,
    details?: Record<string, unknown>,
  ): Promise<boolean>;
  /** Request -> signed and the signature stored, atomically; false if the request had moved on. */
  recordSignature(
    request: SignatureRequestRecord,
    from: readonly RequestState[],
    blob: { hex: string; txid: string | null },
    signature: NewSignature,
    actor: Actor,
  ): Promise<boolean>;
  /** Marks when a live request was last checked, so the poller spreads its work. */
  touchRequest(id: string): Promise<void>;

  // worker
  proposalsDueForExpiry(now: Date, validatedLedgerIndex: number, limit: number): Promise<ProposalRecord[]>;
  /** Least recently updated first; optionally one account's only. */
  proposalsInStates(
    states: readonly ProposalState[],
    limit: number,
    accountId?: string,
  ): Promise<ProposalRecord[]>;
  /** Collecting proposals whose stored signatures already reach the quorum (a combine was missed). */
  proposalsAwaitingCombine(limit: number): Promise<string[]>;

  audit(actor: Actor, entry: AuditEntry): Promise<void>;
}
