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

export class CancelProposalResponse {
  @ApiProperty({ type: () => ProposalResponse })
  proposal!: ProposalResponse;
  @ApiProperty({ type: () => [WithdrawalResponse] })
  payloads!: WithdrawalResponse[];
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
