import { Body, Controller, Get, Headers, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { PREPARE_ERROR_CODES } from '@app/multisign';
import { CloseProposal, CreateProposal, PROPOSAL_STATES, ProposalQueries, ProposalState } from '@app/domain';
import { AuthenticatedKey, RequireRole } from '../auth/auth.decorators';
import { CurrentKey } from '../auth/current-key.decorator';
import { actorOf } from '../common/actor';
import { ApiException } from '../common/api-error.filter';
import { UuidParam } from '../common/params';
import { ProposalCreationLimit } from '../common/rate-limit';
import { decodeProposalCursor, encodeProposalCursor } from './proposal-cursor';
import { proposalView } from './proposal.view';
import { ApiRoute } from '../openapi/api-route.decorator';
import { BODY_ERRORS } from '../openapi/error.responses';
import { CancelProposalResponse, ProposalPageResponse, ProposalResponse } from './proposal.responses';

export class CreateProposalDto {
  @ApiProperty({ format: 'uuid', description: 'A registered account.' })
  @IsUUID()
  accountId!: string;

  /** The transaction template (XRPL JSON); the service fills Account, Sequence/Ticket, Fee, LLS. */
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'The transaction template (XRPL JSON). The service fills Account, Sequence or TicketSequence (a Ticket ' +
      'named here is used), Fee, LastLedgerSequence, SigningPubKey and NetworkID.',
    example: {
      TransactionType: 'Payment',
      Destination: 'rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe',
      Amount: '1000000',
    },
  })
  @IsObject()
  txjson!: Record<string, unknown>;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 43_200,
    description: 'Signing window in minutes (default: XAMAN_DEFAULT_EXPIRE_MINUTES).',
    example: 60,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(43_200)
  expiresInMinutes?: number;

  /** Shown to signers in Xaman. */
  @ApiPropertyOptional({ minLength: 1, maxLength: 280, description: 'Shown to signers in Xaman.' })
  @IsOptional()
  @IsString()
  @Length(1, 280)
  instruction?: string;
}

export class ListProposalsQuery {
  @ApiPropertyOptional({ enum: PROPOSAL_STATES, enumName: 'ProposalState' })
  @IsOptional()
  @IsIn(PROPOSAL_STATES)
  state?: ProposalState;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  accountId?: string;

  @ApiPropertyOptional({ description: '`nextCursor` of the previous page.', maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  cursor?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

@ApiTags('proposals')
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
  @ApiRoute({
    summary: 'Propose a transaction',
    description:
      'Prepares the exact transaction from a validated ledger and sends a sign request to every signer. ' +
      'Counts against the tighter proposal-creation limit too. With an `Idempotency-Key`, a repeat answers ' +
      'the first proposal (200, `Idempotent-Replayed: true`).',
    role: 'proposer',
    errors: [
      ...BODY_ERRORS,
      'INVALID_EXPIRY',
      'ACCOUNT_NOT_FOUND',
      'IDEMPOTENCY_KEY_REUSED',
      'NO_FREE_SEQUENCE',
      'TICKET_IN_USE',
      'SIGNER_LIST_CHANGED',
      'ACCOUNT_NOT_ON_LEDGER',
      'ACCOUNT_HAS_NO_SIGNER_LIST',
      'SEQUENCE_NOT_CURRENT',
      'TICKET_NOT_OWNED',
      ...PREPARE_ERROR_CODES,
      'XRPL_UNAVAILABLE',
    ],
  })
  @ApiBody({ type: CreateProposalDto })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: '1 to 200 visible ASCII characters; the same key and body answer the same proposal.',
  })
  @ApiCreatedResponse({ type: ProposalResponse, description: 'Prepared; sign requests are on their way.' })
  @ApiOkResponse({
    type: ProposalResponse,
    description: 'A repeat of an earlier request with the same Idempotency-Key.',
    headers: { 'Idempotent-Replayed': { schema: { type: 'string', enum: ['true'] } } },
  })
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
  @ApiRoute({
    summary: 'List proposals, newest first',
    role: 'viewer',
    errors: ['VALIDATION_FAILED', 'INVALID_CURSOR'],
  })
  @ApiOkResponse({ type: ProposalPageResponse })
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
  @ApiRoute({
    summary: 'A proposal: prepared transaction, weight collected, each signer, submission and result',
    role: 'viewer',
    errors: ['VALIDATION_FAILED', 'PROPOSAL_NOT_FOUND'],
  })
  @ApiOkResponse({ type: ProposalResponse })
  async get(@UuidParam('id') id: string) {
    return proposalView(await this.queries.get(id));
  }

  /** Cancels a collecting proposal and every unopened sign request; reports those Xaman would not cancel. */
  @Post(':id/cancel')
  @HttpCode(200)
  @RequireRole('proposer')
  @ApiRoute({
    summary: 'Cancel a collecting proposal',
    description:
      "Cancels every unopened payload; `payloads` reports each, with Xaman's reason for those it would not " +
      'cancel (the worker keeps withdrawing them).',
    role: 'proposer',
    errors: ['VALIDATION_FAILED', 'PROPOSAL_NOT_FOUND', 'PROPOSAL_NOT_CANCELLABLE'],
  })
  @ApiOkResponse({ type: CancelProposalResponse })
  async cancel(
    @UuidParam('id') id: string,
    @CurrentKey() key: AuthenticatedKey,
    @Req() req: { id?: string },
  ) {
    const { payloads } = await this.closing.cancel(id, actorOf(key, req.id));
    return { proposal: proposalView(await this.queries.get(id)), payloads };
  }
}
