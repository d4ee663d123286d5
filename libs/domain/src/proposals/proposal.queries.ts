import { DomainError } from '../errors/domain.error';
import { ProposalListFilter, ProposalRepository } from '../ports/proposal.repository';
import { ProposalRecord, SignatureRecord, SignatureRequestRecord } from '../records';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ProposalWithDetails {
  proposal: ProposalRecord;
  requests: SignatureRequestRecord[];
  signatures: SignatureRecord[];
}

/** Reads of proposals with their requests and signatures (the API shapes the views). */
export class ProposalQueries {
  constructor(private readonly proposals: ProposalRepository) {}

  async get(id: string): Promise<ProposalWithDetails> {
    const proposal = UUID.test(id) ? await this.proposals.find(id) : null;
    if (!proposal) throw new DomainError('PROPOSAL_NOT_FOUND', `No proposal ${id}.`, { proposalId: id });
    return this.details(proposal);
  }

  /** One page newest first, and whether more follow. */
  async list(filter: ProposalListFilter): Promise<{ items: ProposalWithDetails[]; more: boolean }> {
    const rows = await this.proposals.list({ ...filter, limit: filter.limit + 1 });
    const page = rows.slice(0, filter.limit);
    return { items: await Promise.all(page.map((p) => this.details(p))), more: rows.length > filter.limit };
  }

  /**
   * Every proposal the filter selects, newest first, with its requests and signatures: read a page
   * at a time, so an export of a month streams without holding it in memory.
   */
  async *export(
    filter: Omit<ProposalListFilter, 'after' | 'limit'>,
    pageSize = 200,
  ): AsyncGenerator<ProposalWithDetails> {
    let after: ProposalListFilter['after'];
    for (;;) {
      const page = await this.proposals.list({ ...filter, after, limit: pageSize });
      for (const proposal of page) yield await this.details(proposal);
      const last = page[page.length - 1];
      if (!last || page.length < pageSize) return;
      after = { createdAt: last.createdAt, id: last.id };
    }
  }

  private async details(proposal: ProposalRecord): Promise<ProposalWithDetails> {
    const [requests, signatures] = await Promise.all([
      this.proposals.requestsOf(proposal.id),
      this.proposals.signaturesOf(proposal.id),
    ]);
    return { proposal, requests, signatures };
  }
}
