import { AccountLedgers } from '../shared/account-ledgers';
import { Actor } from '../shared/actor';
import { CreateProposal } from '../proposals/create-proposal.use-case';
import { AccountQueries } from './account.queries';
import { checkSignerListChange, SignerListChange, signerListSetTemplate } from './signer-list-rules';

/**
 * A quorum change: a SignerListSet proposal that goes through the normal multisign flow under the
 * current list (admin only; the sanctioned path for SignerListSet). Checked first against rippled's
 * rules and the account's keys on the validated ledger. When it validates, `SettleSubmission`
 * refreshes the account at once: proposals prepared under the old list are invalidated, removed
 * signers' tokens are deleted, new signers show as needing enrolment.
 */
export class ProposeSignerList {
  constructor(
    private readonly queries: AccountQueries,
    private readonly ledgers: AccountLedgers,
    private readonly creating: CreateProposal,
  ) {}

  async execute(
    accountId: string,
    change: SignerListChange & { expiresInMinutes?: number; instruction?: string | null },
    actor: Actor,
  ): Promise<{ proposalId: string }> {
    const account = await this.queries.find(accountId);
    const facts = await this.ledgers.forNetwork(account.network).accountFacts(account.address);
    checkSignerListChange(change, { ...facts, address: account.address });
    const { proposalId } = await this.creating.execute({
      accountId: account.id,
      txjson: signerListSetTemplate(change),
      ...(change.expiresInMinutes !== undefined ? { expiresInMinutes: change.expiresInMinutes } : {}),
      instruction:
        change.instruction ??
        (change.quorum === 0
          ? 'Remove the SignerList'
          : `Change the SignerList to ${change.quorum}-of-${change.signers.length}`),
      idempotencyKey: null,
      actor,
      // The dedicated endpoint is the sanctioned path for a SignerListSet (admin only).
      scope: { role: 'admin', accountIds: null },
    });
    return { proposalId };
  }
}
