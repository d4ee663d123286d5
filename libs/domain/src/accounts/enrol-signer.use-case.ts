import { randomUUID } from 'node:crypto';
import { UnitOfWork } from '../ports/unit-of-work';
import { XamanPort } from '../ports/xaman.port';
import { CoordinatorSettings, forceNetworkOf } from '../settings';
import { Actor } from '../shared/actor';
import { Clock } from '../shared/clock';
import { DomainLogger } from '../shared/logger';
import { PayloadWatches } from '../proposals/payload-watches';
import { AccountQueries } from './account.queries';
import { SignerTokens } from './signer-tokens';

export interface EnrolmentInvitation {
  state: 'pending';
  payloadUuid: string;
  pushed: boolean;
  signLink: string;
  qrPng: string | null;
  deepLink: string;
  expiresAt: Date;
}

/**
 * Invites a listed signer to enrol: a Xaman SignIn payload (pushed when the signer already has a live
 * token). When it resolves, `ResolveEnrolment` proves who signed before storing the issued token. A
 * new enrolment replaces an open one (its payload is withdrawn).
 */
export class EnrolSigner {
  constructor(
    private readonly queries: AccountQueries,
    private readonly uow: UnitOfWork,
    private readonly xaman: XamanPort,
    private readonly tokens: SignerTokens,
    private readonly watches: PayloadWatches,
    private readonly clock: Clock,
    private readonly settings: CoordinatorSettings,
    private readonly log: DomainLogger,
  ) {}

  async execute(accountId: string, address: string, actor: Actor): Promise<EnrolmentInvitation> {
    const { account, signer } = await this.queries.listedSigner(accountId, address);
    const userToken = await this.tokens.tokenForPush(signer, actor);
    const created = await this.xaman.createSignIn({
      identifier: `enrol-${randomUUID().replace(/-/g, '')}`.slice(0, 40),
      expireMinutes: this.settings.enrolmentExpireMinutes,
      userToken,
      instruction: `Sign in with ${address} to enrol as a signer of ${account.label ?? account.address}`,
      forceNetwork: forceNetworkOf(this.settings, account.network),
      blob: { accountId: account.id, signer: address },
    });
    const expiresAt = new Date(this.clock.now().getTime() + this.settings.enrolmentExpireMinutes * 60_000);
    const replaced = signer.enrolmentState === 'pending' ? signer.enrolmentPayloadUuid : null;
    await this.uow.run(async (tx) => {
      await tx.accounts.updateSigner(signer.id, {
        enrolmentState: 'pending',
        enrolmentPayloadUuid: created.uuid,
        enrolmentSignLink: created.signLink,
        enrolmentQrPng: created.qrPng,
        enrolmentExpiresAt: expiresAt,
        enrolmentRefusalCode: null,
        enrolmentRefusalDetail: null,
      });
      await tx.audit.append(actor, {
        action: 'signer.enrolment_requested',
        entityType: 'signer',
        entityId: signer.id,
        details: { accountId: account.id, address, payloadUuid: created.uuid, pushed: created.pushed },
      });
    });
    this.watches.watch(created.uuid);
    if (replaced) {
      this.watches.unwatch(replaced);
      await this.xaman
        .cancelPayload(replaced)
        .catch((error: unknown) =>
          this.log.warn('replaced enrolment payload not cancelled', { address, error: String(error) }),
        );
    }
    this.log.info('signer enrolment requested', { accountId: account.id, address, pushed: created.pushed });
    return {
      state: 'pending',
      payloadUuid: created.uuid,
      pushed: created.pushed,
      signLink: created.signLink,
      qrPng: created.qrPng,
      deepLink: this.xaman.deepLinkFor(created.uuid),
      expiresAt,
    };
  }
}
