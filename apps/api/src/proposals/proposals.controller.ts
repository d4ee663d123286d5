import { Body, Controller, Get, Headers, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import type { Response } from 'express';
import { CloseProposal, CreateProposal, PROPOSAL_STATES, ProposalQueries, ProposalState } from '@app/domain';
import { AuthenticatedKey, RequireRole } from '../auth/auth.decorators';
import { CurrentKey } from '../auth/current-key.decorator';
import { actorOf } from '../common/actor';
import { ApiException } from '../common/api-error.filter';
import { UuidParam } from '../common/params';
import { ProposalCreationLimit } from '../common/rate-limit';
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

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

@Controller('v1/proposals')
export class ProposalsController {
  constructor(
    private readonly createProposal: CreateProposal,
    private readonly closing: CloseProposal,
    private readonly queries: ProposalQueries,
  ) {}

  /**
   * Prepares the transaction and sends a sign request to every signer. With an Idempotency-Key, a
   * repeated request answers with the first one's proposal (200) instead of making another.
   */
  @Post()
  @RequireRole('proposer')
  @ProposalCreationLimit()
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
    const { payloads } = await this.closing.cancel(id, actorOf(key, req.id));
    return { proposal: proposalView(await this.queries.get(id)), payloads };
  }
}
