import { decode } from 'ripple-binary-codec';
import { DomainError } from '../errors/domain.error';
import { ErrorCode } from '../errors/error-codes';
import { ProposalRepository } from '../ports/proposal.repository';
import { UnitOfWork } from '../ports/unit-of-work';
import { XamanPort } from '../ports/xaman.port';
import { SignatureRequestRecord } from '../records';
import { Actor } from '../shared/actor';
import { DomainLogger } from '../shared/logger';
import { REQUEST_TRANSITIONS, RequestState } from '../state/proposal-state';
import { PayloadWatches } from './payload-watches';
import { SignerBlobs } from './signer-blob';

/** The `Signer.Account` a multisigned blob names, or null when the blob does not say. */
function namedSigner(hex: string): string | null {
  try {
    const tx = decode(hex) as { Signers?: { Signer?: { Account?: unknown } }[] };
    const account = tx.Signers?.[0]?.Signer?.Account;
    return typeof account === 'string' ? account : null;
  } catch {
    return null;
  }
}

/**
 * A signer outside Xaman (hardware wallet, command-line signer) sends its signed blob. It goes
 * through exactly the blob rules a Xaman blob goes through (`SignerBlobs`), and counts the same way;
 * the upload and who made it are audited. A refused upload changes nothing (anyone holding a
 * proposer key could otherwise spoil a signer's request): it answers the rule's code, and is audited.
 */
export class UploadSignature {
  constructor(
    private readonly proposals: ProposalRepository,
    private readonly uow: UnitOfWork,
    private readonly blobs: SignerBlobs,
    private readonly xaman: XamanPort,
    private readonly watches: PayloadWatches,
    private readonly log: DomainLogger,
  ) {}

  async execute(proposalId: string, blobHex: string, actor: Actor): Promise<{ signer: string }> {
    const proposal = await this.proposals.find(proposalId);
    if (!proposal) {
      throw new DomainError('PROPOSAL_NOT_FOUND', `No proposal ${proposalId}.`, { proposalId });
    }
    if (proposal.state !== 'collecting') {
      throw new DomainError(
        'PROPOSAL_NOT_COLLECTING',
        `The proposal is ${proposal.state}: signatures count only while it is collecting.`,
        { proposalId, state: proposal.state },
      );
    }
    const requests = await this.proposals.requestsOf(proposal.id);
    // The blob names its signer; a blob that names none fails the structural rules for any signer.
    const signer = namedSigner(blobHex) ?? proposal.signerListSnapshot.entries[0]!.account;
    const hex = blobHex.toUpperCase();
    const verdict = await this.blobs.verify({ signerAddress: signer }, proposal, hex);
    if (!verdict.ok) {
      await this.uow.run((tx) =>
        tx.audit.append(actor, {
          action: 'signature.upload_refused',
          entityType: 'proposal',
          entityId: proposal.id,
          details: { signer, refusalCode: verdict.code, uploadedBy: actor.id },
        }),
      );
      this.log.warn('uploaded signer blob refused', { proposalId, signer, refusalCode: verdict.code });
      throw new DomainError(verdict.code as ErrorCode, verdict.message, {
        signer,
        ...(verdict.details !== undefined ? { details: verdict.details } : {}),
      });
    }
    const request = latestRequestOf(requests, signer);
    const canSign = (REQUEST_TRANSITIONS.signedByUpload.from as readonly RequestState[]).includes(
      request.state,
    );
    if (!canSign) {
      throw new DomainError(
        'SIGNER_ALREADY_ANSWERED',
        `${signer} already answered this proposal (${request.state}).`,
        {
          signer,
          state: request.state,
        },
      );
    }
    const counted = await this.blobs.count(
      request,
      proposal,
      { hex, txid: null },
      verdict.signature,
      'signedByUpload',
      { source: 'upload', uploadedBy: actor.id },
      actor,
    );
    if (counted === 'notStored') {
      throw new DomainError('SIGNER_ALREADY_ANSWERED', `${signer} answered this proposal meanwhile.`, {
        signer,
      });
    }

    // The signer answered outside Xaman: its payload must not be signed as well.
    if (request.xamanPayloadUuid !== null && (request.state === 'created' || request.state === 'opened')) {
      this.watches.unwatch(request.xamanPayloadUuid);
      await this.xaman.cancelPayload(request.xamanPayloadUuid).catch((error: unknown) =>
        this.log.warn('payload of an uploaded signature not cancelled', {
          proposalId,
          signer,
          error: String(error),
        }),
      );
    }
    if (counted === 'tooLate') {
      // The proposal left collecting between the check above and the write: the blob is kept on
      // the signed request (its payload withdrawn above), it counts for nothing.
      throw new DomainError(
        'PROPOSAL_NOT_COLLECTING',
        'The proposal left collecting while the signature was being stored: it counts for nothing.',
        { proposalId, signer },
      );
    }
    return { signer };
  }
}

function latestRequestOf(requests: SignatureRequestRecord[], signer: string): SignatureRequestRecord {
  const mine = requests.filter((r) => r.signerAddress === signer).sort((a, b) => b.attempt - a.attempt);
  // verify() passed, so the signer is in the proposal's SignerList and has a request.
  if (!mine[0]) throw new Error(`No sign request for ${signer} on a proposal it may sign`);
  return mine[0];
}
