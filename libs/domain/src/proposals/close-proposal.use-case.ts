import { isQuorumUnreachable } from '@app/multisign';
import { DomainError } from '../errors/domain.error';
import { AccessScope, UNSCOPED_PROPOSER } from '../policies/access-scope';
import { proposalInScope } from '../policies/proposal-in-scope';
import { ProposalRecord } from '../records';
import { AccountLedgers } from '../shared/account-ledgers';
import { ProposalRepository } from '../ports/proposal.repository';
import { Actor, WORKER_ACTOR } from '../shared/actor';
import { Clock } from '../shared/clock';
import { DomainLogger } from '../shared/logger';
import { isRefusingRequestState } from '../state/proposal-state';
import { StateChanges } from '../state/state-changes';
import { numberOf, signerListOf } from './prepared';
import { WithdrawalReport, WithdrawPayloads } from './withdraw-payloads.use-case';

/** What a cancel leaves valid on the ledger: a fully signed blob (cancelled during its time lock). */
export interface SignedTransactionNotice {
  hash: string;
  validUntilLedger: number;
  note: string;
}

export function signedTransactionNotice(proposal: ProposalRecord): SignedTransactionNotice | null {
  if (!proposal.combinedBlob || !proposal.combinedHash) return null;
  return {
    hash: proposal.combinedHash,
    validUntilLedger: proposal.lastLedgerSequence,
    note:
      `A fully signed transaction exists. It stays valid until validated ledger ${proposal.lastLedgerSequence} ` +
      `passes or its ${numberOf(proposal)} is used. The service will not submit it; to be certain, ` +
      `POST /v1/proposals/${proposal.id}/invalidate-on-ledger consumes the number with a no-op AccountSet.`,
  };
}

/**
 * Ends a proposal before it is combined: cancelled by an operator, expired at its deadline,
 * rejected when the quorum became unreachable, superseded when its number was spent elsewhere.
 * Every close then withdraws the payloads still open (durably: see WithdrawPayloads).
 */
export class CloseProposal {
  constructor(
    private readonly proposals: ProposalRepository,
    private readonly changes: StateChanges,
    private readonly withdrawal: WithdrawPayloads,
    private readonly ledgers: AccountLedgers,
    private readonly clock: Clock,
    private readonly log: DomainLogger,
  ) {}

  async cancel(
    proposalId: string,
    actor: Actor,
    scope: AccessScope = UNSCOPED_PROPOSER,
  ): Promise<{ payloads: WithdrawalReport[]; signedTransaction: SignedTransactionNotice | null }> {
    await proposalInScope(this.proposals, proposalId, scope);
    if (
      !(await this.changes.proposal(proposalId, 'cancelled', actor, {
        patch: { finalReason: 'Cancelled by an operator' },
      }))
    ) {
      const now = (await this.proposals.find(proposalId))!;
      throw new DomainError(
        'PROPOSAL_NOT_CANCELLABLE',
        now.state === 'quorum_reached' || now.state === 'submitted'
          ? `The proposal is ${now.state}: its transaction is already combined and may be on its way to the ledger.`
          : `The proposal is already ${now.state}.`,
        { state: now.state },
      );
    }
    const payloads = await this.withdrawal.forProposal(proposalId, actor);
    this.log.info('proposal cancelled', {
      proposalId,
      notCancellable: payloads.filter((p) => !p.cancelled).length,
    });
    const cancelled = (await this.proposals.find(proposalId))!;
    return { payloads, signedTransaction: signedTransactionNotice(cancelled) };
  }

  /**
   * Ends a collecting proposal as `rejected` once the signers still able to sign cannot reach the
   * quorum. Only refusals count against it (a rejection, a refused blob): a payload that expired or
   * was cancelled at Xaman leaves the signer able to sign a new one until the proposal's deadline.
   */
  async rejectIfUnreachable(proposalId: string, actor: Actor): Promise<boolean> {
    const proposal = await this.proposals.find(proposalId);
    if (!proposal || proposal.state !== 'collecting') return false;
    const requests = await this.proposals.requestsOf(proposalId);
    const refusing = requests.filter((r) => isRefusingRequestState(r.state));
    const unavailable = refusing.map((r) => r.signerAddress);
    if (
      !isQuorumUnreachable(signerListOf(proposal.signerListSnapshot), unavailable, proposal.maxSignatures)
    ) {
      return false;
    }
    const reasons = refusing.map(
      (r) => `${r.signerAddress}: ${r.state}${r.refusalCode ? ` (${r.refusalCode})` : ''}`,
    );
    const changed = await this.changes.proposal(proposalId, 'rejected', actor, {
      patch: { finalReason: `The quorum can no longer be reached: ${reasons.join(', ')}` },
      details: { reasons },
    });
    if (!changed) return false;
    this.log.info('proposal rejected: quorum unreachable', { proposalId });
    await this.withdrawal.forProposal(proposalId, actor);
    return true;
  }

  /**
   * Worker: closes collecting proposals past their deadline or LastLedgerSequence, a batch at a time:
   * the due rows are claimed and expired in one unit of work (one conditional update per reason, with
   * their audit and outbox rows), so concurrent workers share them; then their payloads are withdrawn.
   */
  async expireDue(limit = 100): Promise<number> {
    // Each network has its own ledger index: one sweep per network, so a proposal passes
    // LastLedgerSequence only by its own network's validated ledger. Without a ledger, deadlines
    // still expire (LastLedgerSequence is checked once it answers).
    const networks = this.ledgers.names();
    let total = 0;
    for (const network of networks) {
      const validated = await this.ledgers
        .forNetwork(network)
        .validatedLedgerIndex()
        .catch(() => 0);
      total += await this.expireDueOn(networks.length === 1 ? undefined : network, validated, limit);
    }
    return total;
  }

  private async expireDueOn(network: string | undefined, validated: number, limit: number): Promise<number> {
    const expired = await this.changes.inUnitOfWork(async (tx) => {
      const due = await tx.proposals.dueForExpiry(this.clock.now(), validated, limit, network);
      const byReason = new Map<string, string[]>();
      for (const proposal of due) {
        const reason =
          validated > proposal.lastLedgerSequence
            ? `LastLedgerSequence ${proposal.lastLedgerSequence} passed before the quorum was reached`
            : 'The signing deadline passed before the quorum was reached';
        byReason.set(reason, [...(byReason.get(reason) ?? []), proposal.id]);
      }
      const moved: string[] = [];
      for (const [reason, ids] of byReason) {
        const changed = await this.changes.proposalsIn(tx, ids, 'expired', WORKER_ACTOR, {
          patch: { finalReason: reason },
        });
        moved.push(...changed.map((p) => p.id));
      }
      return moved;
    });
    if (expired.length === 0) return 0;
    this.log.info('proposals expired', { network, count: expired.length, proposalIds: expired.slice(0, 20) });
    await this.withdrawal.forProposals(expired, WORKER_ACTOR);
    return expired.length;
  }

  /**
   * Collecting proposals whose Sequence or Ticket was already used on the validated ledger can never
   * apply: they end `superseded` and their payloads are withdrawn, so nobody signs in vain.
   */
  async supersedeSpent(
    accountId: string,
    accountAddress: string,
    actor: Actor = WORKER_ACTOR,
  ): Promise<string[]> {
    const open = await this.proposals.inStates(['collecting'], 1000, accountId);
    if (open.length === 0) return [];
    const ledger = await this.ledgers.forAccount(accountId);
    const [facts, tickets] = await Promise.all([
      ledger.accountFacts(accountAddress),
      ledger.tickets(accountAddress),
    ]);
    if (!facts.exists || facts.sequence === null) return [];
    const superseded: string[] = [];
    for (const proposal of open) {
      const spent =
        proposal.ticketSequence !== null
          ? !tickets.includes(proposal.ticketSequence) && proposal.ticketSequence < facts.sequence
          : proposal.sequence < facts.sequence;
      if (!spent) continue;
      const what = numberOf(proposal);
      const changed = await this.changes.proposal(proposal.id, 'superseded', actor, {
        patch: {
          finalReason: `${what} was used by another transaction (validated ledger ${facts.ledgerIndex})`,
        },
      });
      if (changed) {
        superseded.push(proposal.id);
        this.log.warn('proposal superseded before quorum', { proposalId: proposal.id, what });
        await this.withdrawal.forProposal(proposal.id, actor);
      }
    }
    return superseded;
  }

  /** The SignerList changed under a proposal that was collecting or being combined. */
  async invalidate(proposalId: string, reason: string, actor: Actor): Promise<boolean> {
    const changed = await this.changes.proposal(proposalId, 'invalidated', actor, {
      patch: { finalReason: reason },
    });
    if (changed) {
      this.log.warn('proposal invalidated', { proposalId, reason });
      await this.withdrawal.forProposal(proposalId, actor);
    }
    return changed;
  }
}
