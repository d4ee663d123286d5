import { Body, Controller, Get, Headers, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import type { Response } from 'express';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import {
  CloseProposal,
  CreateProposal,
  InvalidateOnLedger,
  PROPOSAL_STATES,
  ProposalQueries,
  ProposalState,
  RenewProposal,
} from '@app/domain';
import { AuthenticatedKey, RequireRole } from '../auth/auth.decorators';
import { CurrentKey } from '../auth/current-key.decorator';
import { actorOf, scopeOf } from '../common/actor';
import { ApiException } from '../common/api-error.filter';
import { UuidParam } from '../common/params';
import { decodeProposalCursor, encodeProposalCursor } from './proposal-cursor';
import { proposalView } from './proposal.view';

export class CreateProposalDto {
  @IsUUID()
  accountId!: string;

  /** The transaction template (XRPL JSON); the service fills Account, Sequence/Ticket, Fee, LLS. */
  @IsObject()
  txjson!: Record<string, unknown>;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(43_200)
  expiresInMinutes?: number;

  /** Shown to signers in Xaman. */
  @IsOptional()
  @IsString()
  @Length(1, 280)
  instruction?: string;
}

/** `POST /v1/proposals/:id/renew` and `…/invalidate-on-ledger`: the new proposal's signing window. */
export class ReplaceProposalDto {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: 43_200,
    description: 'default: the predecessor window (renew), the default window (invalidate)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(43_200)
  expiresInMinutes?: number;
}

export class ListProposalsQuery {
  @IsOptional()
  @IsIn(PROPOSAL_STATES)
  state?: ProposalState;

  @IsOptional()
  @IsUUID()
  accountId?: string;

  @IsOptional()
  @IsString()
  @Length(1, 200)
  cursor?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

function replaceCommand(id: string, body: ReplaceProposalDto, key: AuthenticatedKey, requestId?: string) {
  return {
    proposalId: id,
    ...(body.expiresInMinutes !== undefined ? { expiresInMinutes: body.expiresInMinutes } : {}),
    actor: actorOf(key, requestId),
    scope: scopeOf(key),
  };
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

@ApiTags('proposals')
@ApiBearerAuth()
@Controller('v1/proposals')
export class ProposalsController {
  constructor(
    private readonly createProposal: CreateProposal,
    private readonly closing: CloseProposal,
    private readonly queries: ProposalQueries,
    private readonly renewing: RenewProposal,
    private readonly invalidating: InvalidateOnLedger,
  ) {}

  /**
   * Prepares the transaction and sends a sign request to every signer. With an Idempotency-Key, a
   * repeated request answers with the first one's proposal (200) instead of making another.
   */
  @Post()
  @RequireRole('proposer')
  async create(
    @Body() body: CreateProposalDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentKey() key: AuthenticatedKey,
    @Req() req: { id?: string },
    @Res({ passthrough: true }) res: Response,
  ) {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new ApiException(
        'VALIDATION_FAILED',
        'Idempotency-Key must be 1 to 200 visible ASCII characters.',
        {
          fields: [{ field: 'Idempotency-Key' }],
        },
      );
    }
    const { proposalId, replayed } = await this.createProposal.execute({
      ...body,
      idempotencyKey: idempotencyKey ?? null,
      actor: actorOf(key, req.id),
      scope: scopeOf(key),
    });
    res.status(replayed ? 200 : 201);
    if (replayed) res.setHeader('Idempotent-Replayed', 'true');
    return proposalView(await this.queries.get(proposalId));
  }

  @Get()
  async list(@Query() query: ListProposalsQuery) {
    const limit = query.limit ?? 20;
    const after = query.cursor === undefined ? undefined : decodeProposalCursor(query.cursor);
    const page = await this.queries.list({ state: query.state, accountId: query.accountId, after, limit });
    const last = page.items[page.items.length - 1]?.proposal;
    return {
      items: page.items.map(proposalView),
      nextCursor: page.more && last ? encodeProposalCursor(last) : null,
    };
  }

  @Get(':id')
  async get(@UuidParam('id') id: string) {
    return proposalView(await this.queries.get(id));
  }

  /** Cancels a collecting proposal and every unopened sign request; reports those Xaman would not cancel. */
  @Post(':id/cancel')
  @HttpCode(200)
  @RequireRole('proposer')
  async cancel(
    @UuidParam('id') id: string,
    @CurrentKey() key: AuthenticatedKey,
    @Req() req: { id?: string },
  ) {
    const { payloads, signedTransaction } = await this.closing.cancel(id, actorOf(key, req.id), scopeOf(key));
    return { proposal: proposalView(await this.queries.get(id)), payloads, signedTransaction };
  }

  /**
   * Renews a collecting proposal whose Fee or window went stale: a successor with a fresh Fee,
   * LastLedgerSequence and deadline on the same Sequence/Ticket; the old payloads are withdrawn and
   * every signer is asked again (old signatures never count: they signed other bytes).
   */
  @Post(':id/renew')
  @HttpCode(201)
  @RequireRole('proposer')
  @ApiOperation({
    summary: 'Renew a collecting proposal (fresh Fee, LastLedgerSequence, deadline; same number)',
  })
  async renew(
    @UuidParam('id') id: string,
    @Body() body: ReplaceProposalDto,
    @CurrentKey() key: AuthenticatedKey,
    @Req() req: { id?: string },
  ) {
    return this.replacement(await this.renewing.execute(replaceCommand(id, body, key, req.id)));
  }

  /**
   * For certainty after a cancel: proposes a no-op AccountSet on the closed proposal's
   * Sequence/Ticket, through the normal multisign flow. Once it applies, nothing signed for that
   * number can apply.
   */
  @Post(':id/invalidate-on-ledger')
  @HttpCode(201)
  @RequireRole('proposer')
  @ApiOperation({ summary: "Consume a closed proposal's Sequence/Ticket with a no-op AccountSet proposal" })
  async invalidateOnLedger(
    @UuidParam('id') id: string,
    @Body() body: ReplaceProposalDto,
    @CurrentKey() key: AuthenticatedKey,
    @Req() req: { id?: string },
  ) {
    return this.replacement(await this.invalidating.execute(replaceCommand(id, body, key, req.id)));
  }

  /** The new proposal and the one it replaces. */
  private async replacement({ proposalId, previousId }: { proposalId: string; previousId: string }) {
    return {
      proposal: proposalView(await this.queries.get(proposalId)),
      previous: proposalView(await this.queries.get(previousId)),
    };
  }
}
