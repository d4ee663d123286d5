import { ApiProperty } from '@nestjs/swagger';
import { SETUP_STATES, SetupState } from '@app/domain';
import { DATE_TIME } from '../openapi/schema-helpers';
import { SETUP_STEP_STATES, SetupStepState, type AccountSetupView } from './account-setup.view';

type StepView = AccountSetupView['steps'][number];

export class SetupSignerResponse {
  @ApiProperty({ example: 'rN7n7otQDd6FczFgLdSqtcsAUxDkw6fzRH' }) address!: string;
  @ApiProperty({ example: 1 }) weight!: number;
}

export class SetupStepResponse implements StepView {
  @ApiProperty({
    enum: ['signer_list', 'disable_master'],
    description: 'SignerListSet, then AccountSet asfDisableMaster',
  })
  kind!: StepView['kind'];
  @ApiProperty({ enum: SETUP_STEP_STATES, enumName: 'SetupStepState' })
  state!: SetupStepState;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The exact transaction the owner signs (single-signed, submitted by the service)',
  })
  txJson!: Record<string, unknown>;
  @ApiProperty({ format: 'uuid', description: "The owner's Xaman payload" }) payloadUuid!: string;
  @ApiProperty({ description: 'Sign link (open in a browser or scan)' }) signLink!: string;
  @ApiProperty({ type: String, nullable: true, description: 'QR image URL' }) qrPng!: string | null;
  @ApiProperty(DATE_TIME) payloadExpiresAt!: Date;
  @ApiProperty({ type: String, nullable: true }) txHash!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'tesSUCCESS' }) submitResult!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'tesSUCCESS', description: 'The validated result' })
  resultCode!: string | null;
  @ApiProperty({ type: Number, nullable: true }) resultLedgerIndex!: number | null;
}

export class SetupFailureResponse {
  @ApiProperty({ example: 'SETUP_PAYLOAD_REJECTED' }) code!: string;
  @ApiProperty({ type: String, nullable: true }) detail!: string | null;
}

export class AccountSetupResponse implements AccountSetupView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'testnet' }) network!: string;
  @ApiProperty({ example: 'rN7n7otQDd6FczFgLdSqtcsAUxDkw6fzRH' }) address!: string;
  @ApiProperty({ type: String, nullable: true }) label!: string | null;
  @ApiProperty({ example: 2 }) quorum!: number;
  @ApiProperty({ type: [SetupSignerResponse] }) signers!: SetupSignerResponse[];
  @ApiProperty() disableMaster!: boolean;
  @ApiProperty({ enum: SETUP_STATES, enumName: 'SetupState' }) state!: SetupState;
  @ApiProperty({ type: [SetupStepResponse] }) steps!: SetupStepResponse[];
  @ApiProperty({ type: SetupFailureResponse, nullable: true }) failure!: SetupFailureResponse | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) accountId!: string | null;
  @ApiProperty(DATE_TIME) createdAt!: Date;
  @ApiProperty(DATE_TIME) updatedAt!: Date;
}
