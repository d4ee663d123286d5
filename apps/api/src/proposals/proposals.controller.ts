import { Body, Controller, Get, Headers, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
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
import { BLOB_REFUSAL_CODES, PREPARE_ERROR_CODES } from '@app/multisign';
import {
  CloseProposal,
  CreateProposal,
  PROPOSAL_STATES,
  ProposalQueries,
  ProposalState,
  UploadSignature,
  InvalidateOnLedger,
  RenewProposal,
} from '@app/domain';
import { AuthenticatedKey, RequireRole } from '../auth/auth.decorators';
import { CurrentKey } from '../auth/current-key.decorator';
import { actorOf, scopeOf } from '../common/actor';
import { ApiException } from '../common/api-error.filter';
import { UuidParam } from '../common/params';
import { ProposalCreationLimit } from '../common/rate-limit';
import { decodeProposalCursor, encodeProposalCursor } from './proposal-cursor';
import { proposalView } from './proposal.view';
import { CSV_HEADER, csvRows, exportRecord } from './proposal-export';
import { ApiRoute } from '../openapi/api-route.decorator';
import { BODY_ERRORS } from '../openapi/error.responses';
import {
  CancelProposalResponse,
  ProposalPageResponse,
  ProposalResponse,
  ReplacementResponse,
  UploadSignatureResponse,
} from './proposal.responses';

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

export class ExportProposalsQuery {
  @ApiPropertyOptional({ enum: ['csv', 'json'], default: 'json' })
  @IsOptional()
  @IsIn(['csv', 'json'])
  format?: 'csv' | 'json';

  @ApiPropertyOptional({ description: 'created at or after (ISO 8601)', example: '2031-01-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'created before (ISO 8601)', example: '2031-02-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  accountId?: string;

  @ApiPropertyOptional({ enum: PROPOSAL_STATES })
  @IsOptional()
  @IsIn(PROPOSAL_STATES)
  state?: ProposalState;
}

export class UploadSignatureDto {
  /** The signer's multisigned blob of the prepared transaction (hex, one Signers entry). */
  @ApiProperty({
    description:
      'The signer\'s blob: the prepared transaction with SigningPubKey "" and one Signers entry (hex)',
    example: '1200002200000000240000000A...',
  })
  @IsString()
  @Length(2, 2_000_000)
  @Matches(/^[0-9a-fA-F]+$/, { message: 'blob must be hex' })
  blob!: string;
}

/** What the treasury controls refuse at creation, before anything is stored or sent. */
const CREATION_CONTROLS = [
  'TYPE_NEEDS_ADMIN',
  'ACCOUNT_NOT_IN_KEY_SCOPE',
  'POLICY_TYPE_NOT_ALLOWED',
  'POLICY_ACCOUNTSET_FLAGS_NOT_ALLOWED',
  'POLICY_TICKET_COUNT_OVER_LIMIT',
  'POLICY_DESTINATION_NOT_ALLOWED',
  'POLICY_AMOUNT_OVER_LIMIT',
  'POLICY_WINDOW_LIMIT_EXCEEDED',
  'POLICY_FEE_OVER_LIMIT',
  'POLICY_WINDOW_TOO_LONG',
  'PREFLIGHT_DESTINATION_UNFUNDED',
  'PREFLIGHT_DESTINATION_NEEDS_TAG',
  'PREFLIGHT_DESTINATION_DISALLOWS_XRP',
  'PREFLIGHT_INSUFFICIENT_BALANCE',
] as const;

/** Blob rules an upload can break (the codes of @app/multisign's verifySignerBlob). */
const UPLOAD_REFUSALS = BLOB_REFUSAL_CODES;

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

function replaceCommand(id: string, body: ReplaceProposalDto, key: AuthenticatedKey, requestId?: string) {
  return {
    proposalId: id,
    ...(body.expiresInMinutes !== undefined ? { expiresInMinutes: body.expiresInMinutes } : {}),
    actor: actorOf(key, requestId),
    scope: scopeOf(key),
  };
}

@ApiTags('proposals')
@Controller('v1/proposals')
export class ProposalsController {
  constructor(
    private readonly createProposal: CreateProposal,
    private readonly closing: CloseProposal,
    private readonly queries: ProposalQueries,
    private readonly uploads: UploadSignature,
    private readonly renewing: RenewProposal,
    private readonly invalidating: InvalidateOnLedger,
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
      ...CREATION_CONTROLS,
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
      scope: scopeOf(key),
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

  /**
   * Month-end accounting: every proposal the filter selects (newest first) with its approval trail,
   * streamed as JSON (an array) or CSV (one row per signer's request, RFC 4180).
   */
  @Get('export')
  @ApiRoute({
    summary: 'Export proposals with their approval trail (CSV or JSON)',
    description:
      'Newest first; JSON is an array, CSV has a header row and one row per signer request (RFC 4180).',
    role: 'viewer',
    errors: ['VALIDATION_FAILED'],
  })
  @ApiOkResponse({
    description: 'a JSON array, or CSV with a header row (format=csv)',
    content: {
      'application/json': {
        schema: { type: 'array', items: { type: 'object', additionalProperties: true } },
      },
      'text/csv': { schema: { type: 'string' } },
    },
  })
  async export(@Query() query: ExportProposalsQuery, @Res() res: Response) {
    const from = query.from === undefined ? undefined : new Date(query.from);
    const to = query.to === undefined ? undefined : new Date(query.to);
    if (from && to && from.getTime() >= to.getTime()) {
      throw new ApiException('VALIDATION_FAILED', '"from" must be before "to".', {
        fields: [{ field: 'from' }, { field: 'to' }],
      });
    }
    const rows = this.queries.export({
      state: query.state,
      accountId: query.accountId,
      createdFrom: from,
      createdBefore: to,
    });
    // The first page is read before answering, so a failure there is an ordinary error answer.
    const first = await rows.next();
    const csv = query.format === 'csv';
    res.status(200);
    res.setHeader('content-type', csv ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="proposals.${csv ? 'csv' : 'json'}"`);
    const write = (chunk: string) =>
      res.write(chunk) ? Promise.resolve() : new Promise<void>((resolve) => res.once('drain', resolve));
    try {
      await write(csv ? `${CSV_HEADER}\r\n` : '[');
      let count = 0;
      for (let item = first; !item.done; item = await rows.next()) {
        const record = exportRecord(item.value);
        await write(csv ? csvRows(record) : `${count > 0 ? ',' : ''}\n${JSON.stringify(record)}`);
        count++;
      }
      if (!csv) await write('\n]\n');
      res.end();
    } catch (error) {
      // Headers are gone: all that is left is to cut the answer short, so it cannot pass for complete.
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    }
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
  @ApiRoute({
    summary: 'Renew a collecting proposal (fresh Fee, LastLedgerSequence, deadline; same number)',
    description:
      'The old proposal ends `superseded` (`replacedBy`), its payloads are withdrawn and every signer is asked ' +
      'again; old signatures never count (they signed other bytes).',
    role: 'proposer',
    errors: [
      ...BODY_ERRORS,
      'PROPOSAL_NOT_FOUND',
      'PROPOSAL_NOT_RENEWABLE',
      'INVALID_EXPIRY',
      'SIGNER_LIST_CHANGED',
      ...CREATION_CONTROLS,
      'XRPL_UNAVAILABLE',
    ],
  })
  @ApiCreatedResponse({ type: ReplacementResponse })
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
  @ApiRoute({
    summary: "Consume a closed proposal's Sequence/Ticket with a no-op AccountSet proposal",
    description:
      'Through the normal multisign flow; once it applies, nothing signed for that number can apply.',
    role: 'proposer',
    errors: [
      ...BODY_ERRORS,
      'PROPOSAL_NOT_FOUND',
      'PROPOSAL_STILL_OPEN',
      'INVALID_EXPIRY',
      'SIGNER_LIST_CHANGED',
      ...CREATION_CONTROLS,
      'XRPL_UNAVAILABLE',
    ],
  })
  @ApiCreatedResponse({ type: ReplacementResponse })
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

  /**
   * A signer outside Xaman (hardware wallet, command-line signer) sends its signed blob of the
   * prepared transaction (`multisigning` in GET). The same rules as a Xaman blob; audited with the
   * key that uploaded it. A refused blob answers its rule's code and changes nothing.
   */
  @Post(':id/signatures')
  @HttpCode(200)
  @RequireRole('proposer')
  @ApiRoute({
    summary: 'Upload a signed blob from a signer outside Xaman',
    description:
      'The same rules as a Xaman blob (`multisigning` in the proposal says what to sign); audited with the key ' +
      "that uploaded it. A refused blob answers its rule's code and changes nothing.",
    role: 'proposer',
    errors: [
      ...BODY_ERRORS,
      'PROPOSAL_NOT_FOUND',
      'PROPOSAL_NOT_COLLECTING',
      'SIGNER_ALREADY_ANSWERED',
      'XRPL_UNAVAILABLE',
      ...UPLOAD_REFUSALS,
    ],
  })
  @ApiOkResponse({ type: UploadSignatureResponse })
  async uploadSignature(
    @UuidParam('id') id: string,
    @Body() body: UploadSignatureDto,
    @CurrentKey() key: AuthenticatedKey,
    @Req() req: { id?: string },
  ) {
    const { signer } = await this.uploads.execute(id, body.blob, actorOf(key, req.id));
    return { signer, proposal: proposalView(await this.queries.get(id)) };
  }
}
