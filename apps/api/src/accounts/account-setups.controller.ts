import { Body, Controller, Get, Post, Req } from '@nestjs/common';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsOptional, ValidateNested } from 'class-validator';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { AccountSetupQueries, StartAccountSetup } from '@app/domain';
import { AuthenticatedKey, RequireRole } from '../auth/auth.decorators';
import { CurrentKey } from '../auth/current-key.decorator';
import { actorOf } from '../common/actor';
import { UuidParam } from '../common/params';
import { ApiRoute } from '../openapi/api-route.decorator';
import { BODY_ERRORS } from '../openapi/error.responses';
import { RegisterAccountDto, SignerEntryDto } from './accounts.controller';
import { accountSetupView } from './account-setup.view';
import { AccountSetupResponse } from './account-setup.responses';

/** The account to onboard (address, network, label as for a registration) and its SignerList. */
export class AccountSetupDto extends RegisterAccountDto {
  /** Checked by the domain (rippled's rules, each its own code). */
  @ApiProperty({ description: 'SignerQuorum (at least 1, at most the sum of the weights)', minimum: 1 })
  @IsInt()
  quorum!: number;

  @ApiProperty({ type: [SignerEntryDto], description: '1 to 32 signers' })
  @IsArray()
  @ArrayMaxSize(64)
  @ValidateNested({ each: true })
  @Type(() => SignerEntryDto)
  signers!: SignerEntryDto[];

  @ApiPropertyOptional({
    description: 'After the SignerList validates, the owner also signs AccountSet asfDisableMaster.',
  })
  @IsOptional()
  @IsBoolean()
  disableMaster?: boolean;
}

/**
 * Onboarding an account from scratch: the owner signs a single-signed SignerListSet (and, if asked,
 * an AccountSet asfDisableMaster once the list validated) through Xaman; the service submits and
 * proves each on a validated ledger, then registers the account and invites its signers to enrol.
 */
@ApiTags('accounts')
@Controller('v1/accounts/setup')
export class AccountSetupsController {
  constructor(
    private readonly starting: StartAccountSetup,
    private readonly queries: AccountSetupQueries,
  ) {}

  @Post()
  @RequireRole('admin')
  @ApiRoute({
    summary: 'Onboard an account from scratch (SignerList, optional master-key disable, registration)',
    description:
      "Answers the set-up with the owner's first payload (a single-signed SignerListSet to sign in Xaman). " +
      'The worker takes the next steps; GET the set-up to follow them and read a failure code.',
    role: 'admin',
    errors: [
      ...BODY_ERRORS,
      'INVALID_ADDRESS',
      'UNKNOWN_NETWORK',
      'ACCOUNT_ALREADY_REGISTERED',
      'ACCOUNT_NOT_ON_LEDGER',
      'SETUP_IN_PROGRESS',
      'SIGNER_LIST_SIZE',
      'SIGNER_LIST_DUPLICATE',
      'SIGNER_LIST_INCLUDES_ACCOUNT',
      'SIGNER_WEIGHT_INVALID',
      'SIGNER_QUORUM_INVALID',
      'SIGNER_QUORUM_UNREACHABLE',
      'XRPL_UNAVAILABLE',
      'XAMAN_UNAVAILABLE',
      'XAMAN_API_ERROR',
    ],
  })
  @ApiCreatedResponse({ type: AccountSetupResponse })
  async start(
    @Body() body: AccountSetupDto,
    @CurrentKey() key: AuthenticatedKey,
    @Req() req: { id?: string },
  ) {
    return accountSetupView(await this.starting.execute(body, actorOf(key, req.id)));
  }

  @Get(':id')
  @ApiRoute({
    summary: 'An account set-up: its state, steps, payloads and failure code',
    role: 'viewer',
    errors: ['VALIDATION_FAILED', 'SETUP_NOT_FOUND'],
  })
  @ApiOkResponse({ type: AccountSetupResponse })
  async get(@UuidParam('id') id: string) {
    return accountSetupView(await this.queries.get(id));
  }
}
