import { ApiProperty } from '@nestjs/swagger';
import { NETWORK_NAME_PATTERN } from '@app/config';
import { ENROLMENT_STATES, EnrolmentState } from '@app/domain';
import { DATE_TIME } from '../openapi/schema-helpers';
import type { AccountView } from './account.view';

type SignerView = AccountView['signers'][number];
type EnrolmentView = SignerView['enrolment'];
type HealthWarning = AccountView['health'][number];

export class SignerListResponse {
  @ApiProperty({ example: 2 })
  quorum!: number;
  @ApiProperty({ description: 'The validated ledger it was read from.', example: 8123 })
  ledgerIndex!: number;
  @ApiProperty(DATE_TIME)
  readAt!: Date;
}

export class KeyFactsResponse {
  @ApiProperty()
  funded!: boolean;
  @ApiProperty()
  masterDisabled!: boolean;
  @ApiProperty({ type: String, nullable: true })
  regularKey!: string | null;
  @ApiProperty({ example: 8123 })
  ledgerIndex!: number;
}

export class EnrolmentResponse implements EnrolmentView {
  @ApiProperty({
    enum: ENROLMENT_STATES,
    enumName: 'EnrolmentState',
    description:
      'none, pending (a SignIn payload is open), enrolled, expiring (token close to expiry), expired',
  })
  state!: EnrolmentState;
  @ApiProperty({
    description: 'No live token: sign requests go as sign link and QR until the signer enrols.',
  })
  needsEnrolment!: boolean;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  payloadUuid!: string | null;
  @ApiProperty({ type: String, nullable: true })
  signLink!: string | null;
  @ApiProperty({ type: String, nullable: true })
  qrPng!: string | null;
  @ApiProperty({ ...DATE_TIME, nullable: true })
  expiresAt!: Date | null;
  @ApiProperty({ ...DATE_TIME, nullable: true })
  enrolledAt!: Date | null;
  @ApiProperty({ type: String, nullable: true, example: 'ENROLMENT_WRONG_ACCOUNT' })
  refusalCode!: string | null;
  @ApiProperty({ type: String, nullable: true })
  refusalReason!: string | null;
}

export class HealthWarningResponse implements HealthWarning {
  @ApiProperty({
    enum: [
      'MASTER_KEY_ENABLED',
      'REGULAR_KEY_SET',
      'QUORUM_REACHABLE_ALONE',
      'SIGNER_WITHOUT_TOKEN',
      'SIGNER_TOKEN_EXPIRING',
      'SIGNER_UNFUNDED',
      'SIGNER_NO_USABLE_KEY',
      'DELEGATE_PRESENT',
      'OUTSIDE_TRANSACTION',
      'SIGNER_LIST_CHANGED_ON_LEDGER',
    ],
    enumName: 'HealthWarningCode',
    description:
      'OUTSIDE_TRANSACTION: the account sent a validated transaction the service did not make (last 30 days); ' +
      'SIGNER_LIST_CHANGED_ON_LEDGER: one of them was a SignerListSet; DELEGATE_PRESENT: a Delegate object ' +
      'lets another account send transactions for it without the quorum.',
  })
  code!: HealthWarning['code'];
  @ApiProperty()
  message!: string;
  @ApiProperty({ required: false, description: 'The signer concerned, when there is one.' })
  signer?: string;
  @ApiProperty({ required: false, description: 'DELEGATE_PRESENT: the delegated account.' })
  delegate?: string;
  @ApiProperty({ required: false, description: 'The validated transaction, for the ledger warnings.' })
  hash?: string;
}

export class AccountSignerResponse implements SignerView {
  @ApiProperty({ example: 'rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe' })
  address!: string;
  @ApiProperty({ example: 1 })
  weight!: number;
  @ApiProperty({ type: String, nullable: true, example: 'CFO' })
  label!: string | null;
  @ApiProperty()
  inSignerList!: boolean;
  @ApiProperty({ description: 'A Xaman user_token is stored (the token itself is never returned).' })
  hasUserToken!: boolean;
  @ApiProperty({ ...DATE_TIME, nullable: true })
  userTokenExpiresAt!: Date | null;
  @ApiProperty({ type: () => EnrolmentResponse })
  enrolment!: EnrolmentResponse;
  @ApiProperty({ type: () => KeyFactsResponse })
  keyFacts!: KeyFactsResponse;
}

export class AccountResponse implements AccountView {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ pattern: NETWORK_NAME_PATTERN.source, example: 'mainnet' })
  network!: string;
  @ApiProperty({ example: 'rN7n7otQDd6FczFgLdSqtcsAUxDkw6fzRH' })
  address!: string;
  @ApiProperty({ type: String, nullable: true, example: 'treasury' })
  label!: string | null;
  @ApiProperty({ type: () => SignerListResponse })
  signerList!: SignerListResponse;
  @ApiProperty({ type: () => [HealthWarningResponse], description: 'What makes the account weak.' })
  health!: HealthWarningResponse[];
  @ApiProperty({ type: () => [AccountSignerResponse] })
  signers!: AccountSignerResponse[];
  @ApiProperty(DATE_TIME)
  createdAt!: Date;
  @ApiProperty(DATE_TIME)
  updatedAt!: Date;
}

export class AccountListResponse {
  @ApiProperty({ type: () => [AccountResponse] })
  items!: AccountResponse[];
}

export class RefreshedAccountResponse extends AccountResponse {
  @ApiProperty({ description: 'The SignerList or a signer key differed from the stored one.' })
  changed!: boolean;
  @ApiProperty({
    type: [String],
    description: 'Open proposals prepared under the old SignerList, now `invalidated`.',
  })
  invalidatedProposalIds!: string[];
}
