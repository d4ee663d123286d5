import { AccountRepository } from '../ports/account.repository';
import { ProposalRepository } from '../ports/proposal.repository';
import { XamanApiError, XamanPort } from '../ports/xaman.port';
import { isUpstreamError } from '../errors/domain.error';
import { CoordinatorSettings, forceNetworkOf } from '../settings';
import { Actor } from '../shared/actor';
import { Clock } from '../shared/clock';
import { DomainLogger } from '../shared/logger';
import { SignerTokens } from '../accounts/signer-tokens';
import { StateChanges } from '../state/state-changes';
import { PayloadWatches } from './payload-watches';
import { signerInstruction } from './signer-summary';
import { WithdrawPayloads } from './withdraw-payloads.use-case';

interface CreatedPayload {
  uuid: string;
  pushed: boolean | null;
  signLink: string;
  qrPng: string | null;
}

/**
 * Creates the Xaman payload of a queued sign request (`multisign`, `submit: false`, only this
 * signer, pushed through the signer's user token when it has a live one). Rate limits and outages
 * leave it queued with a back-off; a retry reuses the same custom identifier, so a payload created
 * by an attempt whose answer was lost is found again instead of duplicated.
 */
export class DispatchSignRequest {
  constructor(
    private readonly proposals: ProposalRepository,
    private readonly accounts: AccountRepository,
    private readonly changes: StateChanges,
    private readonly xaman: XamanPort,
    private readonly tokens: SignerTokens,
    private readonly watches: PayloadWatches,
    private readonly withdrawal: WithdrawPayloads,
    private readonly clock: Clock,
    private readonly settings: CoordinatorSettings,
    private readonly log: DomainLogger,
  ) {}

  /** Worker: sends queued requests whose back-off has passed. */
  async dispatchDue(actor: Actor, limit = 50): Promise<number> {
    const ids = await this.proposals.dueQueuedRequests(this.clock.now(), limit);
    for (const id of ids) await this.execute(id, actor);
    return ids.length;
  }

  /** `first`: the process that created the proposal sends its requests before their lease ends. */
  async execute(requestId: string, actor: Actor, first = false): Promise<void> {
    const now = this.clock.now();
    const request = await this.proposals.claimRequestForDispatch(
      requestId,
      now,
      new Date(now.getTime() + this.settings.dispatchLeaseMs),
      first,
    );
    if (!request) return;
    const proposal = await this.proposals.find(request.proposalId);
    if (!proposal || proposal.state !== 'collecting') {
      await this.changes.request(request.id, 'withdrawn', actor, { details: { reason: 'NOT_SENT' } });
      return;
    }
    const signer = (await this.accounts.signersOf(proposal.accountId)).find((s) => s.id === request.signerId);
    const forceNetwork = await this.forceNetworkFor(proposal.accountId);
    // Pushed only to a token Xaman still holds active (checked now); else sign link and QR.
    const userToken = signer ? await this.tokens.tokenForPush(signer, actor) : null;
    // The payload lives as long as the proposal's window: it expires at Xaman at the deadline.
    const expireMinutes = Math.max(1, Math.ceil((proposal.deadline.getTime() - now.getTime()) / 60_000));
    let created: CreatedPayload;
    try {
      created = await this.create(request.customIdentifier, {
        txjson: proposal.preparedTx,
        userToken,
        signer: request.signerAddress,
        expireMinutes,
        forceNetwork,
        identifier: request.customIdentifier,
        // Signers read what the transaction does, generated from its bytes, then the proposer's note.
        instruction: signerInstruction(proposal.preparedTx, proposal.instruction),
        blob: { proposalId: proposal.id, requestId: request.id },
      });
    } catch (error) {
      await this.failed(request, error, actor);
      return;
    }
    const recorded = await this.changes.request(request.id, 'payloadCreated', actor, {
      patch: {
        xamanPayloadUuid: created.uuid,
        pushed: created.pushed,
        signLink: created.signLink,
        qrPng: created.qrPng,
        lastError: null,
        nextAttemptAt: null,
      },
      details: { payloadUuid: created.uuid, pushed: created.pushed },
    });
    if (!recorded) {
      // The request was withdrawn while the payload was being created: nobody must sign it.
      await this.xaman.cancelPayload(created.uuid).catch(() => undefined);
      return;
    }
    this.log.info('sign request sent', {
      proposalId: proposal.id,
      requestId: request.id,
      payloadUuid: created.uuid,
      pushed: created.pushed,
    });
    this.watches.watch(created.uuid);
    // The proposal may have closed while the payload was being created.
    const latest = await this.proposals.find(proposal.id);
    if (latest && latest.state !== 'collecting') await this.withdrawal.forProposal(proposal.id, actor);
  }

  /** The account's network's `force_network` (one PK read, only when several networks are served). */
  private async forceNetworkFor(accountId: string): Promise<string | null> {
    if (Object.keys(this.settings.forceNetworks).length <= 1) return this.settings.forceNetwork;
    const account = await this.accounts.find(accountId);
    return forceNetworkOf(this.settings, account?.network ?? this.settings.network);
  }

  private async create(
    identifier: string,
    input: Parameters<XamanPort['createPayload']>[0],
  ): Promise<CreatedPayload> {
    try {
      return await this.xaman.createPayload(input);
    } catch (error) {
      if (!(error instanceof XamanApiError) || error.xamanCode !== 409) throw error;
      // Duplicate identifier: an earlier attempt created it. Find it instead of making another.
      const existing = await this.xaman.getPayloadByIdentifier(identifier);
      if (!existing) throw error;
      const signLink = this.xaman.signLinkFor(existing.uuid);
      // Whether that attempt pushed is unknown: its answer was lost.
      return { uuid: existing.uuid, pushed: null, signLink, qrPng: `${signLink}_q.png` };
    }
  }

  private async failed(
    request: { id: string; createAttempts: number },
    error: unknown,
    actor: Actor,
  ): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    const retryable = !isUpstreamError(error) || error.retryable;
    if (retryable) {
      const delay = Math.min(
        this.settings.dispatchBackoffMaxMs,
        this.settings.dispatchBackoffBaseMs * 2 ** Math.min(request.createAttempts - 1, 16),
      );
      await this.changes.request(request.id, 'dispatchDeferred', actor, {
        patch: { lastError: message, nextAttemptAt: new Date(this.clock.now().getTime() + delay) },
      });
      this.log.warn('sign request not sent yet; will retry', {
        requestId: request.id,
        retryInMs: delay,
        error: message,
      });
      return;
    }
    // Not a refusal by the signer: the proposal keeps collecting from the others until its deadline.
    await this.changes.request(request.id, 'dispatchFailed', actor, {
      patch: { lastError: message },
      details: { error: message },
    });
    this.log.error('sign request refused by Xaman', { requestId: request.id, error: message });
  }
}
