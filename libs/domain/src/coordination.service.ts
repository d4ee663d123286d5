import { createHash } from 'node:crypto';
import { encode } from 'ripple-binary-codec';
import {
  combine,
  isQuorumUnreachable,
  MultisignError,
  prepare,
  PreparedTransaction,
  quorumProgress,
  selectSignatures,
  SignerList,
  VerifiedSignature,
  verifySignerBlob,
} from '@app/multisign';
import { DomainError } from './domain.error';
import { LedgerPort } from './ledger.port';
import {
  lastLedgerSequenceFor,
  maxSignaturesForQuorum,
  payloadIdentifier,
  submitVerdict,
} from './proposal-rules';
import {
  Actor,
  LIVE_REQUEST_STATES,
  OPEN_PROPOSAL_STATES,
  ProposalRecord,
  ProposalState,
  SignatureRecord,
  SignatureRequestRecord,
  SignerListSnapshot,
} from './records';
import { CoordinatorSettings } from './settings';
import { CoordinatorStore } from './store.port';
import { TokenCipher } from './token-cipher';
import { PayloadView, XamanPort } from './xaman.port';

export interface DomainLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const WORKER: Actor = { type: 'worker', id: null };
const XAMAN: Actor = { type: 'xaman', id: null };

export interface CreateProposalInput {
  accountId: string;
  txjson: Record<string, unknown>;
  expiresInMinutes?: number;
  instruction?: string | null;
}

export interface ProposalView {
  id: string;
  accountId: string;
  state: ProposalState;
  transactionType: string;
  preparedTx: Record<string, unknown>;
  fee: string;
  sequence: number;
  ticketSequence: number | null;
  lastLedgerSequence: number;
  deadline: Date;
  instruction: string | null;
  quorum: { required: number; collectedWeight: number; reached: boolean; maxSignatures: number };
  signers: {
    address: string;
    weight: number;
    state: string;
    pushed: boolean | null;
    signLink: string | null;
    qrPng: string | null;
    payloadUuid: string | null;
    signatureCounted: boolean;
    refusalCode: string | null;
    refusalReason: string | null;
    resolvedAt: Date | null;
  }[];
  hash: string | null;
  submission: { attempts: number; lastResult: string | null; submittedAt: Date | null };
  result: {
    transactionResult: string | null;
    ledgerIndex: number | null;
    hash: string | null;
    deliveredAmount: unknown;
    reason: string | null;
  };
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
}

function fingerprint(input: CreateProposalInput): string {
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
  return createHash('sha256')
    .update(JSON.stringify(canonical(input)))
    .digest('hex');
}

function preparedOf(proposal: ProposalRecord): PreparedTransaction {
  return {
    txJson: proposal.preparedTx,
    encoded: proposal.preparedTxHex,
    account: String(proposal.preparedTx.Account),
    feeDrops: String(proposal.feeDrops),
    maxSignatures: proposal.maxSignatures,
    sequence: proposal.sequence,
    ticketSequence: proposal.ticketSequence,
    lastLedgerSequence: proposal.lastLedgerSequence,
    networkId: typeof proposal.preparedTx.NetworkID === 'number' ? proposal.preparedTx.NetworkID : null,
  };
}

function signerListOf(snapshot: SignerListSnapshot): SignerList {
  return { quorum: snapshot.quorum, entries: snapshot.entries };
}

function toVerified(signature: SignatureRecord): VerifiedSignature {
  return {
    account: signature.signerAddress,
    signingPubKey: signature.signingPubKey,
    txnSignature: signature.txnSignature,
    weight: signature.weight,
    keyType: signature.keyType,
    algorithm: signature.signingPubKey.startsWith('ED') ? 'ed25519' : 'secp256k1',
  };
}

/**
 * Is this validated transaction the prepared one with (possibly other) signatures? Compared on the
 * canonical binary encoding without Signers, after undoing API v2's rename of Payment `Amount` to
 * `DeliverMax` and dropping the fields rippled adds to its JSON.
 */
function isPreparedTransaction(validated: Record<string, unknown>, preparedHex: string): boolean {
  const tx: Record<string, unknown> = { ...validated };
  if (tx.DeliverMax !== undefined && tx.Amount === undefined) tx.Amount = tx.DeliverMax;
  for (const field of [
    'DeliverMax',
    'Signers',
    'TxnSignature',
    'hash',
    'ledger_index',
    'date',
    'ctid',
    'inLedger',
  ]) {
    delete tx[field];
  }
  try {
    return encode(tx).toUpperCase() === preparedHex.toUpperCase();
  } catch {
    return false;
  }
}

/**
 * The coordination flow: prepare a proposal, send one Xaman sign request per signer, take every
 * resolution through the blob rules, combine exactly once at quorum, submit, and settle the
 * outcome from validated ledgers. Safe to call from any number of processes at once.
 */
export class CoordinationService {
  private readonly watches = new Map<string, { close(): void }>();

  constructor(
    private readonly store: CoordinatorStore,
    private readonly ledger: LedgerPort,
    private readonly xaman: XamanPort,
    private readonly cipher: TokenCipher,
    private readonly settings: CoordinatorSettings,
    private readonly log: DomainLogger,
  ) {}

  // ---------------------------------------------------------------- create

  async createProposal(
    input: CreateProposalInput,
    actor: Actor,
    idempotencyKey: string | null,
  ): Promise<{ proposal: ProposalView; replayed: boolean }> {
    const requestFingerprint = fingerprint(input);
    if (idempotencyKey !== null) {
      const existing = await this.store.findProposalByIdempotencyKey(actor.id, idempotencyKey);
      if (existing) return { proposal: await this.replayed(existing, requestFingerprint), replayed: true };
    }
    try {
      return await this.prepareAndSend(input, actor, idempotencyKey, requestFingerprint);
    } catch (error) {
      // Concurrent retries of one Idempotency-Key: the losers see the winner's Sequence as taken (or
      // its key); they answer with the winner's proposal.
      const raceCodes = ['IDEMPOTENCY_RACE', 'SEQUENCE_IN_USE', 'NO_FREE_SEQUENCE', 'TICKET_IN_USE'];
      if (idempotencyKey !== null && error instanceof DomainError && raceCodes.includes(error.code)) {
        const existing = await this.store.findProposalByIdempotencyKey(actor.id, idempotencyKey);
        if (existing) return { proposal: await this.replayed(existing, requestFingerprint), replayed: true };
      }
      throw error;
    }
  }

  private async prepareAndSend(
    input: CreateProposalInput,
    actor: Actor,
    idempotencyKey: string | null,
    requestFingerprint: string,
  ): Promise<{ proposal: ProposalView; replayed: boolean }> {
    const account = UUID.test(input.accountId) ? await this.store.findAccount(input.accountId) : null;
    if (!account) {
      throw new DomainError('ACCOUNT_NOT_FOUND', `No registered account ${input.accountId}.`, {
        accountId: input.accountId,
      });
    }
    const expiresInMinutes = input.expiresInMinutes ?? this.settings.defaultExpireMinutes;
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

    // The SignerList must still be the one registered: a proposal is never prepared on stale facts.
    const [facts, network, tickets, held, signers] = await Promise.all([
      this.ledger.accountFacts(account.address),
      this.ledger.network(),
      this.ledger.tickets(account.address),
      this.store.heldSequences(account.id),
      this.store.signersOf(account.id),
    ]);
    const listed = signers.filter((s) => s.inSignerList);
    const ledgerList = facts.signerList;
    const sameList =
      ledgerList !== null &&
      ledgerList.quorum === account.signerQuorum &&
      ledgerList.entries.length === listed.length &&
      ledgerList.entries.every((e) => listed.some((s) => s.address === e.account && s.weight === e.weight));
    if (!facts.exists || !sameList) {
      throw new DomainError(
        'SIGNER_LIST_CHANGED',
        'The SignerList on the ledger differs from the registered one; refresh the account (POST /v1/accounts/:id/refresh) first.',
        { accountId: account.id },
      );
    }

    const sequence = this.chooseSequence(input.txjson, facts.sequence ?? 0, tickets, held);
    const windowSeconds = expiresInMinutes * 60;
    const lastLedgerSequence = lastLedgerSequenceFor({
      validatedLedgerIndex: network.validatedLedgerIndex,
      windowSeconds,
      minSecondsPerLedger: this.settings.minSecondsPerLedger,
      marginLedgers: this.settings.lastLedgerMargin,
    });
    const maxSignatures = maxSignaturesForQuorum(ledgerList.entries, ledgerList.quorum);
    const template = { ...input.txjson };
    if (typeof template.Sequence === 'number' && template.Sequence !== 0 && typeof sequence === 'number') {
      delete template.Sequence; // chooseSequence checked it is the account's current one
    }
    if (typeof sequence === 'object') delete template.TicketSequence;
    let prepared: PreparedTransaction;
    try {
      prepared = prepare(template, {
        account: account.address,
        sequence,
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
      if (error instanceof MultisignError) {
        throw new DomainError(error.code, error.message, error.details);
      }
      throw error;
    }

    const factsBySigner = Object.fromEntries(
      listed.map((s) => [
        s.address,
        { funded: s.funded, masterDisabled: s.masterDisabled, regularKey: s.regularKey },
      ]),
    );
    const proposal = await this.store.insertProposal(
      {
        accountId: account.id,
        transactionType: String(prepared.txJson.TransactionType),
        txTemplate: input.txjson,
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
          facts: factsBySigner,
        },
        deadline: new Date(Date.now() + windowSeconds * 1000),
        instruction: input.instruction ?? null,
        createdBy: actor.id,
        idempotencyKey,
        requestFingerprint,
      },
      listed.map((s) => ({ signerId: s.id, signerAddress: s.address })),
      actor,
      this.settings.dispatchLeaseMs,
    );
    this.log.info('proposal created', {
      proposalId: proposal.id,
      accountId: account.id,
      sequence: proposal.sequence,
      ticketSequence: proposal.ticketSequence,
      lastLedgerSequence: proposal.lastLedgerSequence,
    });

    await Promise.all(
      (await this.store.requestsOf(proposal.id)).map((r) => this.dispatchRequest(r.id, true)),
    );
    return { proposal: await this.view(proposal.id), replayed: false };
  }

  private async replayed(existing: ProposalRecord, requestFingerprint: string): Promise<ProposalView> {
    if (existing.requestFingerprint !== requestFingerprint) {
      throw new DomainError(
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was already used with a different request body.',
        { proposalId: existing.id },
      );
    }
    return this.view(existing.id);
  }

  /** A Ticket named by the template, else the lowest free Ticket, else the account's Sequence if free. */
  private chooseSequence(
    txjson: Record<string, unknown>,
    accountSequence: number,
    tickets: number[],
    held: { sequences: number[]; tickets: number[] },
  ): number | { ticketSequence: number } {
    const requestedTicket = txjson.TicketSequence;
    if (requestedTicket !== undefined && txjson.Sequence !== undefined && txjson.Sequence !== 0) {
      throw new DomainError(
        'TEMPLATE_SEQUENCE_AND_TICKET',
        'A transaction uses either a Sequence or a Ticket (Sequence 0 + TicketSequence), not both (rippled: temSEQ_AND_TICKET).',
        { sequence: txjson.Sequence, ticketSequence: requestedTicket },
      );
    }
    if (requestedTicket !== undefined) {
      if (typeof requestedTicket !== 'number' || !tickets.includes(requestedTicket)) {
        throw new DomainError(
          'TICKET_NOT_OWNED',
          `The account owns no Ticket ${JSON.stringify(requestedTicket)}.`,
          {
            ticketSequence: requestedTicket,
            owned: tickets,
          },
        );
      }
      if (held.tickets.includes(requestedTicket)) {
        throw new DomainError(
          'TICKET_IN_USE',
          `Ticket ${requestedTicket} is held by another open proposal.`,
          {
            ticketSequence: requestedTicket,
          },
        );
      }
      return { ticketSequence: requestedTicket };
    }
    const requestedSequence = txjson.Sequence;
    if (requestedSequence !== undefined && requestedSequence !== 0 && requestedSequence !== accountSequence) {
      throw new DomainError(
        'SEQUENCE_NOT_CURRENT',
        `Sequence ${JSON.stringify(requestedSequence)} is not the account's next Sequence (${accountSequence}); omit it and the service chooses.`,
        { requested: requestedSequence, current: accountSequence },
      );
    }
    const freeTicket = tickets.find((t) => !held.tickets.includes(t));
    if (freeTicket !== undefined && requestedSequence === undefined) return { ticketSequence: freeTicket };
    if (held.sequences.length > 0) {
      throw new DomainError(
        'NO_FREE_SEQUENCE',
        'Another open proposal already holds the account Sequence and the account has no free Ticket. Create Tickets (TicketCreate) to run proposals side by side, or wait.',
        { heldSequences: held.sequences },
      );
    }
    return accountSequence;
  }

  // ---------------------------------------------------------------- dispatch to Xaman

  /**
   * Creates the Xaman payload of a queued request. Rate limits and outages leave it queued with a
   * back-off; a retry reuses the same custom identifier, so a payload created by an attempt whose
   * answer was lost is found again instead of duplicated.
   */
  async dispatchRequest(requestId: string, first = false): Promise<void> {
    const request = await this.store.claimRequestForDispatch(requestId, this.settings.dispatchLeaseMs, first);
    if (!request) return;
    const proposal = await this.store.findProposal(request.proposalId);
    if (!proposal || proposal.state !== 'collecting') {
      await this.store.transitionRequest(
        request.id,
        ['queued'],
        'cancelled',
        { lastError: 'proposal closed' },
        WORKER,
      );
      return;
    }
    const signer = (await this.store.signersOf(proposal.accountId)).find((s) => s.id === request.signerId);
    let userToken: string | null = null;
    if (
      signer?.userTokenCiphertext &&
      (!signer.userTokenExpiresAt || signer.userTokenExpiresAt > new Date())
    ) {
      try {
        userToken = this.cipher.decrypt(signer.userTokenCiphertext);
      } catch {
        this.log.error('stored user_token cannot be decrypted (TOKEN_ENCRYPTION_KEY changed?)', {
          signerId: signer.id,
        });
      }
    }
    const expireMinutes = Math.max(1, Math.ceil((proposal.deadline.getTime() - Date.now()) / 60_000));
    try {
      let created: { uuid: string; pushed: boolean | null; signLink: string; qrPng: string | null };
      try {
        created = await this.xaman.createPayload({
          txjson: proposal.preparedTx,
          userToken,
          signer: request.signerAddress,
          expireMinutes,
          forceNetwork: this.settings.forceNetwork,
          identifier: request.customIdentifier,
          instruction: proposal.instruction,
          blob: { proposalId: proposal.id, requestId: request.id },
        });
      } catch (error) {
        const xamanCode = (error as { xamanCode?: number | null }).xamanCode;
        if (xamanCode !== 409) throw error;
        // Duplicate identifier: an earlier attempt created it. Find it instead of making another.
        const existing = await this.xaman.getPayloadByIdentifier(request.customIdentifier);
        if (!existing) throw error;
        // Whether that attempt pushed is unknown: its answer was lost.
        created = {
          uuid: existing.uuid,
          pushed: null,
          signLink: this.xaman.signLinkFor(existing.uuid),
          qrPng: `${this.xaman.signLinkFor(existing.uuid)}_q.png`,
        };
      }
      const recorded = await this.store.transitionRequest(
        request.id,
        ['queued'],
        'created',
        {
          xamanPayloadUuid: created.uuid,
          pushed: created.pushed,
          signLink: created.signLink,
          qrPng: created.qrPng,
          lastError: null,
          nextAttemptAt: null,
        },
        WORKER,
        { payloadUuid: created.uuid, pushed: created.pushed },
      );
      if (!recorded) return;
      this.log.info('sign request sent', {
        proposalId: proposal.id,
        requestId: request.id,
        payloadUuid: created.uuid,
        pushed: created.pushed,
      });
      this.watch(created.uuid);
      // The proposal may have closed while the payload was being created.
      const now = await this.store.findProposal(proposal.id);
      if (now && now.state !== 'collecting')
        await this.cancelRequestPayload({ ...request, xamanPayloadUuid: created.uuid, state: 'created' });
    } catch (error) {
      const retryable = (error as { retryable?: boolean }).retryable !== false;
      const message = error instanceof Error ? error.message : String(error);
      if (retryable) {
        const delay = Math.min(
          this.settings.dispatchBackoffMaxMs,
          this.settings.dispatchBackoffBaseMs * 2 ** Math.min(request.createAttempts - 1, 16),
        );
        await this.store.transitionRequest(
          request.id,
          ['queued'],
          'queued',
          {
            lastError: message,
            nextAttemptAt: new Date(Date.now() + delay),
          },
          WORKER,
        );
        this.log.warn('sign request not sent yet; will retry', {
          requestId: request.id,
          retryInMs: delay,
          error: message,
        });
      } else {
        await this.store.transitionRequest(request.id, ['queued'], 'failed', { lastError: message }, WORKER, {
          error: message,
        });
        this.log.error('sign request refused by Xaman', { requestId: request.id, error: message });
        await this.settleIfUnreachable(request.proposalId);
      }
    }
  }

  /** Watches the payload's WebSocket in this process: a resolution is processed at once. */
  watch(payloadUuid: string): void {
    if (this.watches.has(payloadUuid)) return;
    const handle = this.xaman.watchPayload(payloadUuid, () => {
      void this.processPayload(payloadUuid, 'websocket').catch((error: unknown) =>
        this.log.warn('websocket-triggered processing failed', { payloadUuid, error: String(error) }),
      );
    });
    this.watches.set(payloadUuid, handle);
  }

  private unwatch(payloadUuid: string | null): void {
    if (!payloadUuid) return;
    this.watches.get(payloadUuid)?.close();
    this.watches.delete(payloadUuid);
  }

  closeWatches(): void {
    for (const handle of this.watches.values()) handle.close();
    this.watches.clear();
  }

  // ---------------------------------------------------------------- resolutions

  /**
   * Acts on the current state of a Xaman payload, read from the Xaman API (never from what a webhook
   * or socket said). Idempotent: any number of webhooks, socket events and polls may call it.
   */
  async processPayload(
    payloadUuid: string,
    source: 'webhook' | 'websocket' | 'poll',
  ): Promise<'unknown' | 'ignored' | 'signed' | 'refused' | 'rejected' | 'expired' | 'opened' | 'pending'> {
    const request = await this.store.findRequestByPayload(payloadUuid);
    if (!request) return 'unknown';
    if (!LIVE_REQUEST_STATES.includes(request.state)) {
      // Already settled (perhaps by another process): stop watching; a quorum may still await a combine.
      this.unwatch(payloadUuid);
      if (request.state === 'signed') await this.tryCombine(request.proposalId);
      return 'ignored';
    }
    let payload: PayloadView;
    try {
      payload = await this.xaman.getPayload(payloadUuid);
    } catch (error) {
      if ((error as { xamanCode?: number | null }).xamanCode !== 404) throw error;
      // Xaman no longer knows the payload (purged, or another platform): it can never be signed.
      const gone = await this.store.transitionRequest(
        request.id,
        LIVE_REQUEST_STATES,
        'expired',
        { lastError: 'The payload no longer exists at Xaman' },
        XAMAN,
        { source, reason: 'PAYLOAD_NOT_FOUND' },
      );
      this.unwatch(payloadUuid);
      if (gone) await this.settleIfUnreachable(request.proposalId);
      return 'expired';
    }
    await this.store.touchRequest(request.id);
    const proposal = await this.store.findProposal(request.proposalId);
    if (!proposal) return 'ignored';

    if (payload.resolved && payload.signed) {
      if (!payload.hex) return 'pending'; // resolved but the blob is not readable yet: the next event/poll retries
      return this.acceptBlob(request, proposal, payload, source);
    }
    if (payload.resolved && !payload.signed) {
      const changed = await this.store.transitionRequest(
        request.id,
        LIVE_REQUEST_STATES,
        'rejected',
        { resolvedAt: new Date() },
        XAMAN,
        { source },
      );
      this.unwatch(payloadUuid);
      if (changed) {
        this.log.info('signer rejected', { proposalId: proposal.id, signer: request.signerAddress, source });
        await this.settleIfUnreachable(proposal.id);
      }
      return 'rejected';
    }
    if (payload.expired || payload.cancelled) {
      // An opened payload may still be resolved after expiry (Xaman: "open before, not resolve before").
      if (payload.opened && !payload.cancelled && proposal.state === 'collecting') return 'pending';
      await this.store.transitionRequest(
        request.id,
        LIVE_REQUEST_STATES,
        payload.cancelled ? 'cancelled' : 'expired',
        {},
        XAMAN,
        {
          source,
        },
      );
      this.unwatch(payloadUuid);
      await this.settleIfUnreachable(proposal.id);
      return 'expired';
    }
    if (payload.opened && request.state === 'created') {
      await this.store.transitionRequest(request.id, ['created'], 'opened', {}, XAMAN, { source });
      return 'opened';
    }
    return 'pending';
  }

  private async acceptBlob(
    request: SignatureRequestRecord,
    proposal: ProposalRecord,
    payload: PayloadView,
    source: string,
  ): Promise<'signed' | 'refused' | 'ignored'> {
    const hex = payload.hex!;
    this.unwatch(payload.uuid);
    const snapshot = proposal.signerListSnapshot;
    const facts = snapshot.facts?.[request.signerAddress] ?? {
      funded: true,
      masterDisabled: false,
      regularKey: null,
    };
    let refusal: { code: string; message: string; details?: unknown } | null = null;
    let signature: VerifiedSignature | null = null;

    // The blob is the evidence; Xaman's own account fields are only a cross-check after it.
    const verdict = verifySignerBlob(preparedOf(proposal), hex, request.signerAddress, {
      signerList: signerListOf(snapshot),
      signerFacts: facts,
    });
    if (!verdict.ok) {
      refusal = { code: verdict.code, message: verdict.message, details: verdict.details };
    } else if (payload.multisignAccount !== null && payload.multisignAccount !== request.signerAddress) {
      refusal = {
        code: 'XAMAN_SIGNER_MISMATCH',
        message: `Xaman reports the blob as signed by ${payload.multisignAccount}, not ${request.signerAddress}.`,
      };
    } else {
      signature = verdict.signature;
    }

    if (!signature) {
      const changed = await this.store.transitionRequest(
        request.id,
        LIVE_REQUEST_STATES,
        'refused',
        {
          blobHex: hex,
          blobTxid: payload.txid,
          refusalCode: refusal!.code,
          refusalDetail: refusal!.message,
          resolvedAt: new Date(),
        },
        XAMAN,
        { source, refusalCode: refusal!.code, details: refusal!.details },
      );
      if (changed) {
        this.log.warn('signer blob refused', {
          proposalId: proposal.id,
          signer: request.signerAddress,
          refusalCode: refusal!.code,
          source,
        });
        await this.settleIfUnreachable(proposal.id);
      }
      return 'refused';
    }

    if (proposal.state !== 'collecting') {
      // Too late to count (quorum already combined, or the proposal closed): keep the blob, count nothing.
      await this.store.transitionRequest(
        request.id,
        LIVE_REQUEST_STATES,
        'signed',
        {
          blobHex: hex,
          blobTxid: payload.txid,
          resolvedAt: new Date(),
          refusalDetail: `arrived while ${proposal.state}`,
        },
        XAMAN,
        { source, counted: false },
      );
      return 'ignored';
    }
    const stored = await this.store.recordSignature(
      request,
      LIVE_REQUEST_STATES,
      { hex, txid: payload.txid },
      {
        signerAddress: signature.account,
        signingPubKey: signature.signingPubKey,
        txnSignature: signature.txnSignature,
        keyType: signature.keyType,
        weight: signature.weight,
      },
      XAMAN,
    );
    if (stored) {
      this.log.info('signature verified and stored', {
        proposalId: proposal.id,
        signer: signature.account,
        keyType: signature.keyType,
        source,
      });
    }
    await this.tryCombine(proposal.id);
    return 'signed';
  }

  // ---------------------------------------------------------------- quorum, combine, submit

  /**
   * Combines the smallest sufficient set once the quorum is met. The conditional transition makes
   * exactly one caller win, whatever the number of processes; the blob and hash are stored before
   * anything is submitted.
   */
  async tryCombine(proposalId: string): Promise<boolean> {
    const proposal = await this.store.findProposal(proposalId);
    if (!proposal || proposal.state !== 'collecting') return false;
    if (proposal.deadline <= new Date()) return false; // the expiry job closes it
    const signatures = (await this.store.signaturesOf(proposalId)).map(toVerified);
    const list = signerListOf(proposal.signerListSnapshot);
    if (!quorumProgress(signatures, list).reached) return false;
    // Rule 7: the signers must be in the CURRENT SignerList. Re-read it before anything is combined.
    const current = (await this.ledger.accountFacts(String(proposal.preparedTx.Account))).signerList;
    const unchanged =
      current !== null &&
      current.quorum === list.quorum &&
      current.entries.length === list.entries.length &&
      current.entries.every((e) =>
        list.entries.some((x) => x.account === e.account && x.weight === e.weight),
      );
    if (!unchanged) {
      if (
        await this.store.transitionProposal(
          proposalId,
          ['collecting'],
          'invalidated',
          { finalReason: 'The SignerList changed on ledger before the quorum could be combined' },
          WORKER,
        )
      ) {
        this.log.warn('proposal invalidated at combine: SignerList changed', { proposalId });
        await this.cancelLiveRequests(proposalId);
      }
      return false;
    }
    const chosen = selectSignatures(signatures, list, proposal.maxSignatures);
    if (!chosen) return false;
    const combined = combine(preparedOf(proposal), chosen);
    const won = await this.store.transitionProposal(
      proposalId,
      ['collecting'],
      'quorum_reached',
      { combinedBlob: combined.blob, combinedHash: combined.hash },
      WORKER,
      { hash: combined.hash, signers: chosen.map((s) => s.account) },
    );
    if (!won) return false;
    this.log.info('quorum reached; combined', { proposalId, hash: combined.hash, signatures: chosen.length });
    await this.cancelLiveRequests(proposalId);
    await this.submit(proposalId);
    return true;
  }

  /** Submits the stored blob (first time, after a crash, or again after a retryable result). */
  async submit(proposalId: string): Promise<void> {
    let proposal = await this.store.findProposal(proposalId);
    if (!proposal || !proposal.combinedBlob) return;
    if (proposal.state === 'quorum_reached') {
      const validated = await this.ledger.validatedLedgerIndex().catch(() => null);
      const claimed = await this.store.transitionProposal(
        proposalId,
        ['quorum_reached'],
        'submitted',
        { submittedAt: new Date(), submittedLedgerIndex: validated },
        WORKER,
      );
      if (!claimed) return;
      proposal = (await this.store.findProposal(proposalId))!;
    } else if (proposal.state !== 'submitted') {
      return;
    }
    const outcome = await this.ledger.submit(proposal.combinedBlob!);
    await this.store.patchProposal(proposalId, ['submitted'], {
      submitAttempts: proposal.submitAttempts + 1,
      lastSubmitResult: outcome.result,
    });
    const verdict = submitVerdict(outcome.result, outcome.rpcError);
    this.log.info('submitted', { proposalId, result: outcome.result, verdict, hash: proposal.combinedHash });
    // A refusal is final only for the first submission: after that an earlier copy may still be on
    // its way, so the follow-up decides from validated ledgers.
    if (verdict === 'final' && proposal.submitAttempts === 0) {
      await this.store.transitionProposal(
        proposalId,
        ['submitted'],
        'failed',
        { resultCode: outcome.result, finalReason: `Rejected at submission: ${outcome.message}` },
        WORKER,
        { result: outcome.result },
      );
    } else if (verdict === 'sequence_consumed') {
      await this.follow(proposalId);
    }
  }

  /**
   * Settles a submitted proposal from validated ledgers only: by its hash, then by (Account,
   * Sequence/Ticket) because multisigned hashes are malleable; "never applied" only once a validated
   * ledger is past LastLedgerSequence with unbroken history. Otherwise submits again if the last
   * result was retryable.
   */
  async follow(proposalId: string): Promise<void> {
    const proposal = await this.store.findProposal(proposalId);
    if (!proposal || proposal.state !== 'submitted' || !proposal.combinedHash) return;
    const account = String(proposal.preparedTx.Account);
    // 1. Our exact blob in a validated ledger?
    const lookup = await this.ledger.transaction(proposal.combinedHash);
    if (lookup.found && lookup.validated && lookup.result) {
      await this.settle(proposal, lookup.hash, lookup.result, lookup.ledgerIndex, lookup.deliveredAmount);
      return;
    }
    // 2. Is our Sequence/Ticket still unused in the latest validated ledger?
    const [facts, tickets] = await Promise.all([
      this.ledger.accountFacts(account),
      proposal.ticketSequence !== null ? this.ledger.tickets(account) : Promise.resolve([] as number[]),
    ]);
    const consumed =
      proposal.ticketSequence !== null
        ? !tickets.includes(proposal.ticketSequence)
        : facts.sequence !== null && facts.sequence > proposal.sequence;
    if (consumed) {
      // Multisigned hashes are malleable: find what used the number, by (Account, Sequence/Ticket).
      const history = await this.ledger.accountTransactions(
        account,
        Math.max(1, proposal.signerListSnapshot.ledgerIndex),
      );
      const consumer = history.find(
        ({ tx }) =>
          tx.Account === account &&
          (proposal.ticketSequence !== null
            ? tx.TicketSequence === proposal.ticketSequence
            : tx.Sequence === proposal.sequence && !tx.TicketSequence),
      );
      if (!consumer) {
        this.log.warn('Sequence/Ticket used but its transaction is not in the server history yet', {
          proposalId,
        });
      } else if (isPreparedTransaction(consumer.tx, proposal.preparedTxHex)) {
        // Ours, with another signer subset (malleated hash): the effect is what was signed.
        await this.settle(
          proposal,
          consumer.hash,
          consumer.result,
          consumer.ledgerIndex,
          consumer.deliveredAmount,
        );
      } else {
        await this.store.transitionProposal(
          proposal.id,
          ['submitted'],
          'superseded',
          {
            resultHash: consumer.hash,
            resultLedgerIndex: consumer.ledgerIndex,
            finalReason: `Sequence/Ticket consumed by another transaction ${consumer.hash}`,
          },
          WORKER,
          { by: consumer.hash },
        );
        this.log.warn('proposal superseded', { proposalId, by: consumer.hash });
      }
      return;
    }
    // 3. Unused in a validated ledger past LastLedgerSequence: it can never apply.
    if (facts.ledgerIndex > proposal.lastLedgerSequence) {
      await this.store.transitionProposal(
        proposal.id,
        ['submitted'],
        'expired',
        {
          resultCode: proposal.lastSubmitResult,
          finalReason: `Validated ledger ${facts.ledgerIndex} is past LastLedgerSequence ${proposal.lastLedgerSequence} and the ${proposal.ticketSequence !== null ? `Ticket ${proposal.ticketSequence}` : `Sequence ${proposal.sequence}`} is unused: the transaction was never applied and never can be.`,
        },
        WORKER,
      );
      this.log.warn('submitted transaction expired unapplied', { proposalId });
      return;
    }
    // 4. Never answered (the process or the connection died mid-submit) or a retryable result: submit
    // the same blob again. Idempotent: rippled applies one transaction once.
    const unanswered =
      proposal.lastSubmitResult === null &&
      (proposal.submittedAt === null ||
        Date.now() - proposal.submittedAt.getTime() > this.settings.submitGraceMs);
    if (
      unanswered ||
      (proposal.lastSubmitResult !== null && submitVerdict(proposal.lastSubmitResult, false) === 'retry')
    ) {
      await this.submit(proposal.id);
    } else {
      // Rotate: the follow-up visits the least recently followed proposals first.
      await this.store.patchProposal(proposal.id, ['submitted'], {});
    }
  }

  private async settle(
    proposal: ProposalRecord,
    hash: string,
    result: string,
    ledgerIndex: number | null,
    deliveredAmount: unknown,
  ): Promise<void> {
    const success = result === 'tesSUCCESS';
    const changed = await this.store.transitionProposal(
      proposal.id,
      ['submitted'],
      success ? 'succeeded' : 'failed',
      {
        resultCode: result,
        resultLedgerIndex: ledgerIndex,
        resultHash: hash,
        deliveredAmount: deliveredAmount ?? null,
        finalReason: success
          ? null
          : `Included in validated ledger ${ledgerIndex} with ${result} (fee spent).`,
      },
      WORKER,
      { result, ledgerIndex, hash },
    );
    if (changed) this.log.info('proposal settled', { proposalId: proposal.id, result, ledgerIndex, hash });
  }

  // ---------------------------------------------------------------- closing

  /** Ends a collecting proposal as `rejected` once the signers still able to sign cannot reach the quorum. */
  private async settleIfUnreachable(proposalId: string): Promise<void> {
    const proposal = await this.store.findProposal(proposalId);
    if (!proposal || proposal.state !== 'collecting') return;
    const requests = await this.store.requestsOf(proposalId);
    const unavailable = requests
      .filter((r) => ['rejected', 'refused', 'failed', 'expired', 'cancelled'].includes(r.state))
      .map((r) => r.signerAddress);
    if (!isQuorumUnreachable(signerListOf(proposal.signerListSnapshot), unavailable, proposal.maxSignatures))
      return;
    const reasons = requests
      .filter((r) => !LIVE_REQUEST_STATES.includes(r.state) && r.state !== 'signed')
      .map((r) => `${r.signerAddress}: ${r.state}${r.refusalCode ? ` (${r.refusalCode})` : ''}`);
    const changed = await this.store.transitionProposal(
      proposalId,
      ['collecting'],
      'rejected',
      { finalReason: `The quorum can no longer be reached: ${reasons.join(', ')}` },
      WORKER,
      { reasons },
    );
    if (changed) {
      this.log.info('proposal rejected: quorum unreachable', { proposalId });
      await this.cancelLiveRequests(proposalId);
    }
  }

  /** Cancels every payload still open; returns per request what Xaman answered. */
  private async cancelLiveRequests(
    proposalId: string,
  ): Promise<{ signer: string; cancelled: boolean; reason: string }[]> {
    const requests = (await this.store.requestsOf(proposalId)).filter((r) =>
      LIVE_REQUEST_STATES.includes(r.state),
    );
    return Promise.all(requests.map((r) => this.cancelRequestPayload(r)));
  }

  private async cancelRequestPayload(
    request: SignatureRequestRecord,
  ): Promise<{ signer: string; cancelled: boolean; reason: string }> {
    if (request.state === 'queued' || !request.xamanPayloadUuid) {
      const done = await this.store.transitionRequest(request.id, ['queued'], 'cancelled', {}, WORKER);
      return { signer: request.signerAddress, cancelled: done, reason: done ? 'NOT_SENT' : 'STATE_CHANGED' };
    }
    try {
      const result = await this.xaman.cancelPayload(request.xamanPayloadUuid);
      if (result.cancelled || result.reason === 'ALREADY_EXPIRED' || result.reason === 'ALREADY_CANCELLED') {
        await this.store.transitionRequest(request.id, ['created', 'opened'], 'cancelled', {}, WORKER, {
          reason: result.reason,
        });
        this.unwatch(request.xamanPayloadUuid);
      }
      return { signer: request.signerAddress, cancelled: result.cancelled, reason: result.reason };
    } catch (error) {
      this.log.warn('payload cancel failed', { requestId: request.id, error: String(error) });
      return { signer: request.signerAddress, cancelled: false, reason: 'XAMAN_UNAVAILABLE' };
    }
  }

  async cancel(
    proposalId: string,
    actor: Actor,
  ): Promise<{ proposal: ProposalView; payloads: { signer: string; cancelled: boolean; reason: string }[] }> {
    const proposal = UUID.test(proposalId) ? await this.store.findProposal(proposalId) : null;
    if (!proposal) throw new DomainError('PROPOSAL_NOT_FOUND', `No proposal ${proposalId}.`, { proposalId });
    const changed = await this.store.transitionProposal(
      proposalId,
      ['collecting'],
      'cancelled',
      { finalReason: 'Cancelled by an operator' },
      actor,
    );
    if (!changed) {
      const now = (await this.store.findProposal(proposalId))!;
      throw new DomainError(
        'PROPOSAL_NOT_CANCELLABLE',
        now.state === 'quorum_reached' || now.state === 'submitted'
          ? `The proposal is ${now.state}: its transaction is already combined and may be on its way to the ledger.`
          : `The proposal is already ${now.state}.`,
        { state: now.state },
      );
    }
    const payloads = await this.cancelLiveRequests(proposalId);
    this.log.info('proposal cancelled', {
      proposalId,
      notCancellable: payloads.filter((p) => !p.cancelled).length,
    });
    return { proposal: await this.view(proposalId), payloads };
  }

  /**
   * Collecting proposals whose Sequence or Ticket was already used on the validated ledger can never
   * apply: they end as `superseded` and their payloads are withdrawn, so nobody signs in vain.
   */
  async supersedeSpent(accountId: string, accountAddress: string): Promise<string[]> {
    const open = await this.store.proposalsInStates(['collecting'], 1000, accountId);
    if (open.length === 0) return [];
    const [facts, tickets] = await Promise.all([
      this.ledger.accountFacts(accountAddress),
      this.ledger.tickets(accountAddress),
    ]);
    if (!facts.exists || facts.sequence === null) return [];
    const superseded: string[] = [];
    for (const proposal of open) {
      const spent =
        proposal.ticketSequence !== null
          ? !tickets.includes(proposal.ticketSequence) && proposal.ticketSequence < facts.sequence
          : proposal.sequence < facts.sequence;
      if (!spent) continue;
      const what =
        proposal.ticketSequence !== null
          ? `Ticket ${proposal.ticketSequence}`
          : `Sequence ${proposal.sequence}`;
      const changed = await this.store.transitionProposal(
        proposal.id,
        ['collecting'],
        'superseded',
        { finalReason: `${what} was used by another transaction (validated ledger ${facts.ledgerIndex})` },
        WORKER,
      );
      if (changed) {
        superseded.push(proposal.id);
        await this.cancelLiveRequests(proposal.id);
        this.log.warn('proposal superseded before quorum', { proposalId: proposal.id, what });
      }
    }
    return superseded;
  }

  /** After proposals were invalidated (SignerList or keys changed): withdraw their open payloads. */
  async withdrawPayloads(proposalIds: readonly string[]): Promise<void> {
    for (const proposalId of proposalIds) await this.cancelLiveRequests(proposalId);
  }

  // ---------------------------------------------------------------- worker jobs

  /** Sends queued sign requests whose back-off has passed. */
  async dispatchQueued(limit = 50): Promise<number> {
    const ids = await this.store.dueQueuedRequests(limit);
    for (const id of ids) await this.dispatchRequest(id);
    return ids.length;
  }

  /** The polling fallback: re-reads open payloads not checked for a while (missed webhooks). */
  async pollOpenPayloads(limit = 50): Promise<number> {
    const requests = await this.store.openRequestsNotSeenSince(
      new Date(Date.now() - this.settings.pollIntervalMs),
      limit,
    );
    for (const request of requests) {
      if (!request.xamanPayloadUuid) continue;
      try {
        await this.processPayload(request.xamanPayloadUuid, 'poll');
      } catch (error) {
        this.log.warn('poll of a payload failed', { requestId: request.id, error: String(error) });
      }
    }
    return requests.length;
  }

  /** Closes proposals past their deadline or LastLedgerSequence, and cancels their payloads. */
  async expireDue(limit = 100): Promise<number> {
    // Without the ledger, deadlines still expire (LastLedgerSequence is checked once it answers).
    const validated = await this.ledger.validatedLedgerIndex().catch(() => 0);
    const due = await this.store.proposalsDueForExpiry(new Date(), validated, limit);
    let expired = 0;
    for (const proposal of due) {
      const reason =
        validated > 0 && validated > proposal.lastLedgerSequence
          ? `LastLedgerSequence ${proposal.lastLedgerSequence} passed before the quorum was reached`
          : 'The signing deadline passed before the quorum was reached';
      if (
        await this.store.transitionProposal(
          proposal.id,
          ['collecting'],
          'expired',
          { finalReason: reason },
          WORKER,
        )
      ) {
        expired++;
        await this.cancelLiveRequests(proposal.id);
      }
    }
    return expired;
  }

  /** Crash recovery and follow-up: finishes every combined or submitted proposal. */
  async advanceSubmissions(limit = 100): Promise<void> {
    for (const proposal of await this.store.proposalsInStates(['quorum_reached'], limit))
      await this.submit(proposal.id);
    // Quorums a process stored but died before combining.
    for (const proposalId of await this.store.proposalsAwaitingCombine(limit))
      await this.tryCombine(proposalId);
    for (const proposal of await this.store.proposalsInStates(['submitted'], limit)) {
      try {
        await this.follow(proposal.id);
      } catch (error) {
        this.log.warn('follow-up failed', { proposalId: proposal.id, error: String(error) });
      }
    }
  }

  // ---------------------------------------------------------------- reading

  async view(proposalId: string): Promise<ProposalView> {
    const proposal = UUID.test(proposalId) ? await this.store.findProposal(proposalId) : null;
    if (!proposal) throw new DomainError('PROPOSAL_NOT_FOUND', `No proposal ${proposalId}.`, { proposalId });
    const [requests, signatures] = await Promise.all([
      this.store.requestsOf(proposalId),
      this.store.signaturesOf(proposalId),
    ]);
    return buildProposalView(proposal, requests, signatures);
  }

  async list(filter: { state?: ProposalState; accountId?: string; cursor?: string; limit: number }): Promise<{
    items: ProposalView[];
    nextCursor: string | null;
  }> {
    let after: { createdAt: Date; id: string } | undefined;
    if (filter.cursor) {
      try {
        const [time, id] = Buffer.from(filter.cursor, 'base64url').toString('utf8').split('|');
        if (!time || !id || !UUID.test(id) || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(time)) {
          throw new Error('bad');
        }
        after = { createdAt: new Date(time), id };
      } catch {
        throw new DomainError('INVALID_CURSOR', 'The cursor is not one this API returned.');
      }
    }
    const rows = await this.store.listProposals({
      state: filter.state,
      accountId: filter.accountId,
      after,
      limit: filter.limit + 1,
    });
    const page = rows.slice(0, filter.limit);
    const items = await Promise.all(
      page.map(async (p) =>
        buildProposalView(p, await this.store.requestsOf(p.id), await this.store.signaturesOf(p.id)),
      ),
    );
    const last = page[page.length - 1];
    return {
      items,
      nextCursor:
        rows.length > filter.limit && last
          ? Buffer.from(`${last.createdAt.toISOString()}|${last.id}`).toString('base64url')
          : null,
    };
  }
}

export function buildProposalView(
  proposal: ProposalRecord,
  requests: SignatureRequestRecord[],
  signatures: SignatureRecord[],
): ProposalView {
  const snapshot = proposal.signerListSnapshot;
  const counted = new Set(signatures.map((s) => s.signerAddress));
  const collectedWeight = snapshot.entries
    .filter((e) => counted.has(e.account))
    .reduce((sum, e) => sum + e.weight, 0);
  const latest = new Map<string, SignatureRequestRecord>();
  for (const request of requests) {
    const seen = latest.get(request.signerAddress);
    if (!seen || request.attempt > seen.attempt) latest.set(request.signerAddress, request);
  }
  return {
    id: proposal.id,
    accountId: proposal.accountId,
    state: proposal.state,
    transactionType: proposal.transactionType,
    preparedTx: proposal.preparedTx,
    fee: String(proposal.feeDrops),
    sequence: proposal.sequence,
    ticketSequence: proposal.ticketSequence,
    lastLedgerSequence: proposal.lastLedgerSequence,
    deadline: proposal.deadline,
    instruction: proposal.instruction,
    quorum: {
      required: snapshot.quorum,
      collectedWeight,
      reached: collectedWeight >= snapshot.quorum,
      maxSignatures: proposal.maxSignatures,
    },
    signers: snapshot.entries.map((entry) => {
      const request = latest.get(entry.account);
      return {
        address: entry.account,
        weight: entry.weight,
        state: request?.state ?? 'none',
        pushed: request?.pushed ?? null,
        signLink: request?.signLink ?? null,
        qrPng: request?.qrPng ?? null,
        payloadUuid: request?.xamanPayloadUuid ?? null,
        signatureCounted: counted.has(entry.account),
        refusalCode: request?.refusalCode ?? null,
        refusalReason: request?.refusalDetail ?? null,
        resolvedAt: request?.resolvedAt ?? null,
      };
    }),
    hash: proposal.combinedHash,
    submission: {
      attempts: proposal.submitAttempts,
      lastResult: proposal.lastSubmitResult,
      submittedAt: proposal.submittedAt,
    },
    result: {
      transactionResult: proposal.resultCode,
      ledgerIndex: proposal.resultLedgerIndex,
      hash: proposal.resultHash,
      deliveredAmount: proposal.deliveredAmount,
      reason: proposal.finalReason,
    },
    createdAt: proposal.createdAt,
    updatedAt: proposal.updatedAt,
    closedAt: proposal.closedAt,
  };
}

export { payloadIdentifier, OPEN_PROPOSAL_STATES };
