import { DomainError } from '../errors/domain.error';
import { SignerPatch } from '../ports/account.repository';
import { UnitOfWork } from '../ports/unit-of-work';
import { Actor } from '../shared/actor';
import { Clock } from '../shared/clock';
import { TokenCipher } from '../shared/token-cipher';
import { AccountQueries } from './account.queries';
import { SignerTokens } from './signer-tokens';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A signer's label and Xaman user_token (stored encrypted; never returned or logged). */
export class UpdateSigner {
  constructor(
    private readonly queries: AccountQueries,
    private readonly uow: UnitOfWork,
    private readonly cipher: TokenCipher,
    private readonly tokens: SignerTokens,
    private readonly clock: Clock,
  ) {}

  async execute(
    accountId: string,
    address: string,
    input: { label?: string | null; userToken?: string | null },
    actor: Actor,
  ): Promise<void> {
    const { signer } = await this.queries.listedSigner(accountId, address);
    const patch: SignerPatch = {};
    if (input.label !== undefined) patch.label = input.label;
    if (input.userToken !== undefined) {
      if (input.userToken !== null && !UUID.test(input.userToken)) {
        throw new DomainError('INVALID_USER_TOKEN', 'userToken must be a Xaman user_token (a UUID).');
      }
      patch.userTokenCiphertext =
        input.userToken === null ? null : this.cipher.encrypt(input.userToken.toLowerCase());
      // Xaman's own expiry (it moves with every signed payload); unknown until Xaman answers.
      patch.userTokenExpiresAt =
        input.userToken === null ? null : await this.tokens.expiryOf(input.userToken.toLowerCase());
      patch.userTokenCheckedAt = patch.userTokenExpiresAt ? this.clock.now() : null;
      patch.tokenWarnedExpiry = null;
      patch.enrolmentState = input.userToken === null ? 'none' : 'enrolled';
    }
    await this.uow.run(async (tx) => {
      await tx.accounts.updateSigner(signer.id, patch);
      await tx.audit.append(actor, {
        action: 'signer.updated',
        entityType: 'signer',
        entityId: signer.id,
        details: {
          address,
          labelChanged: input.label !== undefined,
          userToken:
            input.userToken === undefined ? 'unchanged' : input.userToken === null ? 'removed' : 'set',
        },
      });
    });
  }
}
