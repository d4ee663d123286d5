import { isValidClassicAddress } from 'ripple-address-codec';
import { DomainError } from '../errors/domain.error';
import { AccountFacts } from '../ports/ledger.port';

export interface SignerListChange {
  quorum: number;
  signers: { address: string; weight: number }[];
}

/** rippled's limit on SignerList entries. */
export const MAX_SIGNER_ENTRIES = 32;

/**
 * rippled's SignerListSet rules, checked before anything is prepared, each failure with its own code:
 * 1 to 32 entries, no duplicates, not the account itself, each weight 1..65535, quorum at least 1
 * and at most the sum of the weights. Quorum 0 with no entries removes the list: only while the
 * account keeps a usable master key or a RegularKey (else it could never sign again).
 */
export function checkSignerListChange(
  change: SignerListChange,
  account: Pick<AccountFacts, 'address' | 'masterDisabled' | 'regularKey'>,
): void {
  const { quorum, signers } = change;
  if (quorum === 0 && signers.length === 0) {
    if (account.masterDisabled && account.regularKey === null) {
      throw new DomainError(
        'SIGNER_LIST_REMOVAL_NO_KEY',
        'Removing the SignerList would leave the account no way to sign: its master key is disabled and it has no RegularKey.',
        { address: account.address },
      );
    }
    return;
  }
  if (signers.length < 1 || signers.length > MAX_SIGNER_ENTRIES) {
    throw new DomainError(
      'SIGNER_LIST_SIZE',
      `A SignerList has 1 to ${MAX_SIGNER_ENTRIES} entries (quorum 0 with none removes it).`,
      { entries: signers.length },
    );
  }
  for (const signer of signers) {
    if (!isValidClassicAddress(signer.address)) {
      throw new DomainError('INVALID_ADDRESS', `"${signer.address}" is not a valid XRPL classic address.`, {
        address: signer.address,
      });
    }
  }
  const seen = new Set<string>();
  for (const { address } of signers) {
    if (seen.has(address)) {
      throw new DomainError('SIGNER_LIST_DUPLICATE', `${address} is listed twice.`, { address });
    }
    seen.add(address);
  }
  if (seen.has(account.address)) {
    throw new DomainError('SIGNER_LIST_INCLUDES_ACCOUNT', 'The account cannot be one of its own signers.', {
      address: account.address,
    });
  }
  const badWeight = signers.find((s) => !Number.isInteger(s.weight) || s.weight < 1 || s.weight > 0xffff);
  if (badWeight) {
    throw new DomainError('SIGNER_WEIGHT_INVALID', 'Each weight is a whole number from 1 to 65535.', {
      address: badWeight.address,
      weight: badWeight.weight,
    });
  }
  if (!Number.isInteger(quorum) || quorum < 1 || quorum > 0xffffffff) {
    throw new DomainError('SIGNER_QUORUM_INVALID', 'The quorum is a whole number of at least 1.', { quorum });
  }
  const total = signers.reduce((sum, s) => sum + s.weight, 0);
  if (quorum > total) {
    throw new DomainError(
      'SIGNER_QUORUM_UNREACHABLE',
      `The quorum ${quorum} is more than the signers' total weight ${total}.`,
      { quorum, totalWeight: total },
    );
  }
}

/** The SignerListSet template for a checked change. */
export function signerListSetTemplate(change: SignerListChange): Record<string, unknown> {
  return change.quorum === 0
    ? { TransactionType: 'SignerListSet', SignerQuorum: 0 }
    : {
        TransactionType: 'SignerListSet',
        SignerQuorum: change.quorum,
        SignerEntries: change.signers.map((s) => ({
          SignerEntry: { Account: s.address, SignerWeight: s.weight },
        })),
      };
}
