import { ApiProperty } from '@nestjs/swagger';
import { PROPOSAL_STATES, ProposalState, REQUEST_STATES, WithdrawalReport } from '@app/domain';
import { DATE_TIME, everyMember } from '../openapi/schema-helpers';
import type { ProposalView } from './proposal.view';

type SignerView = ProposalView['signers'][number];

/** The state of a signer's latest sign request: a request state, or `none` before any was made. */
export const SIGNER_REQUEST_STATES = ['none', ...REQUEST_STATES] as const;

export const WITHDRAWAL_REASONS = everyMember<WithdrawalReport['reason']>()([
  'OK',
  'ALREADY_OPENED',
  'ALREADY_RESOLVED',
  'ALREADY_EXPIRED',
  'ALREADY_CANCELLED',
  'NOT_SENT',
  'STATE_CHANGED',
  'XAMAN_UNAVAILABLE',
]);

export class QuorumResponse {
  @ApiProperty({ description: 'The SignerList quorum the signatures must reach.', example: 2 })
  required!: number;
  @ApiProperty({ description: 'Weight of the valid signatures counted so far.', example: 1 })
  collectedWeight!: number;
  @ApiProperty({ example: false })
  reached!: boolean;
  @ApiProperty({ description: 'Most signatures a minimal quorum set can have (sizes the fee).', example: 2 })
  maxSignatures!: number;
}

export class ProposalSignerResponse implements SignerView {
  @ApiProperty({ example: 'rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe' })
  address!: string;
  @ApiProperty({ example: 1 })
  weight!: number;
  @ApiProperty({
    enum: SIGNER_REQUEST_STATES,
    enumName: 'SignerRequestState',
    description:
      '`none`: no request yet; `queued`: not sent to Xaman yet (retried with back-off); `created`, `opened`: ' +
      'waiting in Xaman; `signed`: a valid signature was stored; `refused`: a blob was refused (see ' +
      '`refusalCode`); `rejected`: the signer declined; `expired`, `cancelled`: the payload ended; ' +
      '`failed`: Xaman refused the payload.',
    example: 'created',
  })
  state!: string;
  @ApiProperty({ type: Boolean, nullable: true, description: 'Whether Xaman pushed it to the signer.' })
  pushed!: boolean | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'https://xumm.app/sign/00000000-0000-4000-8000-000000000000',
  })
  signLink!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'URL of a QR code of the sign link.' })
  qrPng!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  payloadUuid!: string | null;
  @ApiProperty({ description: 'A valid signature of this signer counts toward the quorum.' })
  signatureCounted!: boolean;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Why a blob was refused: a blob code of docs/multisign.md, or XAMAN_SIGNER_MISMATCH.',
    example: null,
  })
  refusalCode!: string | null;
  @ApiProperty({ type: String, nullable: true })
  refusalReason!: string | null;
  @ApiProperty({ ...DATE_TIME, nullable: true })
  resolvedAt!: Date | null;
  @ApiProperty({
    description: 'Reminder pushes sent (each a new payload for the same transaction); this shows the latest.',
    example: 0,
  })
  reminders!: number;
}

export class SubmissionResponse {
  @ApiProperty({ example: 0 })
  attempts!: number;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Engine result of the submission that counted.',
    example: null,
  })
  lastResult!: string | null;
  @ApiProperty({ ...DATE_TIME, nullable: true })
  submittedAt!: Date | null;
}

export class ResultResponse {
  @ApiProperty({ type: String, nullable: true, description: 'From a validated ledger.', example: null })
  transactionResult!: string | null;
  @ApiProperty({ type: Number, nullable: true })
  ledgerIndex!: number | null;
  @ApiProperty({ type: String, nullable: true })
  hash!: string | null;
  @ApiProperty({
    nullable: true,
    description: 'delivered_amount of the metadata: drops as a string, or an issued-currency amount object.',
    oneOf: [{ type: 'string' }, { type: 'object', additionalProperties: true }],
  })
  deliveredAmount!: unknown;
  @ApiProperty({ type: String, nullable: true, description: 'Why the proposal closed without success.' })
  reason!: string | null;
}

export class SigningDataResponse {
  @ApiProperty({ example: 'rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe' })
  signer!: string;
  @ApiProperty({ description: 'The bytes this signer signs: SMT\\0 + transaction + signer AccountID (hex).' })
  hex!: string;
}

export class MultisigningResponse {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The prepared transaction to sign.',
  })
  txJson!: Record<string, unknown>;
  @ApiProperty({ description: 'Its canonical encoding (hex).' })
  txBlob!: string;
  @ApiProperty({ type: () => [SigningDataResponse] })
  signingData!: SigningDataResponse[];
}

export class TimeLockResponse {
  @ApiProperty({
    description: 'Delay between quorum and submission required by the policy (0: none).',
    example: 0,
  })
  seconds!: number;
  @ApiProperty({
    ...DATE_TIME,
    nullable: true,
    description: 'When a time-locked proposal will be submitted.',
  })
  releasesAt!: Date | null;
}

export class ReplacesResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ enum: ['renewal', 'invalidation'] })
  kind!: 'renewal' | 'invalidation';
}

export class ProposalResponse implements ProposalView {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ format: 'uuid' })
  accountId!: string;
  @ApiProperty({
    enum: PROPOSAL_STATES,
    enumName: 'ProposalState',
    description:
      '`collecting` → `quorum_reached` → `submitted` → `succeeded` | `failed`; or it ends `expired`, ' +
      '`cancelled`, `rejected`, `superseded` or `invalidated`. Every transition and who takes it: ' +
      'libs/domain/src/state/proposal-state.ts.',
    example: 'collecting',
  })
  state!: ProposalState;
  @ApiProperty({ example: 'Payment' })
  transactionType!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The exact transaction the signers sign (XRPL JSON, `SigningPubKey: ""`).',
    example: {
      TransactionType: 'Payment',
      Account: 'rN7n7otQDd6FczFgLdSqtcsAUxDkw6fzRH',
      Destination: 'rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe',
      Amount: '1000000',
      Sequence: 12,
      Fee: '36',
      LastLedgerSequence: 9000,
      SigningPubKey: '',
    },
  })
  preparedTx!: Record<string, unknown>;
  @ApiProperty({ description: 'Fee in drops.', example: '36' })
  fee!: string;
  @ApiProperty({ description: 'The account Sequence, or 0 with a Ticket.', example: 12 })
  sequence!: number;
  @ApiProperty({ type: Number, nullable: true, example: null })
  ticketSequence!: number | null;
  @ApiProperty({ example: 9000 })
  lastLedgerSequence!: number;
  @ApiProperty(DATE_TIME)
  deadline!: Date;
  @ApiProperty({ type: String, nullable: true, description: 'Shown to the signers in Xaman.' })
  instruction!: string | null;
  @ApiProperty({
    description: 'What signers read first in Xaman, generated from the prepared transaction.',
    example: 'Payment of 1 XRP to rN7n7otQDd6FczFgLdSqtcsAUxDkw6fzRH, fee 0.000036 XRP',
  })
  summary!: string;
  @ApiProperty({ description: 'The account policy version the proposal was created under.', example: 1 })
  policyVersion!: number;
  @ApiProperty({
    description: 'XRP the transaction can send out, in drops (policy limits count it).',
    example: '1000000',
  })
  xrpOutDrops!: string;
  @ApiProperty({ type: () => TimeLockResponse })
  timeLock!: TimeLockResponse;
  @ApiProperty({ type: () => ReplacesResponse, nullable: true })
  replaces!: ReplacesResponse | null;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The proposal that replaced it.',
  })
  replacedBy!: string | null;
  @ApiProperty({ type: () => QuorumResponse })
  quorum!: QuorumResponse;
  @ApiProperty({
    type: () => [ProposalSignerResponse],
    description: 'Every entry of the SignerList snapshot.',
  })
  signers!: ProposalSignerResponse[];
  @ApiProperty({
    type: () => MultisigningResponse,
    description: 'What a signer outside Xaman signs (POST /v1/proposals/:id/signatures).',
  })
  multisigning!: MultisigningResponse;
  @ApiProperty({ type: String, nullable: true, description: 'Hash of the combined transaction.' })
  hash!: string | null;
  @ApiProperty({ type: () => SubmissionResponse })
  submission!: SubmissionResponse;
  @ApiProperty({ type: () => ResultResponse })
  result!: ResultResponse;
  @ApiProperty(DATE_TIME)
  createdAt!: Date;
  @ApiProperty(DATE_TIME)
  updatedAt!: Date;
  @ApiProperty({ ...DATE_TIME, nullable: true })
  closedAt!: Date | null;
}

export class ProposalPageResponse {
  @ApiProperty({ type: () => [ProposalResponse] })
  items!: ProposalResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'Opaque; pass as `cursor` for the next page.' })
  nextCursor!: string | null;
}

export class WithdrawalResponse implements WithdrawalReport {
  @ApiProperty({ example: 'rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe' })
  signer!: string;
  @ApiProperty()
  cancelled!: boolean;
  @ApiProperty({
    enum: WITHDRAWAL_REASONS,
    enumName: 'WithdrawalReason',
    description:
      "Xaman's answer (`OK`, `ALREADY_*`), or `NOT_SENT` (never reached Xaman), `STATE_CHANGED`, " +
      '`XAMAN_UNAVAILABLE` (the worker withdraws it later).',
  })
  reason!: WithdrawalReport['reason'];
}

export class SignedTransactionNoticeResponse {
  @ApiProperty({ description: 'Hash of the fully signed transaction that exists.' })
  hash!: string;
  @ApiProperty({ description: 'It stays valid until this validated ledger passes (or its number is used).' })
  validUntilLedger!: number;
  @ApiProperty()
  note!: string;
}

export class CancelProposalResponse {
  @ApiProperty({ type: () => ProposalResponse })
  proposal!: ProposalResponse;
  @ApiProperty({ type: () => [WithdrawalResponse] })
  payloads!: WithdrawalResponse[];
  @ApiProperty({
    type: () => SignedTransactionNoticeResponse,
    nullable: true,
    description: 'Set when a fully signed blob exists (a proposal cancelled during its time lock).',
  })
  signedTransaction!: SignedTransactionNoticeResponse | null;
}

export class UploadSignatureResponse {
  @ApiProperty({
    example: 'rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe',
    description: 'The signer whose signature now counts.',
  })
  signer!: string;
  @ApiProperty({ type: () => ProposalResponse })
  proposal!: ProposalResponse;
}

export class ReplacementResponse {
  @ApiProperty({ type: () => ProposalResponse, description: 'The new proposal.' })
  proposal!: ProposalResponse;
  @ApiProperty({
    type: () => ProposalResponse,
    description: 'The proposal it replaces or whose number it consumes.',
  })
  previous!: ProposalResponse;
}
