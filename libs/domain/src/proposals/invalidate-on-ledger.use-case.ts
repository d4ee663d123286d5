import { DomainError } from '../errors/domain.error';
import { AccessScope, UNSCOPED_PROPOSER } from '../policies/access-scope';
import { proposalInScope } from '../policies/proposal-in-scope';
import { ProposalRepository } from '../ports/proposal.repository';
import { Actor } from '../shared/actor';
import { isOpenProposalState } from '../state/proposal-state';
import { CreateProposal } from './create-proposal.use-case';
import { numberOf } from './prepared';

/**
 * For treasuries that want certainty after a cancel: a signed blob stays valid until its
 * LastLedgerSequence passes or its Sequence/Ticket is used. This proposes a no-op AccountSet on the
 * closed proposal's Sequence/Ticket through the normal multisign flow; once it applies, nothing
 * signed for that number can ever apply. Refused while the proposal is open (cancel it first), and
 * by allocation when the number is already used (SEQUENCE_NOT_CURRENT / TICKET_NOT_OWNED).
 */
export class InvalidateOnLedger {
  constructor(
    private readonly proposals: ProposalRepository,
    private readonly creating: CreateProposal,
  ) {}

  async execute(command: {
    proposalId: string;
    actor: Actor;
    scope?: AccessScope;
    expiresInMinutes?: number;
  }): Promise<{ proposalId: string; previousId: string }> {
    const scope = command.scope ?? UNSCOPED_PROPOSER;
    const previous = await proposalInScope(this.proposals, command.proposalId, scope);
    if (isOpenProposalState(previous.state)) {
      throw new DomainError(
        'PROPOSAL_STILL_OPEN',
        `The proposal is ${previous.state}: cancel it first, then invalidate its ${numberOf(previous)} on ledger.`,
        { state: previous.state },
      );
    }
    const txjson: Record<string, unknown> = { TransactionType: 'AccountSet' };
    if (previous.ticketSequence !== null) txjson.TicketSequence = previous.ticketSequence;
    else txjson.Sequence = previous.sequence;
    const { proposalId } = await this.creating.execute({
      accountId: previous.accountId,
      txjson,
      ...(command.expiresInMinutes !== undefined ? { expiresInMinutes: command.expiresInMinutes } : {}),
      instruction: `No-op AccountSet: consumes ${numberOf(previous)} so that proposal ${previous.id} can never apply. Moves no funds.`,
      idempotencyKey: null,
      actor: command.actor,
      scope,
      replaces: {
        id: previous.id,
        kind: 'invalidation',
        afterInsert: async (tx, successor) => {
          await tx.proposals.patch(previous.id, [previous.state], { replacedById: successor.id });
        },
      },
    });
    return { proposalId, previousId: previous.id };
  }
}
