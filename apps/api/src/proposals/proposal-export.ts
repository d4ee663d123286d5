import type { ProposalWithDetails } from '@app/domain';

/** One proposal with its approval trail, as the month-end export gives it. */
export function exportRecord({ proposal, requests, signatures }: ProposalWithDetails) {
  const tx = proposal.preparedTx;
  const weights = new Map(proposal.signerListSnapshot.entries.map((e) => [e.account, e.weight]));
  return {
    proposalId: proposal.id,
    accountId: proposal.accountId,
    account: tx.Account ?? null,
    state: proposal.state,
    transactionType: proposal.transactionType,
    destination: tx.Destination ?? null,
    amount: tx.Amount ?? null,
    feeDrops: proposal.feeDrops,
    sequence: proposal.sequence,
    ticketSequence: proposal.ticketSequence,
    quorum: proposal.signerQuorum,
    createdAt: proposal.createdAt,
    createdBy: proposal.createdBy,
    quorumReachedAt: proposal.quorumReachedAt,
    submittedAt: proposal.submittedAt,
    submitAttempts: proposal.submitAttempts,
    submitResult: proposal.lastSubmitResult,
    hash: proposal.resultHash ?? proposal.combinedHash,
    resultCode: proposal.resultCode,
    ledgerIndex: proposal.resultLedgerIndex,
    deliveredAmount: proposal.deliveredAmount ?? null,
    closedAt: proposal.closedAt,
    finalReason: proposal.finalReason,
    approvals: requests.map((request) => {
      const signature = signatures.find((s) => s.signatureRequestId === request.id) ?? null;
      return {
        signer: request.signerAddress,
        weight: weights.get(request.signerAddress) ?? null,
        requestState: request.state,
        counted: signature !== null,
        signedAt: signature?.createdAt ?? null,
        keyType: signature?.keyType ?? null,
        signingPubKey: signature?.signingPubKey ?? null,
        refusalCode: request.refusalCode,
        refusalDetail: request.refusalDetail,
        resolvedAt: request.resolvedAt,
      };
    }),
  };
}

type ExportRecord = ReturnType<typeof exportRecord>;
type Approval = ExportRecord['approvals'][number];

const PROPOSAL_COLUMNS = [
  'proposalId',
  'accountId',
  'account',
  'state',
  'transactionType',
  'destination',
  'amount',
  'feeDrops',
  'sequence',
  'ticketSequence',
  'quorum',
  'createdAt',
  'createdBy',
  'quorumReachedAt',
  'submittedAt',
  'submitAttempts',
  'submitResult',
  'hash',
  'resultCode',
  'ledgerIndex',
  'deliveredAmount',
  'closedAt',
  'finalReason',
] as const satisfies readonly (keyof ExportRecord)[];

const APPROVAL_COLUMNS = [
  'signer',
  'weight',
  'requestState',
  'counted',
  'signedAt',
  'keyType',
  'signingPubKey',
  'refusalCode',
  'refusalDetail',
  'resolvedAt',
] as const satisfies readonly (keyof Approval)[];

/** snake_case header: one row per sign request (the proposal's columns repeated), or one bare row. */
export const CSV_HEADER = [...PROPOSAL_COLUMNS, ...APPROVAL_COLUMNS]
  .map((c) => c.replace(/[A-Z]/g, (l) => `_${l.toLowerCase()}`))
  .join(',');

/**
 * RFC 4180: a field with a comma, quote, CR or LF is quoted, quotes doubled. A text field that a
 * spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading apostrophe.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (value instanceof Date) text = value.toISOString();
  else if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    text = String(value);
  else text = JSON.stringify(value) ?? '';
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text))
    text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRows(record: ExportRecord): string {
  const head = PROPOSAL_COLUMNS.map((c) => csvField(record[c]));
  const approvals: (Approval | null)[] = record.approvals.length > 0 ? record.approvals : [null];
  return approvals
    .map((a) => [...head, ...APPROVAL_COLUMNS.map((c) => csvField(a ? a[c] : null))].join(',') + '\r\n')
    .join('');
}
