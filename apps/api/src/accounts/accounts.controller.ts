import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Req } from '@nestjs/common';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiParam,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import {
  AccountQueries,
  AccountWithSigners,
  Clock,
  CoordinatorSettings,
  EnrolSigner,
  ProposalQueries,
  ProposeSignerList,
  RefreshAccount,
  RegisterAccount,
  UpdateSigner,
} from '@app/domain';
import { COORDINATOR_SETTINGS } from '@app/coordinator';
import { NETWORK_NAME_PATTERN } from '@app/config';
import { AuthenticatedKey, RequireRole } from '../auth/auth.decorators';
import { CurrentKey } from '../auth/current-key.decorator';
import { actorOf } from '../common/actor';
import { UuidParam } from '../common/params';
import { ApiException } from '../common/api-error.filter';
import { proposalView } from '../proposals/proposal.view';
import { ProposalResponse } from '../proposals/proposal.responses';
import { accountView, AccountView } from './account.view';
import { ApiRoute } from '../openapi/api-route.decorator';
import { BODY_ERRORS } from '../openapi/error.responses';
import { AccountListResponse, AccountResponse, RefreshedAccountResponse } from './account.responses';

export class RegisterAccountDto {
  @ApiProperty({ minLength: 25, maxLength: 35, example: 'rN7n7otQDd6FczFgLdSqtcsAUxDkw6fzRH' })
  @IsString()
  @Length(25, 35)
  address!: string;

  @ApiProperty({
    pattern: NETWORK_NAME_PATTERN.source,
    example: 'mainnet',
    description:
      'A network this deployment serves: mainnet, testnet, devnet, sandbox or a custom one (XRPL_NETWORKS); another one is UNKNOWN_NETWORK.',
  })
  @IsString()
  @Matches(NETWORK_NAME_PATTERN, { message: `network must match ${NETWORK_NAME_PATTERN.source}` })
  network!: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 200, example: 'treasury' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  label?: string;
}

export class UpdateSignerDto {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    minLength: 1,
    maxLength: 200,
    description: 'null removes it.',
  })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsString()
  @Length(1, 200)
  label?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    format: 'uuid',
    description:
      "The signer's Xaman user_token (stored AES-256-GCM encrypted, never returned); null removes it.",
  })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsString()
  @Matches(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, {
    message: 'userToken must be a Xaman user_token (a UUID)',
  })
  userToken?: string | null;
}

export class SignerEntryDto {
  @ApiProperty({ description: 'Signer classic address' })
  @IsString()
  @Length(1, 64)
  address!: string;

  /** Checked by the domain (1..65535) so that a bad weight answers SIGNER_WEIGHT_INVALID. */
  @ApiProperty({ minimum: 1, maximum: 65535 })
  @IsInt()
  weight!: number;
}

/** A quorum change: the rules (and their codes) are the domain's; this only checks the shape. */
export class SignerListChangeDto {
  @ApiProperty({ description: 'SignerQuorum; 0 with no signers removes the list', minimum: 0 })
  @IsInt()
  quorum!: number;

  @ApiProperty({ type: [SignerEntryDto], description: '1 to 32 entries (none to remove the list)' })
  @IsArray()
  @ArrayMaxSize(64)
  @ValidateNested({ each: true })
  @Type(() => SignerEntryDto)
  signers!: SignerEntryDto[];

  @ApiProperty({ required: false, minimum: 1, maximum: 43200 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(43_200)
  expiresInMinutes?: number;

  @ApiProperty({ required: false, description: 'Shown to signers in Xaman' })
  @IsOptional()
  @IsString()
  @Length(1, 280)
  instruction?: string;
}

/** What POST …/enrolment answers: the SignIn payload to scan, open or receive by push. */
export class EnrolmentInvitationView {
  @ApiProperty({ enum: ['pending'] }) state!: 'pending';
  @ApiProperty({ format: 'uuid' }) payloadUuid!: string;
  @ApiProperty({ description: 'Pushed to the signer’s live user_token' }) pushed!: boolean;
  @ApiProperty({ description: 'Sign link (open in a browser or scan)' }) signLink!: string;
  @ApiProperty({ nullable: true, type: String, description: 'QR image URL' }) qrPng!: string | null;
  @ApiProperty({ description: 'Opens the payload in the Xaman app' }) deepLink!: string;
  @ApiProperty({ type: String, format: 'date-time' }) expiresAt!: Date;
}

@ApiTags('accounts')
@Controller('v1/accounts')
export class AccountsController {
  constructor(
    private readonly registerAccount: RegisterAccount,
    private readonly refreshAccount: RefreshAccount,
    private readonly updateSignerUseCase: UpdateSigner,
    private readonly queries: AccountQueries,
    private readonly enrolSigner: EnrolSigner,
    private readonly signerLists: ProposeSignerList,
    private readonly proposals: ProposalQueries,
    private readonly clock: Clock,
    @Inject(COORDINATOR_SETTINGS) private readonly settings: CoordinatorSettings,
  ) {}

  private async view(account: AccountWithSigners): Promise<AccountView> {
    const now = this.clock.now();
    const outside = await this.queries.recentOutsideTransactions(account.account.id, now);
    return accountView(account, { now, tokenExpiryWarningMs: this.settings.tokenExpiryWarningMs }, outside);
  }

  /** Registers a multisig account: its SignerList and signers' key facts are read from a validated ledger. */
  @Post()
  @RequireRole('admin')
  @ApiRoute({
    summary: 'Register a multisig account',
    description: "Reads its SignerList, quorum and each signer's key facts from a validated ledger.",
    role: 'admin',
    errors: [
      ...BODY_ERRORS,
      'INVALID_ADDRESS',
      'UNKNOWN_NETWORK',
      'ACCOUNT_ALREADY_REGISTERED',
      'ACCOUNT_NOT_ON_LEDGER',
      'ACCOUNT_HAS_NO_SIGNER_LIST',
      'XRPL_UNAVAILABLE',
    ],
  })
  @ApiCreatedResponse({ type: AccountResponse })
  async register(
    @Body() body: RegisterAccountDto,
    @CurrentKey() key: AuthenticatedKey,
    @Req() req: { id?: string },
  ) {
    const account = await this.registerAccount.execute(body, actorOf(key, req.id));
    return this.view(await this.queries.get(account.id));
  }

  @Get()
  @ApiRoute({ summary: 'Accounts with their signers (never their tokens)', role: 'viewer' })
  @ApiOkResponse({ type: AccountListResponse })
  async list() {
    return { items: await Promise.all((await this.queries.list()).map((a) => this.view(a))) };
  }

  @Get(':id')
  @ApiRoute({
    summary: 'An account with its signers',
    role: 'viewer',
    errors: ['VALIDATION_FAILED', 'ACCOUNT_NOT_FOUND'],
  })
  @ApiOkResponse({ type: AccountResponse })
  async get(@UuidParam('id') id: string) {
    return this.view(await this.queries.get(id));
  }

  /**
   * Re-reads the SignerList and signer keys from a validated ledger. A changed SignerList invalidates
   * the proposals prepared under it; a changed key does not (keys are checked live).
   */
  @Post(':id/refresh')
  @HttpCode(200)
  @RequireRole('admin')
  @ApiRoute({
    summary: 'Re-read the SignerList and signer keys',
    description:
      'From a validated ledger. If the SignerList changed, open proposals prepared under the old one become ' +
      '`invalidated` (`invalidatedProposalIds`).',
    role: 'admin',
    errors: [
      'VALIDATION_FAILED',
      'ACCOUNT_NOT_FOUND',
      'ACCOUNT_NOT_ON_LEDGER',
      'ACCOUNT_HAS_NO_SIGNER_LIST',
      'XRPL_UNAVAILABLE',
    ],
  })
  @ApiOkResponse({ type: RefreshedAccountResponse })
  async refresh(
    @UuidParam('id') id: string,
    @CurrentKey() key: AuthenticatedKey,
    @Req() req: { id?: string },
  ) {
    const refreshed = await this.refreshAccount.execute(id, actorOf(key, req.id));
    return {
      ...(await this.view(await this.queries.get(id))),
      changed: refreshed.changed,
      invalidatedProposalIds: refreshed.invalidatedProposalIds,
    };
  }

  /** A signer's label and Xaman user_token (stored encrypted; never returned). */
  @Put(':id/signers/:address')
  @RequireRole('admin')
  @ApiRoute({
    summary: "Set a signer's label and Xaman user_token",
    description: 'Send `label` and/or `userToken`; `null` removes either.',
    role: 'admin',
    errors: [...BODY_ERRORS, 'ACCOUNT_NOT_FOUND', 'SIGNER_NOT_FOUND', 'INVALID_USER_TOKEN'],
  })
  @ApiParam({ name: 'address', description: 'A signer of the SignerList (classic address).' })
  @ApiOkResponse({ type: AccountResponse })
  async updateSigner(
    @UuidParam('id') id: string,
    @Param('address') address: string,
    @Body() body: UpdateSignerDto,
    @CurrentKey() key: AuthenticatedKey,
    @Req() req: { id?: string },
  ) {
    if (body.label === undefined && body.userToken === undefined) {
      throw new ApiException('VALIDATION_FAILED', 'Send label and/or userToken.', {
        fields: [{ field: 'label' }, { field: 'userToken' }],
      });
    }
    await this.updateSignerUseCase.execute(id, address, body, actorOf(key, req.id));
    return this.view(await this.queries.get(id));
  }

  /**
   * Invites a listed signer to enrol: a Xaman SignIn payload (pushed when the signer has a live
   * token). When it resolves, the service proves the signer's account signed it before storing the
   * issued user_token; the signer's `enrolment` shows the outcome.
   */
  @Post(':id/signers/:address/enrolment')
  @RequireRole('admin')
  @ApiRoute({
    summary: 'Enrol a signer through a Xaman SignIn payload',
    description:
      "Answers the payload to scan, open or receive by push. When it resolves, the signer's account must have " +
      'signed it with a key the ledger authorises before the issued user_token is stored.',
    role: 'admin',
    errors: [
      'VALIDATION_FAILED',
      'ACCOUNT_NOT_FOUND',
      'SIGNER_NOT_FOUND',
      'XAMAN_UNAVAILABLE',
      'XAMAN_API_ERROR',
    ],
  })
  @ApiParam({ name: 'address', description: 'A signer of the SignerList (classic address).' })
  @ApiCreatedResponse({ type: EnrolmentInvitationView })
  async enrol(
    @UuidParam('id') id: string,
    @Param('address') address: string,
    @CurrentKey() key: AuthenticatedKey,
    @Req() req: { id?: string },
  ): Promise<EnrolmentInvitationView> {
    return this.enrolSigner.execute(id, address, actorOf(key, req.id));
  }

  /**
   * A quorum change: a SignerListSet proposal through the normal multisign flow (admin only). Once
   * validated, the account refreshes at once and proposals under the old list are invalidated.
   */
  @Post(':id/signer-list')
  @RequireRole('admin')
  @ApiRoute({
    summary: 'Propose a new SignerList (quorum change) through the multisign flow',
    role: 'admin',
    errors: [
      ...BODY_ERRORS,
      'ACCOUNT_NOT_FOUND',
      'INVALID_ADDRESS',
      'SIGNER_LIST_SIZE',
      'SIGNER_LIST_DUPLICATE',
      'SIGNER_LIST_INCLUDES_ACCOUNT',
      'SIGNER_WEIGHT_INVALID',
      'SIGNER_QUORUM_INVALID',
      'SIGNER_QUORUM_UNREACHABLE',
      'SIGNER_LIST_REMOVAL_NO_KEY',
      'SIGNER_LIST_CHANGED',
      'NO_FREE_SEQUENCE',
      'INVALID_EXPIRY',
      'XRPL_UNAVAILABLE',
    ],
  })
  @ApiCreatedResponse({ type: ProposalResponse, description: 'The SignerListSet proposal' })
  async proposeSignerList(
    @UuidParam('id') id: string,
    @Body() body: SignerListChangeDto,
    @CurrentKey() key: AuthenticatedKey,
    @Req() req: { id?: string },
  ) {
    const { proposalId } = await this.signerLists.execute(id, body, actorOf(key, req.id));
    return proposalView(await this.proposals.get(proposalId));
  }
}
