import { alice, bob, carol, treasury } from '../../test/domain.fixtures';
import { DomainError } from '../errors/domain.error';
import { checkSignerListChange, SignerListChange, signerListSetTemplate } from './signer-list-rules';

const account: { address: string; masterDisabled: boolean; regularKey: string | null } = {
  address: treasury.classicAddress,
  masterDisabled: true,
  regularKey: null,
};
const two = [
  { address: alice.classicAddress, weight: 1 },
  { address: bob.classicAddress, weight: 1 },
];
const codeOf = (change: SignerListChange, facts = account): string | null => {
  try {
    checkSignerListChange(change, facts);
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return (error as DomainError).code;
  }
};

describe('SignerListSet rules (checkSignerListChange)', () => {
  it.each<[string, SignerListChange, string]>([
    ['no entries with a quorum', { quorum: 1, signers: [] }, 'SIGNER_LIST_SIZE'],
    [
      'more than 32 entries',
      {
        quorum: 1,
        signers: Array.from({ length: 33 }, (_, i) => ({ address: `r${'x'.repeat(i)}`, weight: 1 })),
      },
      'SIGNER_LIST_SIZE',
    ],
    ['a malformed address', { quorum: 1, signers: [{ address: 'rNope', weight: 1 }] }, 'INVALID_ADDRESS'],
    ['a duplicate', { quorum: 1, signers: [two[0]!, two[0]!] }, 'SIGNER_LIST_DUPLICATE'],
    [
      'the account itself',
      { quorum: 1, signers: [...two, { address: treasury.classicAddress, weight: 1 }] },
      'SIGNER_LIST_INCLUDES_ACCOUNT',
    ],
    ['a weight of 0', { quorum: 1, signers: [{ ...two[0]!, weight: 0 }, two[1]!] }, 'SIGNER_WEIGHT_INVALID'],
    [
      'a weight above 65535',
      { quorum: 1, signers: [{ ...two[0]!, weight: 70_000 }] },
      'SIGNER_WEIGHT_INVALID',
    ],
    ['quorum 0 with entries', { quorum: 0, signers: two }, 'SIGNER_QUORUM_INVALID'],
    ['a fractional quorum', { quorum: 1.5, signers: two }, 'SIGNER_QUORUM_INVALID'],
    ['a quorum above the total weight', { quorum: 3, signers: two }, 'SIGNER_QUORUM_UNREACHABLE'],
    ['removal with no other key', { quorum: 0, signers: [] }, 'SIGNER_LIST_REMOVAL_NO_KEY'],
  ])('refuses %s', (_case, change, code) => {
    expect(codeOf(change)).toBe(code);
  });

  it('accepts a reachable list, and removal while a master key or RegularKey remains', () => {
    expect(codeOf({ quorum: 2, signers: [...two, { address: carol.classicAddress, weight: 1 }] })).toBeNull();
    expect(codeOf({ quorum: 0, signers: [] }, { ...account, masterDisabled: false })).toBeNull();
    expect(codeOf({ quorum: 0, signers: [] }, { ...account, regularKey: carol.classicAddress })).toBeNull();
  });

  it('writes the SignerListSet template', () => {
    expect(signerListSetTemplate({ quorum: 2, signers: two })).toEqual({
      TransactionType: 'SignerListSet',
      SignerQuorum: 2,
      SignerEntries: two.map((s) => ({ SignerEntry: { Account: s.address, SignerWeight: 1 } })),
    });
    expect(signerListSetTemplate({ quorum: 0, signers: [] })).toEqual({
      TransactionType: 'SignerListSet',
      SignerQuorum: 0,
    });
  });
});
