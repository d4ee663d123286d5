import { ProposalRepository } from '../ports/proposal.repository';
import { PayloadView, XamanApiError, XamanPort } from '../ports/xaman.port';
import { ProposalRecord, SignatureRequestRecord } from '../records';
import { Actor, XAMAN_ACTOR } from '../shared/actor';
import { GroupCommit } from '../shared/group-commit';
import { Clock } from '../shared/clock';
import { DomainLogger } from '../shared/logger';
import { StateChanges } from '../state/state-changes';
import { CloseProposal } from './close-proposal.use-case';
import { PayloadWatches } from './payload-watches';
import { SignerBlobs } from './signer-blob';
import { SignerTokens } from '../accounts/signer-tokens';

export type PayloadSource = 'webhook' | 'websocket' | 'poll';
export type ResolveOutcome =
  'unknown' | 'ignored' | 'signed' | 'refused' | 'rejected' | 'expired' | 'opened' | 'pending';

/**
 * How long one process holds a payload's resolution (a Xaman read, the blob rules, the write). A
 * holder that died is replaced once it passes; one that outlives it only risks a repeated read.
 */
export const PAYLOAD_RESOLUTION_LEASE_MS = 10_000;
/** Outcomes after which the request is no longer live. */
const FINAL_OUTCOMES: readonly ResolveOutcome[] = ['signed', 'refused', 'rejected', 'expired'];
/** Reads of one payload per call, when other processes keep asking for one more. */
const MAX_ROUNDS = 3;

/**
 * Acts on the current state of a Xaman payload, re-read from the Xaman API (never from what a
 * webhook or socket said). Every returned blob goes through the blob rules with the signer's keys
 * as the latest validated ledger has them. Idempotent: a payload already settled is not fetched again.
 * One resolution per payload at a time across processes (`claimPayload`): a webhook heard by an API
 * and a socket event heard by a worker cost one Xaman read, not two.
 */
export class ResolvePayload {
  private readonly openings: GroupCommit<string, void>;

  constructor(
    private readonly proposals: ProposalRepository,
    private readonly changes: StateChanges,
    private readonly xaman: XamanPort,
    private readonly blobs: SignerBlobs,
    private readonly tokens: SignerTokens,
    private readonly watches: PayloadWatches,
    private readonly closing: CloseProposal,
    private readonly clock: Clock,
    private readonly log: DomainLogger,
    /** Socket "opened" events of this moment are recorded together (0: each at once, for tests). */
    openedGatherMs = 20,
  ) {
    this.openings = new GroupCommit<string, void>(
      async (payloadUuids) => {
        await this.changes.requestsByPayload(payloadUuids, 'opened', XAMAN_ACTOR, { source: 'websocket' });
        return payloadUuids.map(() => undefined);
      },
      { maxBatch: 200, concurrency: 1, key: (payloadUuid) => payloadUuid, gatherMs: openedGatherMs },
    );
  }

  async execute(payloadUuid: string, source: PayloadSource, actor: Actor): Promise<ResolveOutcome> {
    for (let round = 1; ; round++) {
      const now = this.clock.now();
      const claim = await this.proposals.claimPayload(
        payloadUuid,
        now,
        new Date(now.getTime() + PAYLOAD_RESOLUTION_LEASE_MS),
      );
      if (claim.kind === 'unknown') return 'unknown';
      if (claim.kind === 'settled') {
        this.watches.unwatch(payloadUuid); // settled, perhaps by another process
        return 'ignored';
      }
      // Another process is reading it now, and reads once more if what it read was not final.
      if (claim.kind === 'busy') return 'pending';
      let outcome: ResolveOutcome;
      try {
        outcome = await this.resolveClaimed(claim.request, claim.proposal, payloadUuid, source, actor);
      } catch (error) {
        await this.proposals.releasePayload(claim.request.id).catch(() => false);
        throw error;
      }
      // A final outcome took the request out of the live states: its lease no longer matters.
      if (FINAL_OUTCOMES.includes(outcome)) return outcome;
      const again = await this.proposals.releasePayload(claim.request.id);
      if (!again || round >= MAX_ROUNDS) return outcome;
    }
  }

  /** `proposal` as read with the claim: a state it left since is caught under its lock when counting. */
  private async resolveClaimed(
    request: SignatureRequestRecord,
    proposal: ProposalRecord,
    payloadUuid: string,
    source: PayloadSource,
    actor: Actor,
  ): Promise<ResolveOutcome> {
    let payload: PayloadView;
    try {
      payload = await this.xaman.getPayload(payloadUuid);
    } catch (error) {
      if (!(error instanceof XamanApiError) || error.xamanCode !== 404) throw error;
      // Xaman no longer knows the payload (purged, or another platform): it can never be signed.
      await this.changes.request(request.id, 'expired', actor, {
        patch: { lastError: 'The payload no longer exists at Xaman' },
        details: { source, reason: 'PAYLOAD_NOT_FOUND' },
      });
      this.watches.unwatch(payloadUuid);
      return 'expired';
    }
    // Checked now: the poller leaves it alone for a while. A poll claimed it already, and a resolved
    // payload's transition below marks it anyway.
    if (source !== 'poll' && !payload.resolved)
      await this.proposals.touchRequest(request.id, this.clock.now());

    if (payload.resolved && payload.signed) {
      if (!payload.hex) return 'pending'; // resolved but the blob is not readable yet: the next signal retries
      this.watches.unwatch(payloadUuid);
      return this.acceptBlob(request, proposal, payload, source, actor);
    }
    if (payload.resolved) {
      this.watches.unwatch(payloadUuid);
      const changed = await this.changes.request(request.id, 'rejected', actor, {
        patch: { resolvedAt: this.clock.now() },
        details: { source },
      });
      if (changed) {
        this.log.info('signer rejected', { proposalId: proposal.id, signer: request.signerAddress, source });
        // Not awaited: the refresh gathers with others and never rejects (failures are logged).
        void this.tokens.afterResolution(request.signerId, actor);
        await this.closing.rejectIfUnreachable(proposal.id, actor);
      }
      return 'rejected';
    }
    if (payload.expired || payload.cancelled) {
      // An opened payload may still be resolved after expiry (Xaman: "open before, not resolve before").
      if (payload.opened && !payload.cancelled && proposal.state === 'collecting') return 'pending';
      this.watches.unwatch(payloadUuid);
      // Not a refusal: the proposal keeps collecting until its own deadline.
      await this.changes.request(request.id, payload.cancelled ? 'cancelledAtXaman' : 'expired', actor, {
        details: { source },
      });
      return 'expired';
    }
    if (payload.opened && request.state === 'created') {
      await this.changes.request(request.id, 'opened', actor, { details: { source } });
      return 'opened';
    }
    return 'pending';
  }

  /**
   * The socket said the signer opened the payload: informational, no need to fetch it. Openings
   * that arrive together are recorded together (one unit of work for the batch); a payload no
   * `created` request has is left alone.
   */
  async markOpened(payloadUuid: string): Promise<void> {
    await this.openings.submit(payloadUuid);
  }

  private async acceptBlob(
    request: SignatureRequestRecord,
    proposal: ProposalRecord,
    payload: PayloadView,
    source: PayloadSource,
    actor: Actor,
  ): Promise<'signed' | 'refused' | 'ignored'> {
    const hex = payload.hex!;
    const resolvedAt = this.clock.now();
    // The blob is the evidence; Xaman's own account field is only a cross-check after it.
    const verdict = await this.blobs.verify(request, proposal, hex, payload.multisignAccount);
    if (!verdict.ok) {
      const { code, message, details } = verdict;
      const changed = await this.changes.request(request.id, 'refused', actor, {
        patch: {
          blobHex: hex,
          blobTxid: payload.txid,
          refusalCode: code,
          refusalDetail: message,
          resolvedAt,
        },
        details: { source, refusalCode: code, details, keyFactsLedgerIndex: verdict.keyFactsLedgerIndex },
      });
      if (changed) {
        this.log.warn('signer blob refused', {
          proposalId: proposal.id,
          signer: request.signerAddress,
          refusalCode: code,
          source,
        });
        await this.closing.rejectIfUnreachable(proposal.id, actor);
      }
      return 'refused';
    }
    // The blob proved who signed: a token Xaman issued with it is the signer's; its expiry moved.
    // Not awaited (the resolution does not wait for a gathered refresh; it never rejects).
    void this.tokens.afterSignedPayload(request.signerId, payload.issuedUserToken, actor);

    if (proposal.state !== 'collecting') {
      // Too late to count (already combined, or closed): keep the blob, count nothing.
      await this.changes.request(request.id, 'signed', actor, {
        patch: {
          blobHex: hex,
          blobTxid: payload.txid,
          resolvedAt,
          refusalDetail: `arrived while ${proposal.state}`,
        },
        details: { source, counted: false },
      });
      return 'ignored';
    }
    const counted = await this.blobs.count(
      request,
      proposal,
      { hex, txid: payload.txid },
      verdict.signature,
      'signed',
      { source },
      actor,
    );
    return counted === 'counted' ? 'signed' : 'ignored';
  }
}
