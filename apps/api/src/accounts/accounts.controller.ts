import { Body, Controller, Get, HttpCode, Param, Post, Put, Req } from '@nestjs/common';
import { IsIn, IsOptional, IsString, Length, Matches, ValidateIf } from 'class-validator';
import {
  ApiOkResponse,
  ApiCreatedResponse,
  ApiParam,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { AccountQueries, RefreshAccount, RegisterAccount, UpdateSigner } from '@app/domain';
import { NETWORK_NAMES } from '@app/config';
import { AuthenticatedKey, RequireRole } from '../auth/auth.decorators';
import { CurrentKey } from '../auth/current-key.decorator';
import { actorOf } from '../common/actor';
import { UuidParam } from '../common/params';
import { ApiException } from '../common/api-error.filter';
import { accountView } from './account.view';
import { ApiRoute } from '../openapi/api-route.decorator';
import { BODY_ERRORS } from '../openapi/error.responses';
import { AccountListResponse, AccountResponse, RefreshedAccountResponse } from './account.responses';

export class RegisterAccountDto {
  @ApiProperty({ minLength: 25, maxLength: 35, example: 'rN7n7otQDd6FczFgLdSqtcsAUxDkw6fzRH' })
  @IsString()
  @Length(25, 35)
  address!: string;

  @ApiProperty({
    enum: NETWORK_NAMES,
    enumName: 'Network',
    description: 'Must be the network this service serves.',
  })
  @IsString()
  @IsIn(NETWORK_NAMES, { message: `network must be one of ${NETWORK_NAMES.join(', ')}` })
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

@ApiTags('accounts')
@Controller('v1/accounts')
export class AccountsController {
  constructor(
    private readonly registerAccount: RegisterAccount,
    private readonly refreshAccount: RefreshAccount,
    private readonly updateSignerUseCase: UpdateSigner,
    private readonly queries: AccountQueries,
  ) {}

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
    return accountView(await this.queries.get(account.id));
  }

  @Get()
  @ApiRoute({ summary: 'Accounts with their signers (never their tokens)', role: 'viewer' })
  @ApiOkResponse({ type: AccountListResponse })
  async list() {
    return { items: (await this.queries.list()).map(accountView) };
  }

  @Get(':id')
  @ApiRoute({
    summary: 'An account with its signers',
    role: 'viewer',
    errors: ['VALIDATION_FAILED', 'ACCOUNT_NOT_FOUND'],
  })
  @ApiOkResponse({ type: AccountResponse })
  async get(@UuidParam('id') id: string) {
    return accountView(await this.queries.get(id));
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
      ...accountView(await this.queries.get(id)),
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
    return accountView(await this.queries.get(id));
  }
}
