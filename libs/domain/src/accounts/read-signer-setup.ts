import { DomainError } from '../errors/domain.error';
import { AccountFacts, LedgerPort, SignerListFacts } from '../ports/ledger.port';
import { NewSigner } from '../ports/account.repository';

/** The account's SignerList and each signer's key facts, from the validated ledger. */
export async function readSignerSetup(
  ledger: LedgerPort,
  address: string,
): Promise<{ facts: AccountFacts; signerList: SignerListFacts; signers: NewSigner[] }> {
  const facts = await ledger.accountFacts(address);
  if (!facts.exists) {
    throw new DomainError('ACCOUNT_NOT_ON_LEDGER', `${address} does not exist in the validated ledger.`, {
      address,
    });
  }
  const signerList = facts.signerList;
  if (!signerList) {
    throw new DomainError(
      'ACCOUNT_HAS_NO_SIGNER_LIST',
      `${address} has no SignerList, so it cannot be multisigned.`,
      {
        address,
      },
    );
  }
  const signerFacts = await Promise.all(signerList.entries.map((e) => ledger.accountFacts(e.account)));
  const signers = signerList.entries.map((entry, i) => {
    const f = signerFacts[i]!;
    return {
      address: entry.account,
      weight: entry.weight,
      funded: f.exists,
      masterDisabled: f.masterDisabled,
      regularKey: f.regularKey,
      keyFactsLedgerIndex: f.ledgerIndex,
    };
  });
  return { facts, signerList, signers };
}
