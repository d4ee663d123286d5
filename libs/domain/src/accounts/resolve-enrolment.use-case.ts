import { AccountRepository, SignerPatch } from '../ports/account.repository';
import { UnitOfWork } from '../ports/unit-of-work';
import { PayloadView, XamanApiError, XamanPort } from '../ports/xaman.port';
import { SignerRecord } from '../records';
import { Actor, XAMAN_ACTOR } from '../shared/actor';
import { Clock } from '../shared/clock';
import { DomainLogger } from '../shared/logger';
import { TokenCipher } from '../shared/token-cipher';
import { PayloadWatches } from '../proposals/payload-watches';
import type { PayloadSource, ResolveOutcome } from '../proposals/resolve-payload.use-case';
import { SignerKeys } from '../proposals/signer-keys';
import { proveSignIn } from './sign-in-proof';
import { SignerTokens } from './signer-tokens';

/**
 * Acts on a resolved enrolment (SignIn payload), re-read from the Xaman API. Only a SignIn proven
 * to be signed by the signer's account, with a key the latest validated ledger lets sign for it,
 * stores the issued user_token (encrypted, with Xaman's expiry). A refused enrolment stores nothing
 * and keeps its reason on the signer.
 */
export class ResolveEnrolment {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly uow: UnitOfWork,
    private readonly xaman: XamanPort,
    private readonly signerKeys: SignerKeys,
    private readonly cipher: TokenCipher,
    private readonly tokens: SignerTokens,
    private readonly watches: PayloadWatches,
    private readonly clock: Clock,
    private readonly log: DomainLogger,
  ) {}

  async execute(
    payloadUuid: string,
    source: PayloadSource,
    actor: Actor = XAMAN_ACTOR,
  ): Promise<ResolveOutcome> {
    const signer = await this.accounts.findSignerByEnrolmentPayload(payloadUuid);
    if (!signer) return 'unknown';
    if (signer.enrolmentState !== 'pending' || signer.enrolmentPayloadUuid !== payloadUuid) {
      this.watches.unwatch(payloadUuid);
      return 'ignored';
    }
    let payload: PayloadView;
    try {
      payload = await this.xaman.getPayload(payloadUuid);
    } catch (error) {
      if (!(error instanceof XamanApiError) || error.xamanCode !== 404) throw error;
      await this.settle(signer, payloadUuid, this.unenrolled(signer), actor, 'signer.enrolment_expired', {
        source,
      });
      return 'expired';
    }
    if (payload.resolved && payload.signed) {
      if (!payload.hex) return 'pending';
      this.watches.unwatch(payloadUuid);
      return this.prove(signer, payload, source, actor);
    }
    if (payload.resolved) {
      this.watches.unwatch(payloadUuid);
      await this.refuse(
        signer,
        payloadUuid,
        'ENROLMENT_REJECTED',
        'The signer rejected the SignIn.',
        source,
        actor,
      );
      return 'rejected';
    }
    if (payload.expired || payload.cancelled) {
      if (payload.opened && !payload.cancelled) return 'pending';
      this.watches.unwatch(payloadUuid);
      await this.settle(signer, payloadUuid, this.unenrolled(signer), actor, 'signer.enrolment_expired', {
        source,
      });
      return 'expired';
    }
    return payload.opened ? 'opened' : 'pending';
  }

  /** Worker: re-reads pending enrolments (the polling fallback of webhooks and sockets). */
  async pollPending(limit = 50): Promise<number> {
    const pending = await this.accounts.pendingEnrolments(limit);
    for (const signer of pending) {
      if (!signer.enrolmentPayloadUuid) continue;
      try {
        await this.execute(signer.enrolmentPayloadUuid, 'poll');
      } catch (error) {
        this.log.warn('enrolment poll failed', { signerId: signer.id, error: String(error) });
      }
    }
    return pending.length;
  }

  private async prove(
    signer: SignerRecord,
    payload: PayloadView,
    source: PayloadSource,
    actor: Actor,
  ): Promise<ResolveOutcome> {
    const facts = await this.signerKeys.factsOfOne(signer.accountId, signer.address);
    const proof = proveSignIn(payload.hex!, signer.address, payload.account, facts);
    if (!proof.ok) {
      await this.refuse(signer, payload.uuid, proof.code, proof.message, source, actor);
      return 'refused';
    }
    if (payload.issuedUserToken === null) return 'pending'; // not readable yet: the next signal retries
    const token = payload.issuedUserToken.toLowerCase();
    const expiresAt = await this.tokens.expiryOf(token);
    const now = this.clock.now();
    const stored = await this.settle(
      signer,
      payload.uuid,
      {
        userTokenCiphertext: this.cipher.encrypt(token),
        userTokenExpiresAt: expiresAt,
        userTokenCheckedAt: expiresAt ? now : null,
        tokenWarnedExpiry: null,
        enrolmentState: 'enrolled',
        enrolledAt: now,
        enrolmentRefusalCode: null,
        enrolmentRefusalDetail: null,
      },
      actor,
      'signer.enrolled',
      { source, keyType: proof.keyType, expiresAt: expiresAt?.toISOString() ?? null },
    );
    if (stored) this.log.info('signer enrolled', { signerId: signer.id, address: signer.address });
    return stored ? 'signed' : 'ignored';
  }

  private async refuse(
    signer: SignerRecord,
    payloadUuid: string,
    code: string,
    message: string,
    source: PayloadSource,
    actor: Actor,
  ): Promise<void> {
    const refused = await this.settle(
      signer,
      payloadUuid,
      { ...this.unenrolled(signer), enrolmentRefusalCode: code, enrolmentRefusalDetail: message },
      actor,
      'signer.enrolment_refused',
      { source, refusalCode: code },
    );
    if (refused) this.log.warn('signer enrolment refused', { signerId: signer.id, refusalCode: code });
  }

  /** Back to what the signer had before this enrolment (its token, if any, is kept). */
  private unenrolled(signer: SignerRecord): SignerPatch {
    return { enrolmentState: signer.userTokenCiphertext !== null ? 'enrolled' : 'none' };
  }

  private settle(
    signer: SignerRecord,
    payloadUuid: string,
    patch: SignerPatch,
    actor: Actor,
    action: string,
    details: Record<string, unknown>,
  ): Promise<boolean> {
    return this.uow.run(async (tx) => {
      if (!(await tx.accounts.settleEnrolment(signer.id, payloadUuid, patch))) return false;
      await tx.audit.append(actor, {
        action,
        entityType: 'signer',
        entityId: signer.id,
        details: { accountId: signer.accountId, address: signer.address, payloadUuid, ...details },
      });
      return true;
    });
  }
}
