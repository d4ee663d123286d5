import { DomainError } from '../errors/domain.error';
import { ProposalRepository } from '../ports/proposal.repository';
import { ProposalRecord } from '../records';
import { AccessScope, assertAccountInScope, UNSCOPED_PROPOSER } from './access-scope';

/** The proposal a caller acts on: PROPOSAL_NOT_FOUND, or ACCOUNT_NOT_IN_KEY_SCOPE for a key scoped elsewhere. */
export async function proposalInScope(
  proposals: ProposalRepository,
  proposalId: string,
  scope: AccessScope = UNSCOPED_PROPOSER,
): Promise<ProposalRecord> {
  const proposal = await proposals.find(proposalId);
  if (!proposal) throw new DomainError('PROPOSAL_NOT_FOUND', `No proposal ${proposalId}.`, { proposalId });
  assertAccountInScope(scope, proposal.accountId);
  return proposal;
}
