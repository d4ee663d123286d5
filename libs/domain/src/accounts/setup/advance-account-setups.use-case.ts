import { isDomainError, UpstreamError } from '../../errors/domain.error';
import { AccountRepository } from '../../ports/account.repository';
import { AccountSetupPatch, AccountSetupRepository } from '../../ports/account-setup.repository';
import { AccountLedgers } from '../../shared/account-ledgers';
import { UnitOfWork } from '../../ports/unit-of-work';
import { XamanPort } from '../../ports/xaman.port';
import { submitVerdict } from '../../proposal-rules';
import { AccountSetupRecord, SetupStepRecord } from '../../records';
import { Actor, WORKER_ACTOR } from '../../shared/actor';
import { Clock } from '../../shared/clock';
import { DomainLogger } from '../../shared/logger';
import type { ErrorCode } from '../../errors/error-codes';
import { EnrolSigner } from '../enrol-signer.use-case';
import { RegisterAccount } from '../register-account.use-case';
import { SETUP_OPEN_STATES, SETUP_TRANSITIONS, SetupState, SetupTransitionName } from './account-setup-state';
import { ASF_DISABLE_MASTER, verifyOwnerBlob } from './owner-transaction';
import { PrepareOwnerStep } from './prepare-owner-step';

const BATCH = 50;

/**
 * Moves each open account set-up one step at a time (worker job `advance-account-setups`):
 * an owner payload that resolved is verified (exactly the prepared transaction, signed by the owner's
 * key) and submitted; a submitted step is followed to a validated ledger; after the SignerList
 * validates, the master key is disabled if asked (only while another way to sign remains); then the
 * account is registered and its signers invited to enrol. Every failure ends the set-up with a code.
 */
export class AdvanceAccountSetups {
  constructor(
    private readonly setups: AccountSetupRepository,
    private readonly accounts: AccountRepository,
    private readonly uow: UnitOfWork,
    private readonly ledgers: AccountLedgers,
    private readonly xaman: XamanPort,
    private readonly steps: PrepareOwnerStep,
    private readonly registering: RegisterAccount,
    private readonly enrolling: EnrolSigner,
    private readonly clock: Clock,
    private readonly log: DomainLogger,
  ) {}

  async runDue(): Promise<number> {
    let moved = 0;
    for (const setup of await this.setups.inStates(SETUP_OPEN_STATES, BATCH)) {
      try {
        if (await this.advance(setup)) moved++;
      } catch (error) {
        if (!(error instanceof UpstreamError)) throw error;
        this.log.warn('account set-up step postponed', { setupId: setup.id, error: error.message });
      }
    }
    return moved;
  }

  /** Takes the next step of one set-up if it can; true when its state changed. */
  async advance(setup: AccountSetupRecord): Promise<boolean> {
    const step = setup.steps[setup.steps.length - 1];
    switch (setup.state) {
      case 'awaiting_signer_list':
      case 'awaiting_disable_master':
        return step ? this.afterPayload(setup, step) : false;
      case 'signer_list_submitted':
      case 'master_disable_submitted':
        return step ? this.followSubmission(setup, step) : false;
      case 'registering':
        return this.register(setup);
      default:
        return false;
    }
  }

  private async afterPayload(setup: AccountSetupRecord, step: SetupStepRecord): Promise<boolean> {
    const payload = await this.xaman.getPayload(step.payloadUuid);
    if (!payload.resolved || !payload.signed) {
      if (payload.expired || payload.cancelled) {
        return this.fail(
          setup,
          'SETUP_PAYLOAD_EXPIRED',
          'The owner did not sign before the payload expired.',
        );
      }
      if (payload.resolved) return this.fail(setup, 'SETUP_PAYLOAD_REJECTED', 'The owner declined to sign.');
      return false;
    }
    if (!payload.hex) return this.fail(setup, 'SETUP_BLOB_MISMATCH', 'Xaman returned no signed blob.');
    const facts = await this.ledgers.forNetwork(setup.network).accountFacts(setup.address);
    const check = verifyOwnerBlob(payload.hex, step.preparedTx, facts, step.kind === 'disable_master');
    if (!check.ok) return this.fail(setup, check.code, check.message);
    const submitted = await this.ledgers.forNetwork(setup.network).submit(payload.hex);
    const validatedIndex = await this.ledgers.forNetwork(setup.network).validatedLedgerIndex();
    if (submitVerdict(submitted.result, submitted.rpcError) === 'final') {
      return this.fail(setup, 'SETUP_SUBMIT_REFUSED', `${submitted.result}: ${submitted.message}`);
    }
    const next: SetupStepRecord = {
      ...step,
      txHash: check.hash,
      txBlob: payload.hex,
      submitResult: submitted.result,
      submittedLedgerIndex: validatedIndex,
    };
    return this.move(
      setup,
      step.kind === 'signer_list' ? 'signerListSubmitted' : 'masterDisableSubmitted',
      { steps: replaceLast(setup.steps, next) },
      { payloadUuid: step.payloadUuid, hash: check.hash, submitResult: submitted.result },
    );
  }

  private async followSubmission(setup: AccountSetupRecord, step: SetupStepRecord): Promise<boolean> {
    if (!step.txHash || !step.txBlob) return false;
    // The index first: a transaction not found afterwards was not in any ledger up to it.
    const validatedIndex = await this.ledgers.forNetwork(setup.network).validatedLedgerIndex();
    const lookup = await this.ledgers.forNetwork(setup.network).transaction(step.txHash);
    if (!lookup.found || !lookup.validated) {
      if (validatedIndex > Number(step.preparedTx.LastLedgerSequence)) {
        return this.fail(
          setup,
          'SETUP_TX_EXPIRED',
          'No validated ledger up to its LastLedgerSequence has it.',
        );
      }
      await this.ledgers.forNetwork(setup.network).submit(step.txBlob); // a dropped submission is sent again; a duplicate is harmless
      return false;
    }
    const settled: SetupStepRecord = {
      ...step,
      resultCode: lookup.result,
      resultLedgerIndex: lookup.ledgerIndex,
    };
    const steps = replaceLast(setup.steps, settled);
    if (lookup.result !== 'tesSUCCESS') {
      return this.fail(setup, 'SETUP_TX_FAILED', `The ledger applied it with ${lookup.result}.`, steps);
    }
    if (step.kind === 'signer_list' && setup.disableMaster) {
      const facts = await this.ledgers.forNetwork(setup.network).accountFacts(setup.address);
      if (facts.signerList === null && facts.regularKey === null) {
        return this.fail(
          setup,
          'SETUP_NO_ALTERNATIVE_KEY',
          'Disabling the master key would leave no way to sign: no SignerList and no RegularKey.',
          steps,
        );
      }
      if (facts.sequence === null) return false;
      const disable = await this.steps.execute({
        setupId: setup.id,
        network: setup.network,
        kind: 'disable_master',
        owner: setup.address,
        sequence: facts.sequence,
        template: { TransactionType: 'AccountSet', SetFlag: ASF_DISABLE_MASTER },
        instruction: `Disable the master key of ${setup.label ?? setup.address}: only the SignerList will sign`,
      });
      return this.move(
        setup,
        'disableMasterRequested',
        { steps: [...steps, disable] },
        { payloadUuid: disable.payloadUuid },
      );
    }
    return this.move(
      setup,
      'readyToRegister',
      { steps },
      { hash: step.txHash, ledgerIndex: lookup.ledgerIndex },
    );
  }

  private async register(setup: AccountSetupRecord): Promise<boolean> {
    const actor: Actor = setup.actor;
    let accountId: string;
    try {
      accountId = (
        await this.registering.execute(
          { address: setup.address, network: setup.network, label: setup.label },
          actor,
        )
      ).id;
    } catch (error) {
      if (!isDomainError(error)) throw error;
      const existing =
        error.code === 'ACCOUNT_ALREADY_REGISTERED'
          ? (await this.accounts.list()).find(
              (a) => a.network === setup.network && a.address === setup.address,
            )
          : undefined;
      if (!existing) return this.fail(setup, 'SETUP_REGISTRATION_FAILED', `${error.code}: ${error.message}`);
      accountId = existing.id;
    }
    const invited: string[] = [];
    for (const signer of setup.signers) {
      try {
        invited.push((await this.enrolling.execute(accountId, signer.address, actor)).payloadUuid);
      } catch (error) {
        // The operator can invite again (POST …/enrolment); the account is registered either way.
        this.log.warn('set-up enrolment invitation not sent', {
          setupId: setup.id,
          address: signer.address,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    return this.move(setup, 'registered', { accountId }, { accountId, invitations: invited.length });
  }

  private fail(
    setup: AccountSetupRecord,
    code: ErrorCode,
    detail: string,
    steps: SetupStepRecord[] = setup.steps,
  ): Promise<boolean> {
    return this.move(setup, 'failed', { failureCode: code, failureDetail: detail, steps }, { code, detail });
  }

  private async move(
    setup: AccountSetupRecord,
    transition: SetupTransitionName,
    patch: AccountSetupPatch,
    details: Record<string, unknown>,
  ): Promise<boolean> {
    const { from, to } = SETUP_TRANSITIONS[transition];
    const moved = await this.uow.run(async (tx) => {
      const applied = await tx.setups.update(
        setup.id,
        from as readonly SetupState[],
        setup.version,
        { ...patch, state: to },
        this.clock.now(),
      );
      if (applied) {
        await tx.audit.append(WORKER_ACTOR, {
          action: `account.setup_${to}`,
          entityType: 'account_setup',
          entityId: setup.id,
          details: { address: setup.address, from: setup.state, transition, ...details },
        });
      }
      return applied;
    });
    if (moved) this.log.info('account set-up moved', { setupId: setup.id, from: setup.state, to });
    return moved;
  }
}

function replaceLast(steps: SetupStepRecord[], step: SetupStepRecord): SetupStepRecord[] {
  return [...steps.slice(0, -1), step];
}
