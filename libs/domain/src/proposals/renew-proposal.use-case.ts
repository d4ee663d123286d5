import { DomainError } from '../errors/domain.error';
import { AccessScope, UNSCOPED_PROPOSER } from '../policies/access-scope';
import { proposalInScope } from '../policies/proposal-in-scope';
import { ProposalRepository } from '../ports/proposal.repository';
import { ProposalRecord } from '../records';
import { CoordinatorSettings } from '../settings';
import { Actor } from '../shared/actor';
import { DomainLogger } from '../shared/logger';
import { StateChanges } from '../state/state-changes';
import { CreateProposal } from './create-proposal.use-case';
import { numberOf } from './prepared';
import { WithdrawPayloads } from './withdraw-payloads.use-case';

export interface RenewProposalCommand {
  proposalId: string;
  /** The successor's signing window (default: the predecessor's). */
  expiresInMinutes?: number;
  actor: Actor;
  scope?: AccessScope;
}

/** The template of a successor: the predecessor's, with the number it held named again. */
export function successorTemplate(proposal: ProposalRecord): Record<string, unknown> {
  const template: Record<string, unknown> = { ...proposal.txTemplate };
  for (const fixed of ['Sequence', 'TicketSequence', 'Fee', 'LastLedgerSequence']) delete template[fixed];
  if (proposal.ticketSequence !== null) template.TicketSequence = proposal.ticketSequence;
  else template.Sequence = proposal.sequence;
  return template;
}

/**
 * Renews a collecting proposal whose Fee no longer covers the open-ledger fee, or whose
 * LastLedgerSequence or deadline will pass before the quorum: a successor is prepared with a fresh
 * Fee, LastLedgerSequence and deadline on the SAME Sequence/Ticket (so at most one of the two can
 * ever apply), and stored in the same transaction that closes the predecessor (`renewed`). Its
 * signers are asked again; the predecessor's payloads are withdrawn and its signatures never count
 * for the successor (they signed other bytes). Policies and pre-flight checks apply to the successor.
 */
export class RenewProposal {
  constructor(
    private readonly proposals: ProposalRepository,
    private readonly creating: CreateProposal,
    private readonly changes: StateChanges,
    private readonly withdrawal: WithdrawPayloads,
    private readonly settings: CoordinatorSettings,
    private readonly log: DomainLogger,
  ) {}

  async execute(command: RenewProposalCommand): Promise<{ proposalId: string; previousId: string }> {
    const scope = command.scope ?? UNSCOPED_PROPOSER;
    const previous = await proposalInScope(this.proposals, command.proposalId, scope);
    const notRenewable = (state: string) =>
      new DomainError(
        'PROPOSAL_NOT_RENEWABLE',
        `Only a collecting proposal can be renewed; this one is ${state}.`,
        { state },
      );
    if (previous.state !== 'collecting') throw notRenewable(previous.state);
    const window = Math.round((previous.deadline.getTime() - previous.createdAt.getTime()) / 60_000);
    const expiresInMinutes =
      command.expiresInMinutes ?? Math.min(this.settings.maxExpireMinutes, Math.max(1, window));

    const { proposalId } = await this.creating.execute({
      accountId: previous.accountId,
      txjson: successorTemplate(previous),
      expiresInMinutes,
      instruction: previous.instruction,
      idempotencyKey: null,
      actor: command.actor,
      scope,
      replaces: {
        id: previous.id,
        kind: 'renewal',
        // Under the allocation lock: the predecessor closes and frees its number for the successor.
        beforeAllocation: async (tx) => {
          const closed = await this.changes.proposalIn(tx, previous.id, 'renewed', command.actor, {
            patch: {
              finalReason: 'Renewed: a successor with a fresh Fee and LastLedgerSequence replaces it',
            },
          });
          if (!closed) {
            const now = await tx.proposals.find(previous.id);
            throw notRenewable(now?.state ?? 'gone');
          }
        },
        afterInsert: async (tx, successor) => {
          await tx.proposals.patch(previous.id, ['superseded'], {
            replacedById: successor.id,
            finalReason: `Renewed as ${successor.id} on the same ${numberOf(previous)}`,
          });
        },
      },
    });
    const withdrawn = await this.withdrawal.forProposal(previous.id, command.actor);
    this.log.info('proposal renewed', {
      previousId: previous.id,
      proposalId,
      notCancellable: withdrawn.filter((w) => !w.cancelled).length,
    });
    return { proposalId, previousId: previous.id };
  }
}
