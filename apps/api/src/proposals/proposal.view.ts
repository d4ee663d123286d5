import {
  multisigningDataOf,
  ProposalState,
  ProposalWithDetails,
  SignatureRequestRecord,
  signerSummary,
} from '@app/domain';

/** What `GET /v1/proposals/:id` answers: the prepared transaction, progress by weight, each signer. */
export interface ProposalView {
  id: string;
  accountId: string;
  state: ProposalState;
  transactionType: string;
  preparedTx: Record<string, unknown>;
  fee: string;
  sequence: number;
  ticketSequence: number | null;
  lastLedgerSequence: number;
  deadline: Date;
  instruction: string | null;
  /** What signers read first in Xaman, generated from the prepared transaction. */
  summary: string;
  /** The account policy version it was created under (0: the built-in default). */
  policyVersion: number;
  /** XRP (drops) it sends out, as policies and balances count it. */
  xrpOutDrops: string;
  /** The delay between quorum and submission, and when a time-locked proposal is released. */
  timeLock: { seconds: number; releasesAt: Date | null };
  /** The proposal it replaces (renewal, invalidation on ledger) and the one that replaced it. */
  replaces: { id: string; kind: 'renewal' | 'invalidation' } | null;
  replacedBy: string | null;
  quorum: { required: number; collectedWeight: number; reached: boolean; maxSignatures: number };
  signers: {
    address: string;
    weight: number;
    state: string;
    pushed: boolean | null;
    signLink: string | null;
    qrPng: string | null;
    payloadUuid: string | null;
    signatureCounted: boolean;
    refusalCode: string | null;
    refusalReason: string | null;
    resolvedAt: Date | null;
    /** Reminder pushes sent (each a new payload for the same transaction); this shows the latest. */
    reminders: number;
  }[];
  /** For a signer outside Xaman: what to sign (POST /v1/proposals/:id/signatures takes the signed blob). */
  multisigning: ReturnType<typeof multisigningDataOf>;
  hash: string | null;
  submission: { attempts: number; lastResult: string | null; submittedAt: Date | null };
  result: {
    transactionResult: string | null;
    ledgerIndex: number | null;
    hash: string | null;
    deliveredAmount: unknown;
    reason: string | null;
  };
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
}

export function proposalView({ proposal, requests, signatures }: ProposalWithDetails): ProposalView {
  const snapshot = proposal.signerListSnapshot;
  const counted = new Set(signatures.map((s) => s.signerAddress));
  const collectedWeight = snapshot.entries
    .filter((e) => counted.has(e.account))
    .reduce((sum, e) => sum + e.weight, 0);
  const latest = new Map<string, SignatureRequestRecord>();
  for (const request of requests) {
    const seen = latest.get(request.signerAddress);
    if (!seen || request.attempt > seen.attempt) latest.set(request.signerAddress, request);
  }
  return {
    id: proposal.id,
    accountId: proposal.accountId,
    state: proposal.state,
    transactionType: proposal.transactionType,
    preparedTx: proposal.preparedTx,
    fee: String(proposal.feeDrops),
    sequence: proposal.sequence,
    ticketSequence: proposal.ticketSequence,
    lastLedgerSequence: proposal.lastLedgerSequence,
    deadline: proposal.deadline,
    instruction: proposal.instruction,
    summary: signerSummary(proposal.preparedTx),
    policyVersion: proposal.policyVersion,
    xrpOutDrops: String(proposal.xrpOutDrops),
    timeLock: { seconds: proposal.timeLockSeconds, releasesAt: proposal.releasesAt },
    replaces:
      proposal.replacesId && proposal.replacesKind
        ? { id: proposal.replacesId, kind: proposal.replacesKind }
        : null,
    replacedBy: proposal.replacedById,
    quorum: {
      required: snapshot.quorum,
      collectedWeight,
      reached: collectedWeight >= snapshot.quorum,
      maxSignatures: proposal.maxSignatures,
    },
    signers: snapshot.entries.map((entry) => {
      const request = latest.get(entry.account);
      return {
        address: entry.account,
        weight: entry.weight,
        state: request?.state ?? 'none',
        pushed: request?.pushed ?? null,
        signLink: request?.signLink ?? null,
        qrPng: request?.qrPng ?? null,
        payloadUuid: request?.xamanPayloadUuid ?? null,
        signatureCounted: counted.has(entry.account),
        refusalCode: request?.refusalCode ?? null,
        refusalReason: request?.refusalDetail ?? null,
        resolvedAt: request?.resolvedAt ?? null,
        reminders: request ? request.attempt - 1 : 0,
      };
    }),
    multisigning: multisigningDataOf(proposal),
    hash: proposal.combinedHash,
    submission: {
      attempts: proposal.submitAttempts,
      lastResult: proposal.lastSubmitResult,
      submittedAt: proposal.submittedAt,
    },
    result: {
      transactionResult: proposal.resultCode,
      ledgerIndex: proposal.resultLedgerIndex,
      hash: proposal.resultHash,
      deliveredAmount: proposal.deliveredAmount,
      reason: proposal.finalReason,
    },
    createdAt: proposal.createdAt,
    updatedAt: proposal.updatedAt,
    closedAt: proposal.closedAt,
  };
}
