import { isValidClassicAddress } from 'ripple-address-codec';
import { DomainError } from '../../errors/domain.error';
import { AccountRepository } from '../../ports/account.repository';
import { AccountSetupRepository } from '../../ports/account-setup.repository';
import { AccountLedgers } from '../../shared/account-ledgers';
import { UnitOfWork } from '../../ports/unit-of-work';
import { AccountSetupRecord } from '../../records';
import { Actor } from '../../shared/actor';
import { Clock } from '../../shared/clock';
import { DomainLogger } from '../../shared/logger';
import { checkSignerListChange, SignerListChange, signerListSetTemplate } from '../signer-list-rules';
import { SETUP_OPEN_STATES } from './account-setup-state';
import { PrepareOwnerStep } from './prepare-owner-step';

export interface AccountSetupCommand extends SignerListChange {
  address: string;
  network: string;
  label?: string | null;
  disableMaster?: boolean;
}

/**
 * Onboards an account from scratch, step 1: checks the SignerList by rippled's rules, prepares the
 * owner's single-signed SignerListSet and sends it to the owner through Xaman. `AdvanceAccountSetups`
 * takes it from there (submit, validation, the optional master-key disable, registration, invitations).
 */
export class StartAccountSetup {
  constructor(
    private readonly setups: AccountSetupRepository,
    private readonly accounts: AccountRepository,
    private readonly uow: UnitOfWork,
    private readonly ledgers: AccountLedgers,
    private readonly steps: PrepareOwnerStep,
    private readonly clock: Clock,
    private readonly log: DomainLogger,
  ) {}

  async execute(command: AccountSetupCommand, actor: Actor): Promise<AccountSetupRecord> {
    const ledger = this.ledgers.forNetwork(command.network); // UNKNOWN_NETWORK lists the served ones
    if (!isValidClassicAddress(command.address)) {
      throw new DomainError('INVALID_ADDRESS', `"${command.address}" is not a valid XRPL classic address.`, {
        address: command.address,
      });
    }
    if (command.signers.length === 0) {
      throw new DomainError('SIGNER_LIST_SIZE', 'A set-up lists 1 to 32 signers.', { entries: 0 });
    }
    if (
      (await this.accounts.list()).some((a) => a.network === command.network && a.address === command.address)
    ) {
      throw new DomainError(
        'ACCOUNT_ALREADY_REGISTERED',
        `${command.address} is already registered on ${command.network}.`,
        { address: command.address },
      );
    }
    const open = await this.setups.findByAddress(command.network, command.address, SETUP_OPEN_STATES);
    if (open.length > 0) {
      throw new DomainError('SETUP_IN_PROGRESS', `A set-up of ${command.address} is already in progress.`, {
        setupId: open[0]!.id,
      });
    }
    const facts = await ledger.accountFacts(command.address);
    if (!facts.exists || facts.sequence === null) {
      throw new DomainError(
        'ACCOUNT_NOT_ON_LEDGER',
        `${command.address} does not exist on a validated ledger: fund it first.`,
        { address: command.address },
      );
    }
    checkSignerListChange(command, { ...facts, address: command.address });
    const step = await this.steps.execute({
      setupId: null,
      network: command.network,
      kind: 'signer_list',
      owner: command.address,
      sequence: facts.sequence,
      template: signerListSetTemplate(command),
      instruction: `Set the SignerList of ${command.label ?? command.address} to ${command.quorum}-of-${command.signers.length}`,
    });
    const setup = await this.uow.run(async (tx) => {
      const saved = await tx.setups.insert(
        {
          network: command.network,
          address: command.address,
          label: command.label ?? null,
          quorum: command.quorum,
          signers: command.signers.map((s) => ({ address: s.address, weight: s.weight })),
          disableMaster: command.disableMaster === true,
          state: 'awaiting_signer_list',
          steps: [step],
          failureCode: null,
          failureDetail: null,
          accountId: null,
          actor: { type: actor.type, id: actor.id, requestId: actor.requestId ?? null },
        },
        this.clock.now(),
      );
      await tx.audit.append(actor, {
        action: 'account.setup_started',
        entityType: 'account_setup',
        entityId: saved.id,
        details: {
          address: command.address,
          network: command.network,
          quorum: command.quorum,
          signers: command.signers.length,
          disableMaster: command.disableMaster === true,
          payloadUuid: step.payloadUuid,
        },
      });
      return saved;
    });
    this.log.info('account set-up started', { setupId: setup.id, address: setup.address });
    return setup;
  }
}
