import { combine, quorumProgress, selectSignatures } from '@app/multisign';
import { keyStillAuthorised, SignerKeys } from './signer-keys';
import { AccountLedgers } from '../shared/account-ledgers';
import { PolicyRepository } from '../ports/policy.repository';
import { DomainError, isDomainError } from '../errors/domain.error';
import { evaluatePolicy, timeLockFor } from '../policies/evaluate-policy';
import { PolicyRecord } from '../policies/policy';
import { PROPOSAL_TRANSITIONS } from '../state/proposal-state';
import { ProposalRepository } from '../ports/proposal.repository';
import { ProposalRecord } from '../records';
import { CoordinatorSettings } from '../settings';
import { Actor, WORKER_ACTOR } from '../shared/actor';
import { Clock } from '../shared/clock';
import { QuorumPriority } from '../shared/quorum-priority';
import { DomainLogger } from '../shared/logger';
import { StateChanges } from '../state/state-changes';
import { submitVerdict } from '../proposal-rules';
import { CloseProposal } from './close-proposal.use-case';
import { preparedOf, sameSignerList, signerListOf, toVerified } from './prepared';
import { WithdrawPayloads } from './withdraw-payloads.use-case';

/** The per-transaction rules of a newer policy, applied to an already prepared transaction. */
function tightenedRefusal(tx: Record<string, unknown>, policy: PolicyRecord): DomainError | null {
  try {
    // Who proposed it was checked at creation; windows counted it then (it would count itself now).
    evaluatePolicy({ tx, role: 'admin', policy, expiresInMinutes: 0, windowUsage: new Map() });
    return null;
  } catch (error) {
    if (isDomainError(error)) return error;
    throw error;
  }
}

export type SubmissionOutcome = 'submitted' | 'failed' | 'sequence_consumed' | 'not_owner';

/**
 * What the combine that just stored the blob already knows, so the submission does not read it again
 * (each read is a round trip a waiting quorum pays under load).
 */
interface JustCombined {
  /** The proposal as the conditional store left it: `quorum_reached`, with the blob and hash. */
  proposal: ProposalRecord;
  /** The account's current policy, read beside the ledger facts of the combine. */
  policy: PolicyRecord | null;
  /** The validated ledger those facts came from (a lower bound for the submission's). */
  validatedLedgerIndex: number;
}

/**
 * From stored signatures to a submitted blob. Whoever sees the quorum first claims
 * `collecting -> quorum_reached`; only that winner re-reads the SignerList and the signers' keys from
 * the validated ledger, combines, stores the blob and hash, withdraws the other payloads and owns
 * the first submission. A signature whose key was revoked meanwhile stops counting and the
 * proposal goes back to collecting.
 */
export class CombineAndSubmit {
  constructor(
    private readonly proposals: ProposalRepository,
    private readonly changes: StateChanges,
    private readonly ledgers: AccountLedgers,
    private readonly signerKeys: SignerKeys,
    private readonly closing: CloseProposal,
    private readonly withdrawal: WithdrawPayloads,
    private readonly clock: Clock,
    private readonly settings: CoordinatorSettings,
    private readonly log: DomainLogger,
    private readonly policies: PolicyRepository,
    /** While a combine runs, this process starts no new payload resolution. */
    private readonly priority: QuorumPriority = new QuorumPriority(),
  ) {}

  /** Claims the quorum if the stored signatures reach it, then combines and submits. */
  async tryCombine(proposalId: string, actor: Actor): Promise<boolean> {
    const proposal = await this.proposals.find(proposalId);
    if (!proposal || proposal.state !== 'collecting') return false;
    if (proposal.deadline <= this.clock.now()) return false; // the expiry sweep closes it
    const signatures = await this.proposals.signaturesOf(proposalId);
    if (!quorumProgress(signatures.map(toVerified), signerListOf(proposal.signerListSnapshot)).reached)
      return false;
    if (!(await this.changes.proposal(proposalId, 'quorumClaimed', actor))) return false;
    await this.combineClaimed(proposalId, actor);
    return true;
  }

  /**
   * The winner's work; also resumed by the worker when a winner died before storing the blob.
   * `claimed`: the proposal as the claim left it (the acceptance returns it), so it is not read again.
   */
  combineClaimed(proposalId: string, actor: Actor, claimed?: ProposalRecord): Promise<void> {
    return this.priority.during(() => this.combineAndSubmit(proposalId, actor, claimed));
  }

  private async combineAndSubmit(proposalId: string, actor: Actor, claimed?: ProposalRecord): Promise<void> {
    const proposal = claimed ?? (await this.proposals.find(proposalId));
    if (!proposal || proposal.state !== 'quorum_reached' || proposal.combinedBlob) return;
    const list = signerListOf(proposal.signerListSnapshot);

    // The reads the checks below need, side by side (a quorum waits on each round trip).
    const ledger = await this.ledgers.forAccount(proposal.accountId);
    const [accountFacts, signatures, requests, policy] = await Promise.all([
      ledger.accountFacts(String(proposal.preparedTx.Account)),
      this.proposals.signaturesOf(proposalId),
      this.proposals.requestsOf(proposalId),
      this.policies.current(proposal.accountId),
    ]);
    // The signers' keys as of the ledger the account's facts came from (cached since their blobs
    // were counted when that ledger is no newer).
    const facts = await this.signerKeys.factsOf(
      proposal.accountId,
      signatures.map((s) => s.signerAddress),
      accountFacts.ledgerIndex,
    );

    // Rule 7: the signers must be in the CURRENT SignerList.
    const current = accountFacts.signerList;
    if (!sameSignerList(current, list)) {
      await this.closing.invalidate(
        proposalId,
        'The SignerList changed on ledger before the quorum could be combined',
        actor,
      );
      return;
    }

    // Rule 6, again: each counted key must still be authorised on the validated ledger.
    const valid = [];
    for (const signature of signatures) {
      const verdict = keyStillAuthorised(signature, facts.get(signature.signerAddress)!);
      if (verdict.ok) {
        valid.push(signature);
        continue;
      }
      const request = requests.find((r) => r.id === signature.signatureRequestId);
      if (request) await this.changes.signatureRevoked(request, verdict, actor);
      this.log.warn('counted signature no longer authorised; it stops counting', {
        proposalId,
        signer: signature.signerAddress,
        code: verdict.code,
      });
    }
    const verified = valid.map(toVerified);
    const chosen = quorumProgress(verified, list).reached
      ? selectSignatures(verified, list, proposal.maxSignatures)
      : null;
    if (!chosen) {
      if (
        await this.changes.proposal(proposalId, 'quorumLost', actor, {
          details: { revoked: signatures.length - valid.length },
        })
      ) {
        await this.closing.rejectIfUnreachable(proposalId, actor);
      }
      return;
    }

    const combined = combine(preparedOf(proposal), chosen);
    const stored = await this.changes.patchProposal(
      proposalId,
      ['quorum_reached'],
      { combinedBlob: combined.blob, combinedHash: combined.hash },
      actor,
      {
        action: 'proposal.combined',
        details: { hash: combined.hash, signers: chosen.map((s) => s.account) },
      },
    );
    if (!stored) return;
    this.log.info('quorum reached; combined', { proposalId, hash: combined.hash, signatures: chosen.length });
    // The requests read above: those live then are withdrawn (one that answered since is left as it is).
    await this.withdrawal.forRequests(requests, actor);
    await this.lockOrSubmit(proposalId, actor, {
      proposal: { ...proposal, combinedBlob: combined.blob, combinedHash: combined.hash },
      policy,
      validatedLedgerIndex: accountFacts.ledgerIndex,
    });
  }

  /**
   * The last gate before the combined blob leaves: a policy set after the proposal was made must
   * still allow it (its per-transaction rules: type, destination, amount, fee), else the proposal is
   * `invalidated` and never submitted. Then it waits in `time_locked` when a delay applies: the longer
   * of the lock decided at creation and the one the current policy asks now. A tightened policy so
   * reaches proposals in flight; a loosened one neither re-admits nor releases them early.
   */
  async lockOrSubmit(proposalId: string, actor: Actor, known?: JustCombined): Promise<void> {
    const proposal = known ? known.proposal : await this.proposals.find(proposalId);
    if (!proposal || proposal.state !== 'quorum_reached' || !proposal.combinedBlob) return;
    const current = known ? known.policy : await this.policies.current(proposal.accountId);
    if (current && current.version > proposal.policyVersion) {
      const refusal = tightenedRefusal(proposal.preparedTx, current);
      if (refusal) {
        await this.closing.invalidate(
          proposalId,
          `${refusal.code}: policy version ${current.version}, set after this proposal, no longer allows it (${refusal.message})`,
          actor,
        );
        return;
      }
    }
    const lockSeconds = Math.max(
      proposal.timeLockSeconds,
      current ? timeLockFor(current.rules, BigInt(proposal.xrpOutDrops)) : 0,
    );
    if (lockSeconds <= 0) {
      await this.submitFirst(proposalId, actor, 'submissionClaimed', proposal, known?.validatedLedgerIndex);
      return;
    }
    const releasesAt = new Date(this.clock.now().getTime() + lockSeconds * 1000);
    if (
      await this.changes.proposal(proposalId, 'timeLocked', actor, {
        patch: { releasesAt, timeLockSeconds: lockSeconds },
        details: { releasesAt: releasesAt.toISOString(), lockSeconds },
      })
    ) {
      this.log.info('quorum reached; time-locked until release', {
        proposalId,
        releasesAt: releasesAt.toISOString(),
      });
    }
  }

  /** Worker: submits time-locked proposals whose lock ended (each by exactly one owner). */
  async releaseDue(limit = 100): Promise<number> {
    let released = 0;
    for (const proposal of await this.proposals.dueForRelease(this.clock.now(), limit)) {
      if ((await this.submitFirst(proposal.id, WORKER_ACTOR, 'lockReleased')) !== 'not_owner') released++;
    }
    return released;
  }

  /**
   * Claims `quorum_reached -> submitted` (or, when a time lock ended, `time_locked -> submitted`):
   * exactly one owner, who submits the stored blob.
   */
  async submitFirst(
    proposalId: string,
    actor: Actor,
    transition: 'submissionClaimed' | 'lockReleased' = 'submissionClaimed',
    /** Just read by the caller (the claim below is conditional on the state anyway). */
    known?: ProposalRecord,
    /** A validated ledger index the caller just read (else it is asked for). */
    validatedLedgerIndex?: number,
  ): Promise<SubmissionOutcome> {
    const proposal = known ?? (await this.proposals.find(proposalId));
    const from = PROPOSAL_TRANSITIONS[transition].from as readonly string[];
    if (!proposal || !from.includes(proposal.state) || !proposal.combinedBlob) return 'not_owner';
    if (transition === 'lockReleased' && (!proposal.releasesAt || proposal.releasesAt > this.clock.now())) {
      return 'not_owner';
    }
    const validated =
      validatedLedgerIndex ??
      (await (await this.ledgers.forAccount(proposal.accountId)).validatedLedgerIndex().catch(() => null));
    const now = this.clock.now();
    const claimed = await this.changes.proposal(proposalId, transition, actor, {
      patch: {
        submitAttempts: 1,
        submittedAt: now,
        submittedLedgerIndex: validated,
        lastSubmittedAt: now,
        lastSubmittedLedgerIndex: validated,
      },
    });
    if (!claimed) return 'not_owner';
    return this.send({ ...proposal, state: 'submitted', submitAttempts: 1 }, 1, actor);
  }

  /**
   * Submits the same blob again (attempt `seen + 1`) if no other process claimed that attempt first.
   * Idempotent on the ledger: rippled applies one transaction once.
   */
  async resubmit(proposal: ProposalRecord, validatedLedgerIndex: number | null): Promise<SubmissionOutcome> {
    const attempt = proposal.submitAttempts + 1;
    const claimed = await this.proposals.claimSubmission(proposal.id, proposal.submitAttempts, {
      lastSubmittedAt: this.clock.now(),
      lastSubmittedLedgerIndex: validatedLedgerIndex,
    });
    if (!claimed) return 'not_owner';
    this.log.info('resubmitting', { proposalId: proposal.id, attempt, hash: proposal.combinedHash });
    return this.send(proposal, attempt, WORKER_ACTOR);
  }

  private async send(proposal: ProposalRecord, attempt: number, actor: Actor): Promise<SubmissionOutcome> {
    const ledger = await this.ledgers.forAccount(proposal.accountId);
    const outcome = await ledger.submit(proposal.combinedBlob!);
    // Resubmission counts validated ledgers from the answer, not from the claim: under load the
    // submit itself may reach the server several ledgers after the claim was made. rippled's answer
    // names its validated ledger; only a server that does not is asked (one more round trip).
    const answeredAt =
      outcome.validatedLedgerIndex ?? (await ledger.validatedLedgerIndex().catch(() => null));
    const verdict = submitVerdict(outcome.result, outcome.rpcError);
    // A later copy answering "already there / number used" says nothing new about the first one:
    // the result that counted stays recorded, and the follow-up settles from validated ledgers.
    const informative = attempt === 1 || (verdict !== 'sequence_consumed' && verdict !== 'already');
    if (informative)
      await this.proposals.recordSubmitResult(proposal.id, attempt, outcome.result, answeredAt);
    this.log.info('submitted', {
      proposalId: proposal.id,
      attempt,
      result: outcome.result,
      verdict,
      hash: proposal.combinedHash,
    });
    // A refusal is final only for the first submission: after that an earlier copy may still be on
    // its way, so the follow-up decides from validated ledgers.
    if (verdict === 'final' && attempt === 1) {
      await this.changes.proposal(proposal.id, 'refusedAtSubmission', actor, {
        patch: { resultCode: outcome.result, finalReason: `Rejected at submission: ${outcome.message}` },
        details: { result: outcome.result },
      });
      return 'failed';
    }
    return verdict === 'sequence_consumed' ? 'sequence_consumed' : 'submitted';
  }

  /**
   * Worker: crash recovery. Combines quorums whose winner died before storing the blob, and quorums a
   * process stored but never claimed; submits combined blobs nobody submitted.
   */
  async recover(limit = 100): Promise<void> {
    const now = this.clock.now();
    const staleBefore = new Date(now.getTime() - this.settings.combineLeaseMs);
    for (const proposal of await this.proposals.inStates(['quorum_reached'], limit)) {
      if (proposal.combinedBlob) {
        // Its winner owns the submission while it is alive (it may be withdrawing the other
        // payloads): taken over only once the combine lease has passed without progress.
        if (proposal.updatedAt <= staleBefore) await this.lockOrSubmit(proposal.id, WORKER_ACTOR);
      } else if (await this.proposals.reclaimCombine(proposal.id, staleBefore, now)) {
        await this.combineClaimed(proposal.id, WORKER_ACTOR);
      }
    }
    for (const proposalId of await this.proposals.awaitingCombine(limit)) {
      await this.tryCombine(proposalId, WORKER_ACTOR);
    }
  }
}
