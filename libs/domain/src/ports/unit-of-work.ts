import { AccountRepository } from './account.repository';
import { AccountSetupRepository } from './account-setup.repository';
import { AuditEntry, AuditRepository } from './audit.repository';
import { PolicyRepository } from './policy.repository';
import { NewSignature, ProposalPatch, ProposalRepository } from './proposal.repository';
import { WebhookOutbox } from './webhook.repository';
import { NewWebhookEvent } from '../webhooks/webhook-events';
import { ProposalRecord, SignatureRequestRecord } from '../records';
import { Actor } from '../shared/actor';
import { ProposalState, RequestState } from '../state/proposal-state';

/** The repositories bound to one database transaction. */
export interface TransactionalRepositories {
  accounts: AccountRepository;
  proposals: ProposalRepository;
  audit: AuditRepository;
  /** Outbound webhook events, stored with the change they report. */
  outbox: WebhookOutbox;
  policies: PolicyRepository;
  /** Account set-ups (onboarding). */
  setups: AccountSetupRepository;
}

/**
 * Writes that span aggregates (a state change and its audit event; a SignerList snapshot and the
 * proposals it invalidates) happen in one transaction: all or nothing.
 */
export abstract class UnitOfWork {
  abstract run<T>(work: (tx: TransactionalRepositories) => Promise<T>): Promise<T>;

  /**
   * Patches one proposal still in one of `states` and appends `entry` to the audit trail for it: both
   * or neither. Returns whether the patch applied. (Reference form; an adapter may write both in one
   * statement: it is on the path from a quorum to its submission.)
   */
  patchProposalAudited(
    proposalId: string,
    states: readonly ProposalState[],
    patch: ProposalPatch,
    actor: Actor,
    entry: AuditEntry,
  ): Promise<boolean> {
    return this.run(async (tx) => {
      if (!(await tx.proposals.patch(proposalId, states, patch))) return false;
      await tx.audit.append(actor, entry);
      return true;
    });
  }

  /**
   * One verified signature, in one unit of work: its request moves to `signed` (from one of `from`),
   * the signature is stored, the audit entries and events are written, and the proposal is claimed
   * `collecting -> quorum_reached` when the stored weights now reach its quorum before its deadline
   * (with `onQuorum`'s audit entries and events). Exactly one of the signatures that complete a
   * quorum claims it, however many arrive at once: adapters serialise the check per proposal.
   *
   * This is the reference form, on the transactional repositories; an adapter may write many
   * concurrent acceptances in fewer statements (the hot path of signature ingest).
   */
  acceptSignature(acceptance: SignatureAcceptance): Promise<SignatureAcceptanceOutcome> {
    return this.run(async (tx) => {
      const { request, actor, from, patch, signature } = acceptance;
      const proposal = await tx.proposals.find(request.proposalId);
      if (proposal && proposal.state !== 'collecting') {
        const late = acceptance.tooLate(proposal.state);
        const latePatch = { ...patch, refusalDetail: late.refusalDetail };
        if (!(await tx.proposals.transitionRequest(request.id, from, 'signed', latePatch)))
          return { stored: false };
        await tx.audit.appendMany(actor, late.audit);
        await tx.outbox.emitMany(late.events);
        return { stored: true, counted: false, quorumClaimed: null };
      }
      if (!(await tx.proposals.recordSignature(request, from, patch, signature))) return { stored: false };
      await tx.audit.appendMany(actor, acceptance.audit);
      await tx.outbox.emitMany(acceptance.events);
      const [claimed] = await tx.proposals.claimQuorumIfReached([request.proposalId], acceptance.now);
      if (!claimed) return { stored: true, counted: true, quorumClaimed: null };
      const followUp = acceptance.onQuorum(claimed);
      await tx.audit.appendMany(actor, followUp.audit);
      await tx.outbox.emitMany(followUp.events);
      return { stored: true, counted: true, quorumClaimed: claimed };
    });
  }
}

/** A verified signature to count (see `UnitOfWork.acceptSignature`). */
export interface SignatureAcceptance {
  request: Pick<SignatureRequestRecord, 'id' | 'proposalId'>;
  /** The request states the `signed` transition may leave. */
  from: readonly RequestState[];
  patch: { blobHex: string; blobTxid: string | null; resolvedAt: Date };
  signature: NewSignature;
  actor: Actor;
  /** Written with the signature. */
  audit: AuditEntry[];
  events: NewWebhookEvent[];
  /** The quorum counts only before the proposal's deadline, by this clock. */
  now: Date;
  /** The claim's audit entries and events, from the proposal as claimed. */
  onQuorum(proposal: ProposalRecord): { audit: AuditEntry[]; events: NewWebhookEvent[] };
  /**
   * The proposal had left `collecting` (seen under its lock): the request is still `signed` with the
   * blob, nothing counts, the request gets this refusal detail and these entries instead.
   */
  tooLate(state: ProposalState): { refusalDetail: string; audit: AuditEntry[]; events: NewWebhookEvent[] };
}

export type SignatureAcceptanceOutcome =
  | { stored: false }
  /**
   * `counted`: false when the proposal had left collecting. `quorumClaimed`: this signature
   * completed the quorum and its caller owns the combine.
   */
  | { stored: true; counted: boolean; quorumClaimed: ProposalRecord | null };
