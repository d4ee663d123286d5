import { AccountWithSigners } from '@app/domain';

/** What the account routes answer: the SignerList snapshot and each listed signer (never a token). */
export interface AccountView {
  id: string;
  network: string;
  address: string;
  label: string | null;
  signerList: { quorum: number; ledgerIndex: number; readAt: Date };
  signers: {
    address: string;
    weight: number;
    label: string | null;
    inSignerList: boolean;
    hasUserToken: boolean;
    userTokenExpiresAt: Date | null;
    keyFacts: { funded: boolean; masterDisabled: boolean; regularKey: string | null; ledgerIndex: number };
  }[];
  createdAt: Date;
  updatedAt: Date;
}

export function accountView({ account, signers }: AccountWithSigners): AccountView {
  return {
    id: account.id,
    network: account.network,
    address: account.address,
    label: account.label,
    signerList: {
      quorum: account.signerQuorum,
      ledgerIndex: account.signerListLedgerIndex,
      readAt: account.signerListReadAt,
    },
    signers: signers
      .filter((s) => s.inSignerList)
      .map((s) => ({
        address: s.address,
        weight: s.weight,
        label: s.label,
        inSignerList: s.inSignerList,
        hasUserToken: s.userTokenCiphertext !== null,
        userTokenExpiresAt: s.userTokenExpiresAt,
        keyFacts: {
          funded: s.funded,
          masterDisabled: s.masterDisabled,
          regularKey: s.regularKey,
          ledgerIndex: s.keyFactsLedgerIndex,
        },
      })),
    createdAt: account.createdAt,
    updatedAt: account.updatedAt,
  };
}
