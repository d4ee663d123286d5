import { verifySignerBlob, VerifiedSignature } from '@app/multisign';
import { ProposalRecord, SignatureRequestRecord } from '../records';
import { Actor } from '../shared/actor';
import { Clock } from '../shared/clock';
import { DomainLogger } from '../shared/logger';
import { StateChanges } from '../state/state-changes';
import { CombineAndSubmit } from './combine-and-submit.use-case';
import { preparedOf, signerListOf } from './prepared';
import { SignerKeys } from './signer-keys';

export type BlobVerdict =
  | { ok: true; signature: VerifiedSignature; keyFactsLedgerIndex: number }
  | { ok: false; code: string; message: string; details?: unknown; keyFactsLedgerIndex: number };

/** Where a signer blob came from: a Xaman payload (one of three signals) or an upload by an operator. */
export type BlobSource = 'webhook' | 'websocket' | 'poll' | 'upload';

/**
 * The blob rules, one place for every path a signer blob arrives by (a Xaman payload, or an upload
 * from a signer outside Xaman): rules 1-7 of @app/multisign with the signer's keys as the latest
 * validated ledger has them, then counting the signature (stored with its request, atomically) and
 * trying the combine. The callers decide only what a refusal does to their request.
 */
export class SignerBlobs {
  constructor(
    private readonly changes: StateChanges,
    private readonly signerKeys: SignerKeys,
    private readonly combining: CombineAndSubmit,
    private readonly clock: Clock,
    private readonly log: DomainLogger,
  ) {}

  /**
   * Rules 1-7 for `request`'s signer. `reportedSigner`: who the channel says signed (Xaman's
   * `multisign_account`), only a cross-check after the blob itself passed.
   */
  async verify(
    request: Pick<SignatureRequestRecord, 'signerAddress'>,
    proposal: ProposalRecord,
    hex: string,
    reportedSigner: string | null = null,
  ): Promise<BlobVerdict> {
    // Rule 6 with the keys the latest validated ledger has, not those seen at registration.
    const signerFacts = await this.signerKeys.factsOfOne(proposal.accountId, request.signerAddress);
    const verdict = verifySignerBlob(preparedOf(proposal), hex, request.signerAddress, {
      signerList: signerListOf(proposal.signerListSnapshot),
      signerFacts,
    });
    const keyFactsLedgerIndex = signerFacts.ledgerIndex;
    if (!verdict.ok) {
      return {
        ok: false,
        code: verdict.code,
        message: verdict.message,
        details: verdict.details,
        keyFactsLedgerIndex,
      };
    }
    if (reportedSigner !== null && reportedSigner !== request.signerAddress) {
      return {
        ok: false,
        code: 'XAMAN_SIGNER_MISMATCH',
        message: `Xaman reports the blob as signed by ${reportedSigner}, not ${request.signerAddress}.`,
        keyFactsLedgerIndex,
      };
    }
    return { ok: true, signature: verdict.signature, keyFactsLedgerIndex };
  }

  /**
   * Counts a verified signature of a collecting proposal: the request becomes `signed` by
   * `transition` and the signature is stored, atomically; the signature that completes the quorum
   * claims it in the same unit of work, and only its caller combines (once per proposal).
   * `stored`: false when the request had already moved on; `counted`: false when the proposal had
   * left collecting meanwhile (the blob is kept on the signed request, nothing counts).
   */
  async count(
    request: SignatureRequestRecord,
    proposal: ProposalRecord,
    blob: { hex: string; txid: string | null },
    signature: VerifiedSignature,
    transition: 'signed' | 'signedByUpload',
    audit: Record<string, unknown>,
    actor: Actor,
  ): Promise<'counted' | 'tooLate' | 'notStored'> {
    const outcome = await this.changes.signatureAccepted(
      request,
      { blobHex: blob.hex, blobTxid: blob.txid, resolvedAt: this.clock.now() },
      {
        signerAddress: signature.account,
        signingPubKey: signature.signingPubKey,
        txnSignature: signature.txnSignature,
        keyType: signature.keyType,
        weight: signature.weight,
      },
      actor,
      transition,
      audit,
    );
    if (!outcome.stored) return 'notStored';
    if (!outcome.counted) return 'tooLate';
    this.log.info('signature verified and stored', {
      proposalId: proposal.id,
      signer: signature.account,
      keyType: signature.keyType,
      ...audit,
    });
    if (!outcome.quorumClaimed) return 'counted';
    // The signature is safe in the database and the quorum claimed: a failure from here on is the
    // worker's to recover (it resumes stale claims), not the caller's to retry.
    try {
      await this.combining.combineClaimed(proposal.id, actor, outcome.quorumClaimed);
    } catch (error) {
      this.log.warn('combine after a signature failed; the worker will retry', {
        proposalId: proposal.id,
        error: String(error),
      });
    }
    return 'counted';
  }
}
