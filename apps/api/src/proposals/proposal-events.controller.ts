import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ProposalQueries, TERMINAL_PROPOSAL_STATES } from '@app/domain';
import { AuthenticatedKey } from '../auth/auth.decorators';
import { CurrentKey } from '../auth/current-key.decorator';
import { UuidParam } from '../common/params';
import { proposalView } from './proposal.view';
import { ProposalStreams } from './proposal-streams';
import { ApiRoute } from '../openapi/api-route.decorator';

/** Live proposal views for the console (and any client that reads Server-Sent Events). */
@ApiTags('proposals')
@Controller('v1/proposals')
export class ProposalEventsController {
  constructor(
    private readonly queries: ProposalQueries,
    private readonly streams: ProposalStreams,
  ) {}

  /**
   * `text/event-stream`: an `event: proposal` with the view of GET /v1/proposals/:id at once and
   * after every change; the stream ends after a terminal state (succeeded, failed, expired, ...).
   */
  @Get(':id/events')
  @ApiRoute({
    summary: 'Live updates of a proposal (Server-Sent Events)',
    description:
      'An `event: proposal` with the view of GET /v1/proposals/:id at once and after every change; the stream ' +
      'ends after a terminal state. At most 8 streams per caller (429 beyond).',
    role: 'viewer',
    errors: ['VALIDATION_FAILED', 'PROPOSAL_NOT_FOUND'],
  })
  @ApiOkResponse({ content: { 'text/event-stream': { schema: { type: 'string' } } } })
  async events(
    @UuidParam('id') id: string,
    @CurrentKey() key: AuthenticatedKey,
    @Req() req: Request & { consoleSessionId?: string },
    @Res() res: Response,
  ): Promise<void> {
    const caller = req.consoleSessionId ?? key.id;
    this.streams.reserve(caller);
    const first = proposalView(await this.queries.get(id)); // PROPOSAL_NOT_FOUND answers as JSON
    this.streams.open(
      caller,
      req,
      res,
      first,
      async () => proposalView(await this.queries.get(id)),
      (view) => (TERMINAL_PROPOSAL_STATES as readonly string[]).includes(view.state),
    );
  }
}
