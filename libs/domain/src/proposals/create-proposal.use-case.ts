import { proposalEventData } from '../state/state-changes';
import { webhookEvent } from '../webhooks/webhook-events';
import { createHash, randomUUID } from 'node:crypto';
import { MultisignError, prepare, PreparedTransaction } from '@app/multisign';
import { DomainError } from '../errors/domain.error';
import { AccountRepository } from '../ports/account.repository';
import { AccountLedgers } from '../shared/account-ledgers';
import { ProposalRepository } from '../ports/proposal.repository';
import { TransactionalRepositories, UnitOfWork } from '../ports/unit-of-work';
import { AccessScope, assertAccountInScope, UNSCOPED_PROPOSER } from '../policies/access-scope';
import { evaluatePolicy, timeLockFor } from '../policies/evaluate-policy';
import { xrpOutflowOf } from '../policies/outflow';
import { defaultPolicy } from '../policies/policy';
import { preflight } from '../policies/preflight';
import { AccountFacts } from '../ports/ledger.port';
import { OPEN_PROPOSAL_STATES } from '../state/proposal-state';
import { lastLedgerSequenceFor, maxSignaturesForQuorum, payloadIdentifier } from '../proposal-rules';
import { AccountRecord, ProposalRecord } from '../records';
import { CoordinatorSettings } from '../settings';
import { Actor } from '../shared/actor';
import { Clock } from '../shared/clock';
import { DomainLogger } from '../shared/logger';
import { DispatchSignRequest } from './dispatch-sign-request.use-case';
import { allocateNumber } from './number-allocation';
import { sameSignerList } from './prepared';

export interface CreateProposalCommand {
  accountId: string;
  txjson: Record<string, unknown>;
  expiresInMinutes?: number;
  instruction?: string | null;
  idempotencyKey: string | null;
  actor: Actor;
  /** The caller's role and account scope (default: an unscoped proposer). */
  scope?: AccessScope;
  /** A renewal or an on-ledger invalidation: which proposal it replaces, and work done in the same transaction. */
  replaces?: {
    id: string;
    kind: 'renewal' | 'invalidation';
    /** Under the allocation lock, before the number is taken (the renewal closes its predecessor here). */
    beforeAllocation?: (tx: TransactionalRepositories) => Promise<void>;
    afterInsert?: (tx: TransactionalRepositories, proposal: ProposalRecord) => Promise<void>;
  };
}

const CLASSIC_ADDRESS = /^r[1-9A-HJ-NP-Za-km-z]{24,34}$/;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A stable fingerprint of what was asked, to tell a retry from another request with the same key. */
function fingerprint(command: CreateProposalCommand): string {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === 'object'
        ? Object.fromEntries(
            Object.keys(value)
              .sort()
              .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
          )
        : value;
  const { accountId, txjson, expiresInMinutes, instruction } = command;
  return createHash('sha256')
    .update(JSON.stringify(canonical({ accountId, txjson, expiresInMinutes, instruction })))
    .digest('hex');
}

/**
 * Prepares the exact transaction on validated facts (the registered SignerList must still be the
 * ledger's), takes a Sequence/Ticket under the account's allocation lock, stores the proposal with
 * one queued sign request per signer, and sends the requests. With an Idempotency-Key, a repeated
 * request answers with the first one's proposal.
 */
export class CreateProposal {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly proposals: ProposalRepository,
    private readonly uow: UnitOfWork,
    private readonly ledgers: AccountLedgers,
    private readonly dispatch: DispatchSignRequest,
    private readonly clock: Clock,
    private readonly settings: CoordinatorSettings,
    private readonly log: DomainLogger,
  ) {}

  async execute(command: CreateProposalCommand): Promise<{ proposalId: string; replayed: boolean }> {
    const requestFingerprint = fingerprint(command);
    const replay = await this.replayOf(command, requestFingerprint);
    if (replay) return { proposalId: replay.id, replayed: true };

    const account = UUID.test(command.accountId) ? await this.accounts.find(command.accountId) : null;
    if (!account) {
      throw new DomainError('ACCOUNT_NOT_FOUND', `No registered account ${command.accountId}.`, {
        accountId: command.accountId,
      });
    }
    assertAccountInScope(command.scope ?? UNSCOPED_PROPOSER, account.id);
    const expiresInMinutes = command.expiresInMinutes ?? this.settings.defaultExpireMinutes;
    if (
      !Number.isInteger(expiresInMinutes) ||
      expiresInMinutes < 1 ||
      expiresInMinutes > this.settings.maxExpireMinutes
    ) {
      throw new DomainError(
        'INVALID_EXPIRY',
        `expiresInMinutes must be a whole number from 1 to ${this.settings.maxExpireMinutes}.`,
      );
    }

    const inserted = await this.prepareAndStore(account, command, expiresInMinutes, requestFingerprint);
    if (!inserted) {
      // A concurrent retry with the same Idempotency-Key won: answer with its proposal.
      const winner = await this.replayOf(command, requestFingerprint);
      if (!winner) throw new Error('Idempotency-Key conflict without a stored proposal');
      return { proposalId: winner.id, replayed: true };
    }
    const requests = await this.proposals.requestsOf(inserted.id);
    await Promise.all(requests.map((r) => this.dispatch.execute(r.id, command.actor, true)));
    return { proposalId: inserted.id, replayed: false };
  }

  private async replayOf(
    command: CreateProposalCommand,
    requestFingerprint: string,
  ): Promise<ProposalRecord | null> {
    if (command.idempotencyKey === null) return null;
    const existing = await this.proposals.findByIdempotencyKey(command.actor.id, command.idempotencyKey);
    if (existing && existing.requestFingerprint !== requestFingerprint) {
      throw new DomainError(
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was already used with a different request body.',
        {
          proposalId: existing.id,
        },
      );
    }
    return existing;
  }

  /** Null when another request with the same Idempotency-Key stored its proposal first. */
  private async prepareAndStore(
    account: AccountRecord,
    command: CreateProposalCommand,
    expiresInMinutes: number,
    requestFingerprint: string,
  ): Promise<ProposalRecord | null> {
    // The SignerList must still be the one registered: a proposal is never prepared on stale facts.
    const destinationAddress = command.txjson.Destination;
    const ledger = this.ledgers.forNetwork(account.network);
    const [facts, network, tickets, signers, destination] = await Promise.all([
      ledger.accountFacts(account.address),
      ledger.network(),
      ledger.tickets(account.address),
      this.accounts.signersOf(account.id),
      typeof destinationAddress === 'string' && CLASSIC_ADDRESS.test(destinationAddress)
        ? ledger.accountFacts(destinationAddress)
        : Promise.resolve<AccountFacts | null>(null),
    ]);
    const listed = signers.filter((s) => s.inSignerList);
    const registered = {
      quorum: account.signerQuorum,
      entries: listed.map((s) => ({ account: s.address, weight: s.weight })),
    };
    const ledgerList = facts.signerList;
    if (!facts.exists || ledgerList === null || !sameSignerList(ledgerList, registered)) {
      throw new DomainError(
        'SIGNER_LIST_CHANGED',
        'The SignerList on the ledger differs from the registered one; refresh the account (POST /v1/accounts/:id/refresh) first.',
        { accountId: account.id },
      );
    }
    const now = this.clock.now();
    const windowSeconds = expiresInMinutes * 60;
    const maxSignatures = maxSignaturesForQuorum(ledgerList.entries, ledgerList.quorum);
    const scope = command.scope ?? UNSCOPED_PROPOSER;

    return this.uow.run(async (tx) => {
      // One allocation at a time per account: each creation sees the numbers the others took.
      await tx.accounts.lockForAllocation(account.id);
      // Read under the lock: the policy in force, and what the other proposals already send out.
      const policy = (await tx.policies.current(account.id)) ?? defaultPolicy(account.id);
      // A time lock delays submission: LastLedgerSequence must outlive the signing window AND the lock.
      const lockSeconds = timeLockFor(policy.rules, xrpOutflowOf(command.txjson));
      const lastLedgerSequence = lastLedgerSequenceFor({
        validatedLedgerIndex: network.validatedLedgerIndex,
        windowSeconds: windowSeconds + lockSeconds,
        minSecondsPerLedger: this.settings.minSecondsPerLedger,
        marginLedgers: this.settings.lastLedgerMargin,
      });
      if (command.replaces?.beforeAllocation) await command.replaces.beforeAllocation(tx);
      // A concurrent request with the same Idempotency-Key may have stored its proposal while this
      // one waited for the lock: its number is held now, so allocating would refuse instead of replaying.
      if (
        command.idempotencyKey !== null &&
        (await tx.proposals.findByIdempotencyKey(command.actor.id, command.idempotencyKey))
      ) {
        return null;
      }
      const held = await tx.proposals.heldNumbers(account.id);
      const number = allocateNumber(command.txjson, facts.sequence ?? 0, tickets, held);
      const template = { ...command.txjson };
      // allocateNumber checked a named Sequence is the current one; a Sequence 0 without a Ticket stays
      // in the template for prepare to refuse.
      if (typeof number !== 'number') delete template.TicketSequence;
      else if (template.Sequence !== 0) delete template.Sequence;
      let prepared: PreparedTransaction;
      try {
        prepared = prepare(template, {
          account: account.address,
          sequence: number,
          fee: {
            baseFeeDrops: network.baseFeeDrops,
            loadFactor: network.loadFactor,
            cushion: this.settings.feeCushion,
            maxFeeDrops: this.settings.maxFeeDrops,
          },
          signatureCount: maxSignatures,
          lastLedgerSequence,
          ...(network.networkId !== null ? { networkId: network.networkId } : {}),
        });
      } catch (error) {
        if (error instanceof MultisignError) throw new DomainError(error.code, error.message, error.details);
        throw error;
      }
      // The account's rules, then what the ledger would refuse: before anything is stored or sent.
      const windowUsage = new Map<number, bigint>();
      for (const { hours } of policy.rules.windowLimits) {
        const since = new Date(now.getTime() - hours * 3_600_000);
        const used = await tx.proposals.outflow(account.id, [...OPEN_PROPOSAL_STATES, 'succeeded'], since);
        windowUsage.set(hours, used.amountDrops);
      }
      const verdict = evaluatePolicy({
        tx: prepared.txJson,
        role: scope.role,
        policy,
        expiresInMinutes,
        windowUsage,
      });
      preflight({
        tx: prepared.txJson,
        xrpOutDrops: verdict.xrpOutDrops,
        source: facts,
        destination,
        reserveBaseDrops: network.reserveBaseDrops,
        reserveIncDrops: network.reserveIncDrops,
        inFlight: await tx.proposals.outflow(account.id, OPEN_PROPOSAL_STATES, null),
      });
      const requests = listed.map((s) => {
        const id = randomUUID();
        return { id, signerId: s.id, signerAddress: s.address, customIdentifier: payloadIdentifier(id) };
      });
      const result = await tx.proposals.insert(
        {
          accountId: account.id,
          transactionType: String(prepared.txJson.TransactionType),
          txTemplate: command.txjson,
          preparedTx: prepared.txJson,
          preparedTxHex: prepared.encoded,
          sequence: prepared.sequence,
          ticketSequence: prepared.ticketSequence,
          feeDrops: Number(prepared.feeDrops),
          maxSignatures: prepared.maxSignatures,
          lastLedgerSequence: prepared.lastLedgerSequence,
          signerQuorum: ledgerList.quorum,
          signerListSnapshot: {
            quorum: ledgerList.quorum,
            entries: ledgerList.entries,
            ledgerIndex: facts.ledgerIndex,
            facts: Object.fromEntries(
              listed.map((s) => [
                s.address,
                { funded: s.funded, masterDisabled: s.masterDisabled, regularKey: s.regularKey },
              ]),
            ),
          },
          deadline: new Date(now.getTime() + windowSeconds * 1000),
          instruction: command.instruction ?? null,
          createdBy: command.actor.id,
          idempotencyKey: command.idempotencyKey,
          requestFingerprint,
          xrpOutDrops: verdict.xrpOutDrops.toString(),
          policyVersion: policy.version,
          timeLockSeconds: Math.max(lockSeconds, verdict.timeLockSeconds),
          replacesId: command.replaces?.id ?? null,
          replacesKind: command.replaces?.kind ?? null,
        },
        requests,
        new Date(now.getTime() + this.settings.dispatchLeaseMs),
      );
      if (!result.inserted) {
        if (result.conflict === 'idempotency_key') return null;
        // Under the allocation lock this cannot happen unless something bypassed it.
        throw new DomainError('NO_FREE_SEQUENCE', 'The Sequence/Ticket was taken concurrently; try again.', {
          sequence: prepared.sequence,
          ticketSequence: prepared.ticketSequence,
        });
      }
      const proposal = result.proposal;
      if (command.replaces?.afterInsert) await command.replaces.afterInsert(tx, proposal);
      await tx.audit.append(command.actor, {
        action: 'proposal.created',
        entityType: 'proposal',
        entityId: proposal.id,
        details: {
          accountId: account.id,
          transactionType: proposal.transactionType,
          sequence: proposal.sequence,
          ticketSequence: proposal.ticketSequence,
          signers: requests.length,
          policyVersion: policy.version,
          xrpOutDrops: proposal.xrpOutDrops,
          timeLockSeconds: proposal.timeLockSeconds,
          ...(command.replaces ? { replaces: command.replaces.id, kind: command.replaces.kind } : {}),
        },
      });
      await tx.outbox.emit(
        webhookEvent(
          'proposal.created',
          proposal.id,
          { ...proposalEventData(proposal), signers: requests.map((r) => r.signerAddress) },
          now,
        ),
      );
      this.log.info('proposal created', {
        proposalId: proposal.id,
        accountId: account.id,
        sequence: proposal.sequence,
        ticketSequence: proposal.ticketSequence,
        lastLedgerSequence: proposal.lastLedgerSequence,
      });
      return proposal;
    });
  }
}
