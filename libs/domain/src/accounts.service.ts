import { isValidClassicAddress } from 'ripple-address-codec';
import { DomainError } from './domain.error';
import { AccountFacts, LedgerPort } from './ledger.port';
import { AccountRecord, Actor, SignerRecord } from './records';
import { CoordinatorSettings } from './settings';
import { CoordinatorStore, NewSigner } from './store.port';
import { TokenCipher } from './token-cipher';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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

export function accountView(account: AccountRecord, signers: SignerRecord[]): AccountView {
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

/** Registration of multisig accounts and their signers, always from a validated ledger. */
export class AccountsService {
  constructor(
    private readonly store: CoordinatorStore,
    private readonly ledger: LedgerPort,
    private readonly cipher: TokenCipher,
    private readonly settings: CoordinatorSettings,
  ) {}

  /** Reads the SignerList and each signer's key facts from the validated ledger. */
  private async readSignerSetup(address: string): Promise<{ facts: AccountFacts; signers: NewSigner[] }> {
    const facts = await this.ledger.accountFacts(address);
    if (!facts.exists) {
      throw new DomainError('ACCOUNT_NOT_ON_LEDGER', `${address} does not exist in the validated ledger.`, {
        address,
      });
    }
    if (!facts.signerList) {
      throw new DomainError(
        'ACCOUNT_HAS_NO_SIGNER_LIST',
        `${address} has no SignerList, so it cannot be multisigned.`,
        {
          address,
        },
      );
    }
    const signerFacts = await Promise.all(
      facts.signerList.entries.map((e) => this.ledger.accountFacts(e.account)),
    );
    const signers = facts.signerList.entries.map((entry, i) => {
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
    return { facts, signers };
  }

  async register(
    input: { address: string; network: string; label?: string | null },
    actor: Actor,
  ): Promise<AccountView> {
    if (input.network !== this.settings.network) {
      throw new DomainError(
        'UNKNOWN_NETWORK',
        `This deployment serves the ${this.settings.network} network, not "${input.network}".`,
        { network: input.network, served: this.settings.network },
      );
    }
    if (!isValidClassicAddress(input.address)) {
      throw new DomainError('INVALID_ADDRESS', `"${input.address}" is not a valid XRPL classic address.`, {
        address: input.address,
      });
    }
    const { facts, signers } = await this.readSignerSetup(input.address);
    const account = await this.store.insertAccount(
      {
        network: input.network,
        address: input.address,
        label: input.label ?? null,
        signerQuorum: facts.signerList!.quorum,
        signerListLedgerIndex: facts.ledgerIndex,
        masterDisabled: facts.masterDisabled,
        regularKey: facts.regularKey,
      },
      signers,
      actor,
    );
    return accountView(account, await this.store.signersOf(account.id));
  }

  async get(id: string): Promise<AccountView> {
    const account = await this.find(id);
    return accountView(account, await this.store.signersOf(account.id));
  }

  async list(): Promise<AccountView[]> {
    const accounts = await this.store.listAccounts();
    return Promise.all(accounts.map(async (a) => accountView(a, await this.store.signersOf(a.id))));
  }

  private async find(id: string): Promise<AccountRecord> {
    const account = UUID.test(id) ? await this.store.findAccount(id) : null;
    if (!account)
      throw new DomainError('ACCOUNT_NOT_FOUND', `No registered account ${id}.`, { accountId: id });
    return account;
  }

  /**
   * Re-reads the SignerList and key facts. When they changed, open proposals prepared under the old
   * ones are invalidated: their signatures may no longer count.
   */
  async refresh(
    id: string,
    actor: Actor,
  ): Promise<AccountView & { changed: boolean; invalidatedProposalIds: string[] }> {
    const account = await this.find(id);
    const { facts, signers } = await this.readSignerSetup(account.address);
    const current = await this.store.signersOf(account.id);
    const key = (s: {
      address: string;
      weight: number;
      funded: boolean;
      masterDisabled: boolean;
      regularKey: string | null;
    }) => `${s.address}:${s.weight}:${s.funded}:${s.masterDisabled}:${s.regularKey ?? ''}`;
    const before = current
      .filter((s) => s.inSignerList)
      .map(key)
      .sort()
      .join('|');
    const after = signers.map(key).sort().join('|');
    const changed = before !== after || account.signerQuorum !== facts.signerList!.quorum;
    const { invalidatedProposalIds } = await this.store.replaceSignerSnapshot(
      account.id,
      {
        signerQuorum: facts.signerList!.quorum,
        signerListLedgerIndex: facts.ledgerIndex,
        masterDisabled: facts.masterDisabled,
        regularKey: facts.regularKey,
        signers,
      },
      changed,
      actor,
    );
    return { ...(await this.get(id)), changed, invalidatedProposalIds };
  }

  /** Label and Xaman user_token of a signer (the token is stored encrypted and never shown). */
  async updateSigner(
    id: string,
    address: string,
    input: { label?: string | null; userToken?: string | null },
    actor: Actor,
  ): Promise<AccountView> {
    const account = await this.find(id);
    const signer = (await this.store.signersOf(account.id)).find(
      (s) => s.address === address && s.inSignerList,
    );
    if (!signer) {
      throw new DomainError(
        'SIGNER_NOT_FOUND',
        `${address} is not in the SignerList of account ${account.address}.`,
        {
          address,
        },
      );
    }
    const patch: Parameters<CoordinatorStore['updateSigner']>[1] = {};
    if (input.label !== undefined) patch.label = input.label;
    if (input.userToken !== undefined) {
      if (input.userToken !== null && !UUID.test(input.userToken)) {
        throw new DomainError('INVALID_USER_TOKEN', 'userToken must be a Xaman user_token (a UUID).');
      }
      patch.userTokenCiphertext =
        input.userToken === null ? null : this.cipher.encrypt(input.userToken.toLowerCase());
      patch.userTokenExpiresAt =
        input.userToken === null ? null : new Date(Date.now() + 30 * 24 * 3600 * 1000);
      patch.enrolmentState = input.userToken === null ? 'none' : 'enrolled';
    }
    await this.store.updateSigner(signer.id, patch, actor, {
      action: 'signer.updated',
      entityType: 'signer',
      entityId: signer.id,
      details: {
        address,
        labelChanged: input.label !== undefined,
        userToken: input.userToken === undefined ? 'unchanged' : input.userToken === null ? 'removed' : 'set',
      },
    });
    return this.get(id);
  }
}
