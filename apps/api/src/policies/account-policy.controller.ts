import { Body, Controller, Get, Put, Req } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { DEFAULT_POLICY_RULES, PolicyQueries, SetAccountPolicy } from '@app/domain';
import { AuthenticatedKey, RequireRole } from '../auth/auth.decorators';
import { CurrentKey } from '../auth/current-key.decorator';
import { actorOf } from '../common/actor';
import { UuidParam } from '../common/params';
import { AccountPolicyDto, AccountPolicyView, policyView, rulesOf } from './account-policy.dto';
import { ApiRoute } from '../openapi/api-route.decorator';
import { BODY_ERRORS } from '../openapi/error.responses';

export class AccountPolicyHistoryResponse {
  @ApiProperty({ type: () => [AccountPolicyView] })
  items!: AccountPolicyView[];
}

@ApiTags('policies')
@Controller('v1/accounts/:id/policy')
export class AccountPolicyController {
  constructor(
    private readonly setPolicy: SetAccountPolicy,
    private readonly queries: PolicyQueries,
  ) {}

  @Get()
  @ApiRoute({
    summary: 'The policy in force (version 0: the built-in safe default)',
    role: 'viewer',
    errors: ['VALIDATION_FAILED', 'ACCOUNT_NOT_FOUND'],
  })
  @ApiOkResponse({ type: AccountPolicyView })
  async current(@UuidParam('id') id: string): Promise<AccountPolicyView> {
    return policyView(await this.queries.current(id));
  }

  @Get('history')
  @ApiRoute({
    summary: 'Every version, newest first, ending with the default (version 0)',
    role: 'viewer',
    errors: ['VALIDATION_FAILED', 'ACCOUNT_NOT_FOUND'],
  })
  @ApiOkResponse({ type: AccountPolicyHistoryResponse })
  async history(@UuidParam('id') id: string): Promise<{ items: AccountPolicyView[] }> {
    return { items: (await this.queries.history(id)).map(policyView) };
  }

  @Put()
  @RequireRole('admin')
  @ApiRoute({
    summary: 'Sets the policy as a new version (admin); fields left out take the safe default',
    description:
      'Proposals in flight keep the version they were made under; at quorum a longer time lock of the new version still applies.',
    role: 'admin',
    errors: [...BODY_ERRORS, 'ACCOUNT_NOT_FOUND', 'POLICY_INVALID'],
  })
  @ApiOkResponse({ type: AccountPolicyView })
  async set(
    @UuidParam('id') id: string,
    @Body() body: AccountPolicyDto,
    @CurrentKey() key: AuthenticatedKey,
    @Req() req: { id?: string },
  ): Promise<AccountPolicyView> {
    return policyView(
      await this.setPolicy.execute(id, rulesOf(body, DEFAULT_POLICY_RULES), actorOf(key, req.id)),
    );
  }
}
