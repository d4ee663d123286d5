import { DomainError } from '../errors/domain.error';

export type AllocatedNumber = number | { ticketSequence: number };

/**
 * The Sequence or Ticket a new proposal takes: the Ticket the template names, else the lowest free
 * Ticket, else the account's Sequence if no open proposal holds it. `held`: the numbers of the
 * account's open proposals, read under the account's allocation lock, so concurrent creations each
 * get the next free number and only "nothing free" is refused.
 */
export function allocateNumber(
  txjson: Record<string, unknown>,
  accountSequence: number,
  tickets: readonly number[],
  held: { sequences: readonly number[]; tickets: readonly number[] },
): AllocatedNumber {
  const requestedTicket = txjson.TicketSequence;
  const requestedSequence = txjson.Sequence;
  if (requestedTicket !== undefined && requestedSequence !== undefined && requestedSequence !== 0) {
    throw new DomainError(
      'TEMPLATE_SEQUENCE_AND_TICKET',
      'A transaction uses either a Sequence or a Ticket (Sequence 0 + TicketSequence), not both (rippled: temSEQ_AND_TICKET).',
      { sequence: requestedSequence, ticketSequence: requestedTicket },
    );
  }
  if (requestedTicket !== undefined) {
    if (typeof requestedTicket !== 'number' || !tickets.includes(requestedTicket)) {
      throw new DomainError(
        'TICKET_NOT_OWNED',
        `The account owns no Ticket ${JSON.stringify(requestedTicket)}.`,
        {
          ticketSequence: requestedTicket,
          owned: [...tickets],
        },
      );
    }
    if (held.tickets.includes(requestedTicket)) {
      throw new DomainError('TICKET_IN_USE', `Ticket ${requestedTicket} is held by another open proposal.`, {
        ticketSequence: requestedTicket,
      });
    }
    return { ticketSequence: requestedTicket };
  }
  if (requestedSequence !== undefined && requestedSequence !== 0 && requestedSequence !== accountSequence) {
    throw new DomainError(
      'SEQUENCE_NOT_CURRENT',
      `Sequence ${JSON.stringify(requestedSequence)} is not the account's next Sequence (${accountSequence}); omit it and the service chooses.`,
      { requested: requestedSequence, current: accountSequence },
    );
  }
  const freeTicket = [...tickets].sort((a, b) => a - b).find((t) => !held.tickets.includes(t));
  if (freeTicket !== undefined && requestedSequence === undefined) return { ticketSequence: freeTicket };
  if (held.sequences.length > 0) {
    throw new DomainError(
      'NO_FREE_SEQUENCE',
      'Every Ticket and the account Sequence are held by open proposals. Create Tickets (TicketCreate) to run more proposals side by side, or wait.',
      { heldSequences: [...held.sequences], heldTickets: [...held.tickets] },
    );
  }
  return accountSequence;
}
