import { deriveAddress } from 'ripple-keypairs';
import { SignerFacts } from '@app/multisign';
import { AccountLedgers } from '../shared/account-ledgers';
import { SignatureRecord } from '../records';

export interface LiveSignerFacts extends SignerFacts {
  ledgerIndex: number;
}

/**
 * A signer's keys as the latest validated ledger has them (master key disabled? current RegularKey?
 * funded?), read when a blob is counted and again before combining. Cached per validated ledger
 * index: many signatures in one ledger interval cost one `ledger` call plus one `account_info` per
 * signer.
 */
export class SignerKeys {
  private readonly cache = new Map<string, LiveSignerFacts>();

  constructor(private readonly ledgers: AccountLedgers) {}

  /**
   * The signers' keys on the ledger of the network of `accountId`, the account they sign for, as of
   * the latest validated ledger (`validatedLedgerIndex`: its index when the caller just read it).
   */
  async factsOf(
    accountId: string,
    addresses: readonly string[],
    validatedLedgerIndex?: number,
  ): Promise<Map<string, LiveSignerFacts>> {
    const network = await this.ledgers.networkOf(accountId);
    const ledger = this.ledgers.forNetwork(network);
    const validated = validatedLedgerIndex ?? (await ledger.validatedLedgerIndex());
    const result = new Map<string, LiveSignerFacts>();
    await Promise.all(
      addresses.map(async (address) => {
        const cached = this.cache.get(`${network}:${address}`);
        if (cached && cached.ledgerIndex >= validated) {
          result.set(address, cached);
          return;
        }
        const facts = await ledger.accountFacts(address);
        const live: LiveSignerFacts = {
          funded: facts.exists,
          masterDisabled: facts.masterDisabled,
          regularKey: facts.regularKey,
          ledgerIndex: facts.ledgerIndex,
        };
        if (this.cache.size > 10_000) this.cache.clear();
        this.cache.set(`${network}:${address}`, live);
        result.set(address, live);
      }),
    );
    return result;
  }

  async factsOfOne(accountId: string, address: string): Promise<LiveSignerFacts> {
    return (await this.factsOf(accountId, [address])).get(address)!;
  }
}

/**
 * Would rippled still accept this stored signature's key for its signer (rule 6)? The master key
 * unless the signer disabled it; a regular key only while it is the signer's current RegularKey of a
 * funded account.
 */
export function keyStillAuthorised(
  signature: Pick<SignatureRecord, 'signerAddress' | 'signingPubKey' | 'keyType'>,
  facts: SignerFacts,
):
  | { ok: true }
  | { ok: false; code: 'SIGNER_MASTER_DISABLED' | 'SIGNER_KEY_NOT_AUTHORISED'; message: string } {
  if (signature.keyType === 'master') {
    return facts.funded && facts.masterDisabled
      ? {
          ok: false,
          code: 'SIGNER_MASTER_DISABLED',
          message: 'The signer disabled the master key it signed with.',
        }
      : { ok: true };
  }
  const keyAccount = deriveAddress(signature.signingPubKey);
  return facts.funded && facts.regularKey === keyAccount
    ? { ok: true }
    : {
        ok: false,
        code: 'SIGNER_KEY_NOT_AUTHORISED',
        message: `The signer's RegularKey is no longer the key it signed with (${keyAccount}).`,
      };
}
