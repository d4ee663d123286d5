import { webhookEvent } from '../webhooks/webhook-events';
import { isValidClassicAddress } from 'ripple-address-codec';
import { DomainError } from '../errors/domain.error';
import { AccountRepository } from '../ports/account.repository';
import { AccountLedgers } from '../shared/account-ledgers';
import { UnitOfWork } from '../ports/unit-of-work';
import { AccountRecord } from '../records';
import { Actor } from '../shared/actor';
import { Clock } from '../shared/clock';
import { readSignerSetup } from './read-signer-setup';

/** Registers a multisig account: its SignerList and signers' key facts are read from a validated ledger. */
export class RegisterAccount {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly uow: UnitOfWork,
    private readonly ledgers: AccountLedgers,
    private readonly clock: Clock,
  ) {}

  async execute(
    input: { address: string; network: string; label?: string | null },
    actor: Actor,
  ): Promise<AccountRecord> {
    const ledger = this.ledgers.forNetwork(input.network); // UNKNOWN_NETWORK lists the served ones
    if (!isValidClassicAddress(input.address)) {
      throw new DomainError('INVALID_ADDRESS', `"${input.address}" is not a valid XRPL classic address.`, {
        address: input.address,
      });
    }
    const { facts, signerList, signers } = await readSignerSetup(ledger, input.address);
    const account = await this.uow.run(async (tx) => {
      const saved = await tx.accounts.insert(
        {
          network: input.network,
          address: input.address,
          label: input.label ?? null,
          signerQuorum: signerList.quorum,
          signerListLedgerIndex: facts.ledgerIndex,
          // What the account sent up to the ledger it was registered from is its past: the scan
          // for transactions outside the service starts after it.
          txScanLedgerIndex: facts.ledgerIndex,
          masterDisabled: facts.masterDisabled,
          regularKey: facts.regularKey,
        },
        signers,
        this.clock.now(),
      );
      if (saved) {
        await tx.audit.append(actor, {
          action: 'account.registered',
          entityType: 'account',
          entityId: saved.id,
          details: {
            address: input.address,
            network: input.network,
            quorum: signerList.quorum,
            signers: signers.length,
          },
        });
        await tx.outbox.emit(
          webhookEvent(
            'account.registered',
            saved.id,
            {
              accountId: saved.id,
              address: input.address,
              network: input.network,
              quorum: signerList.quorum,
              signers: signerList.entries,
            },
            this.clock.now(),
          ),
        );
      }
      return saved;
    });
    if (!account) {
      throw new DomainError(
        'ACCOUNT_ALREADY_REGISTERED',
        `${input.address} is already registered on ${input.network}.`,
        {
          address: input.address,
        },
      );
    }
    return account;
  }
}
