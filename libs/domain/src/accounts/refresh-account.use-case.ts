import { webhookEvent } from '../webhooks/webhook-events';
import { DelegateFacts } from '../records';
import { AccountLedgers } from '../shared/account-ledgers';
import { UnitOfWork } from '../ports/unit-of-work';
import { Actor } from '../shared/actor';
import { Clock } from '../shared/clock';
import { DomainLogger } from '../shared/logger';
import { StateChanges } from '../state/state-changes';
import { WithdrawPayloads } from '../proposals/withdraw-payloads.use-case';
import { sameSignerList } from '../proposals/prepared';
import { AccountQueries } from './account.queries';
import { readSignerSetup } from './read-signer-setup';

export interface RefreshResult {
  /** The SignerList or a signer's key facts differ from the stored snapshot. */
  changed: boolean;
  signerListChanged: boolean;
  keysChanged: boolean;
  invalidatedProposalIds: string[];
}

const delegateKey = (delegates: readonly DelegateFacts[]) =>
  delegates
    .map((d) => `${d.authorize}:${[...d.permissions].sort().join(',')}`)
    .sort()
    .join('|');

/**
 * Re-reads the SignerList and the signers' key facts from a validated ledger and stores them.
 * A changed SignerList invalidates the proposals prepared under the old one (their signatures may
 * not count) and withdraws their payloads. A changed key does not: keys are checked live, when a
 * blob is counted and again before combining, so the other signers can still complete the proposal.
 * The account's Delegate objects are re-read too (stored, audited when they change).
 */
export class RefreshAccount {
  constructor(
    private readonly queries: AccountQueries,
    private readonly uow: UnitOfWork,
    private readonly changes: StateChanges,
    private readonly ledgers: AccountLedgers,
    private readonly withdrawal: WithdrawPayloads,
    private readonly clock: Clock,
    private readonly log: DomainLogger,
  ) {}

  async execute(accountId: string, actor: Actor): Promise<RefreshResult> {
    const { account, signers: current } = await this.queries.get(accountId);
    const { facts, signerList, signers } = await readSignerSetup(
      this.ledgers.forNetwork(account.network),
      account.address,
    );
    const listed = current.filter((s) => s.inSignerList);
    const signerListChanged = !sameSignerList(signerList, {
      quorum: account.signerQuorum,
      entries: listed.map((s) => ({ account: s.address, weight: s.weight })),
    });
    const keyOf = (s: {
      address: string;
      funded: boolean;
      masterDisabled: boolean;
      regularKey: string | null;
    }) => `${s.address}:${s.funded}:${s.masterDisabled}:${s.regularKey ?? ''}`;
    const keysChanged = listed.map(keyOf).sort().join('|') !== signers.map(keyOf).sort().join('|');
    const delegates = await this.ledgers.forNetwork(account.network).delegates(account.address);
    const delegatesChanged = delegateKey(delegates) !== delegateKey(account.delegates);

    const invalidatedProposalIds = await this.uow.run(async (tx) => {
      await tx.accounts.replaceSnapshot(
        account.id,
        {
          signerQuorum: signerList.quorum,
          signerListLedgerIndex: facts.ledgerIndex,
          masterDisabled: facts.masterDisabled,
          regularKey: facts.regularKey,
          signers,
        },
        this.clock.now(),
      );
      // A signer no longer listed keeps no token: it can never be asked to sign for this account.
      for (const removed of listed.filter((s) => !signers.some((n) => n.address === s.address))) {
        if (removed.userTokenCiphertext === null && removed.enrolmentState !== 'pending') continue;
        await tx.accounts.updateSigner(removed.id, {
          userTokenCiphertext: null,
          userTokenExpiresAt: null,
          tokenWarnedExpiry: null,
          enrolmentState: 'none',
        });
        await tx.audit.append(actor, {
          action: 'signer.token_deleted',
          entityType: 'signer',
          entityId: removed.id,
          details: { accountId: account.id, address: removed.address, reason: 'removed from the SignerList' },
        });
      }
      if (delegatesChanged) {
        // A Delegate object lets its holder send some transactions without the quorum: health shows it.
        await tx.accounts.setDelegates(account.id, delegates);
        await tx.audit.append(actor, {
          action: 'account.delegates_changed',
          entityType: 'account',
          entityId: account.id,
          details: { delegates },
        });
      }
      const invalidated: string[] = [];
      if (signerListChanged) {
        for (const proposal of await tx.proposals.inStates(
          ['collecting', 'quorum_reached'],
          10_000,
          account.id,
        )) {
          const applied = await this.changes.proposalIn(tx, proposal.id, 'invalidated', actor, {
            patch: { finalReason: 'The SignerList changed after the proposal was prepared' },
          });
          if (applied) invalidated.push(proposal.id);
        }
      }
      await tx.audit.append(actor, {
        action: 'account.refreshed',
        entityType: 'account',
        entityId: account.id,
        details: {
          quorum: signerList.quorum,
          signers: signers.length,
          signerListChanged,
          keysChanged,
          invalidatedProposalIds: invalidated,
        },
      });
      const data = {
        accountId: account.id,
        address: account.address,
        quorum: signerList.quorum,
        signers: signerList.entries,
        signerListChanged,
        keysChanged,
        invalidatedProposalIds: invalidated,
      };
      // The drift job re-reads every account on a schedule: only a change is news from it.
      if (actor.type !== 'worker' || signerListChanged || keysChanged) {
        await tx.outbox.emit(webhookEvent('account.refreshed', account.id, data, this.clock.now()));
      }
      if (signerListChanged) {
        await tx.outbox.emit(webhookEvent('account.signer_list_changed', account.id, data, this.clock.now()));
      }
      return invalidated;
    });
    if (signerListChanged || keysChanged) {
      this.log.warn('SignerList or signer keys changed on ledger', {
        accountId: account.id,
        signerListChanged,
        keysChanged,
        invalidated: invalidatedProposalIds,
      });
    }
    for (const proposalId of invalidatedProposalIds) await this.withdrawal.forProposal(proposalId, actor);
    return {
      changed: signerListChanged || keysChanged,
      signerListChanged,
      keysChanged,
      invalidatedProposalIds,
    };
  }
}
