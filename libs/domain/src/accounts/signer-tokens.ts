import { AccountRepository, SignerPatch, TokenCheckRecord } from '../ports/account.repository';
import { UnitOfWork } from '../ports/unit-of-work';
import { UserTokenValidity, XamanPort } from '../ports/xaman.port';
import { SignerRecord } from '../records';
import { CoordinatorSettings } from '../settings';
import { Actor, WORKER_ACTOR } from '../shared/actor';
import { Clock } from '../shared/clock';
import { DomainLogger } from '../shared/logger';
import { GroupCommit } from '../shared/group-commit';
import { TokenCipher } from '../shared/token-cipher';
import { hasLiveToken } from './enrolment-state';

/** Xaman verifies at most this many tokens per call. */
const BATCH = 50;
/** How long the first refresh after a quiet moment waits for others to join its flight. */
export const TOKEN_REFRESH_GATHER_MS = 20;

/** A signer waiting for a refresh after a resolution: the token Xaman issued, and who caused it. */
interface QueuedRefresh {
  issuedUserToken: string | null;
  actor: Actor;
}

/** A stored token to ask Xaman about, and who the answer's audit entries are recorded for. */
interface TokenCheck {
  signer: SignerRecord;
  token: string;
  actor: Actor;
}

/**
 * The life cycle of signers' Xaman user_tokens. Xaman extends a token to 30 days after each signed
 * payload and reports the real expiry; the service takes it from Xaman (`POST user-tokens`) after
 * every resolution, before every push, and daily for all tokens. A token Xaman no longer knows as
 * active is dropped (requests go as sign link and QR; the signer shows `expired`, to enrol again);
 * one with less than the warning window left is audited once per expiry (`signer.token_expiring`).
 *
 * The refreshes after resolutions coalesce in the process, like a group commit: with none in flight,
 * a call starts one after a short gathering moment (TOKEN_REFRESH_GATHER_MS); calls arriving
 * meanwhile are queued, and when the flight ends one next flight takes them all (one read of their
 * signers, Xaman asked for up to 50 tokens per call, then the plain expiry updates written in one
 * statement; an expired or expiring token, with its audit entry, in its own unit of work). A signer queued twice is refreshed once, with its
 * latest call's actor (and the latest token Xaman issued). Each call resolves once the flight that
 * handled its signer has ended, and never rejects: failures are logged, the next flight still runs.
 */
export class SignerTokens {
  /** Signers waiting for the next flight, by id. */
  private queued = new Map<string, QueuedRefresh>();
  /** Resolves the calls of the queued signers (at the end of the flight that takes them). */
  private waiting: (() => void)[] = [];
  private flying = false;
  /** Resolved when the flights stop (idle). */
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly accounts: AccountRepository,
    private readonly uow: UnitOfWork,
    private readonly xaman: XamanPort,
    private readonly cipher: TokenCipher,
    private readonly clock: Clock,
    private readonly settings: CoordinatorSettings,
    private readonly log: DomainLogger,
    /** 0: a call after a quiet moment starts its flight at once (tests that count flights). */
    private readonly gatherMs = TOKEN_REFRESH_GATHER_MS,
  ) {}

  /**
   * After a verified signature from this signer: a token Xaman issued with it is the signer's (the
   * blob proved who signed), and the stored token's expiry moved; both are taken from Xaman. Resolves
   * once stored (or the failure logged): see the class comment for how concurrent calls coalesce.
   */
  afterSignedPayload(signerId: string, issuedUserToken: string | null, actor: Actor): Promise<void> {
    // A later call without an issued token (a rejection) does not undo a token issued before it.
    const earlier = this.queued.get(signerId);
    this.queued.set(signerId, {
      issuedUserToken: issuedUserToken ?? earlier?.issuedUserToken ?? null,
      actor,
    });
    const stored = new Promise<void>((resolve) => this.waiting.push(resolve));
    if (!this.flying) {
      this.flying = true;
      // Nothing urgent in a 30-day expiry: the calls of a short moment share one flight.
      if (this.gatherMs > 0) setTimeout(() => void this.fly(), this.gatherMs);
      else void this.fly();
    }
    return stored;
  }

  /** Resolves once no refresh is queued or in flight (the callers of this moment are all served). */
  async idle(): Promise<void> {
    if (!this.flying && this.queued.size === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /** Xaman's expiry of a token (null when Xaman cannot say now: the daily check fills it in). */
  async expiryOf(userToken: string): Promise<Date | null> {
    const [validity] = await this.xaman.verifyUserTokens([userToken]).catch(() => []);
    return validity?.expiresAt ?? null;
  }

  /** After a rejection: Xaman extends a live token then too (coalesced as `afterSignedPayload`). */
  afterResolution(signerId: string, actor: Actor): Promise<void> {
    return this.afterSignedPayload(signerId, null, actor);
  }

  /**
   * Stores a token proven to be the signer's (enrolment, or a verified signature), encrypted, with
   * Xaman's expiry (asked when not given).
   */
  async store(
    signer: SignerRecord,
    userToken: string,
    expiresAt: Date | null,
    actor: Actor,
    action: string,
    extra: SignerPatch = {},
  ): Promise<void> {
    const expiry = expiresAt ?? (await this.expiryOf(userToken));
    const now = this.clock.now();
    await this.uow.run(async (tx) => {
      await tx.accounts.updateSigner(signer.id, {
        userTokenCiphertext: this.cipher.encrypt(userToken.toLowerCase()),
        userTokenExpiresAt: expiry,
        userTokenCheckedAt: expiry === null ? null : now,
        enrolmentState: 'enrolled',
        tokenWarnedExpiry: null,
        ...extra,
      });
      await tx.audit.append(actor, {
        action,
        entityType: 'signer',
        entityId: signer.id,
        details: {
          accountId: signer.accountId,
          address: signer.address,
          expiresAt: expiry?.toISOString() ?? null,
        },
      });
    });
  }

  /**
   * Before a push: the token if Xaman still holds it active (its expiry refreshed), else null (the
   * request goes as sign link and QR). An unreachable Xaman leaves the stored expiry to decide.
   */
  async tokenForPush(signer: SignerRecord, actor: Actor): Promise<string | null> {
    if (!hasLiveToken(signer, this.clock.now())) return null;
    const token = this.tokenOf(signer);
    if (token === null) return null;
    try {
      const checked = await this.pushChecks.submit({ signer, token, actor });
      return checked?.active === false ? null : token;
    } catch (error) {
      this.log.warn('user_token not verified before a push; using the stored expiry', {
        signerId: signer.id,
        error: String(error),
      });
      return token;
    }
  }

  /**
   * The checks before pushes that arrive together (the requests of a proposal are dispatched at once)
   * share one Xaman call and one write of the plain answers; a failed call is retried per signer.
   */
  private readonly pushChecks = new GroupCommit<TokenCheck, UserTokenValidity | null>(
    async (batch) => {
      const answers = await this.xaman.verifyUserTokens(batch.map((c) => c.token));
      await this.recordAnswers(batch, answers);
      return batch.map((c) => answerFor(answers, c.token) ?? null);
    },
    { maxBatch: BATCH, concurrency: 1, key: (check) => check.signer.id },
  );

  /** Worker (daily): every stored token, verified in batches; returns how many were checked. */
  async verifyAll(actor: Actor = WORKER_ACTOR): Promise<number> {
    let afterId: string | null = null;
    let checked = 0;
    for (;;) {
      const page = await this.accounts.signersWithTokens(afterId, BATCH);
      if (page.length === 0) return checked;
      await this.verify(page, actor);
      checked += page.length;
      afterId = page[page.length - 1]!.id;
    }
  }

  /** Flights, one after the other, while signers are queued; each flight's callers resolve at its end. */
  private async fly(): Promise<void> {
    this.flying = true;
    try {
      while (this.queued.size > 0) {
        const batch = this.queued;
        const waiting = this.waiting;
        this.queued = new Map();
        this.waiting = [];
        try {
          await this.refresh(batch);
        } catch (error) {
          this.notRefreshed({ signerIds: [...batch.keys()] }, error);
        } finally {
          for (const resolve of waiting) resolve();
        }
      }
    } finally {
      this.flying = false;
      const idle = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of idle) resolve();
    }
  }

  /**
   * One flight: the queued signers read at once; a different token Xaman issued is stored (per
   * signer), the others' stored tokens verified up to BATCH per Xaman call and recorded per signer.
   * A failed Xaman call or write is logged for the signers it concerns; the others go on.
   */
  private async refresh(batch: Map<string, QueuedRefresh>): Promise<void> {
    const signers = await this.accounts.findSigners([...batch.keys()]);
    const checks: TokenCheck[] = [];
    for (const signer of signers) {
      const { issuedUserToken, actor } = batch.get(signer.id)!;
      const token = this.tokenOf(signer);
      if (issuedUserToken !== null && token !== issuedUserToken.toLowerCase()) {
        await this.store(signer, issuedUserToken, null, actor, 'signer.token_issued').catch((error) =>
          this.notRefreshed({ signerId: signer.id }, error),
        );
      } else if (token !== null) {
        checks.push({ signer, token, actor });
      }
    }
    for (let i = 0; i < checks.length; i += BATCH) {
      const chunk = checks.slice(i, i + BATCH);
      let answers: UserTokenValidity[];
      try {
        answers = await this.xaman.verifyUserTokens(chunk.map((c) => c.token));
      } catch (error) {
        this.notRefreshed({ signerIds: chunk.map((c) => c.signer.id) }, error);
        continue;
      }
      await this.recordAnswers(chunk, answers);
    }
  }

  /** Xaman's answers for these checks: the plain expiries in one write, the others one by one. */
  private async recordAnswers(checks: readonly TokenCheck[], answers: UserTokenValidity[]): Promise<void> {
    const now = this.clock.now();
    const plain: TokenCheckRecord[] = [];
    for (const { signer, token, actor } of checks) {
      const answer = answerFor(answers, token);
      if (!answer) continue;
      const expiresAt = this.plainCheck(signer, answer, now);
      if (expiresAt !== undefined) {
        plain.push({ signerId: signer.id, expiresAt, checkedAt: now });
        continue;
      }
      await this.record(signer, answer, now, actor).catch((error) =>
        this.notRefreshed({ signerId: signer.id }, error),
      );
    }
    await this.recordChecks(plain);
  }

  /** One write for all; if it fails, one per signer, so a failure is logged for the signer it concerns. */
  private async recordChecks(checks: TokenCheckRecord[]): Promise<void> {
    try {
      await this.accounts.recordTokenChecks(checks);
      return;
    } catch (error) {
      if (checks.length === 1) {
        this.notRefreshed({ signerId: checks[0]!.signerId }, error);
        return;
      }
    }
    for (const check of checks) {
      await this.accounts
        .recordTokenChecks([check])
        .catch((error) => this.notRefreshed({ signerId: check.signerId }, error));
    }
  }

  /**
   * The expiry to store when Xaman's answer needs nothing but that (a live token, not newly
   * expiring: no audit entry); undefined when `record` has more to do.
   */
  private plainCheck(signer: SignerRecord, answer: UserTokenValidity, now: Date): Date | null | undefined {
    if (!answer.active || (answer.expiresAt !== null && answer.expiresAt <= now)) return undefined;
    const expiresAt = answer.expiresAt ?? signer.userTokenExpiresAt;
    const expiring =
      expiresAt !== null && expiresAt.getTime() - now.getTime() < this.settings.tokenExpiryWarningMs;
    const warn = expiring && signer.tokenWarnedExpiry?.getTime() !== expiresAt.getTime();
    return warn ? undefined : expiresAt;
  }

  private notRefreshed(signers: { signerId: string } | { signerIds: string[] }, error: unknown): void {
    this.log.warn('user_token not refreshed after a resolution', { ...signers, error: String(error) });
  }

  /** Asks Xaman about these signers' tokens and records the answers. */
  private async verify(signers: SignerRecord[], actor: Actor): Promise<UserTokenValidity[]> {
    const withToken = signers
      .map((signer) => ({ signer, token: this.tokenOf(signer) }))
      .filter((s): s is { signer: SignerRecord; token: string } => s.token !== null);
    if (withToken.length === 0) return [];
    const answers = await this.xaman.verifyUserTokens(withToken.map((s) => s.token));
    const now = this.clock.now();
    for (const { signer, token } of withToken) {
      const answer = answerFor(answers, token);
      if (!answer) continue;
      await this.record(signer, answer, now, actor);
    }
    return answers;
  }

  private async record(signer: SignerRecord, answer: UserTokenValidity, now: Date, actor: Actor) {
    if (!answer.active || (answer.expiresAt !== null && answer.expiresAt <= now)) {
      await this.uow.run(async (tx) => {
        await tx.accounts.updateSigner(signer.id, {
          userTokenCiphertext: null,
          userTokenExpiresAt: answer.expiresAt,
          userTokenCheckedAt: now,
          enrolmentState: 'expired',
        });
        await tx.audit.append(actor, {
          action: 'signer.token_expired',
          entityType: 'signer',
          entityId: signer.id,
          details: { accountId: signer.accountId, address: signer.address },
        });
      });
      this.log.warn('signer user_token expired: requests go as sign link and QR', {
        signerId: signer.id,
        address: signer.address,
      });
      return;
    }
    const expiresAt = answer.expiresAt ?? signer.userTokenExpiresAt;
    const expiring =
      expiresAt !== null && expiresAt.getTime() - now.getTime() < this.settings.tokenExpiryWarningMs;
    const warn = expiring && signer.tokenWarnedExpiry?.getTime() !== expiresAt.getTime();
    await this.uow.run(async (tx) => {
      await tx.accounts.updateSigner(signer.id, {
        userTokenExpiresAt: expiresAt,
        userTokenCheckedAt: now,
        ...(warn ? { tokenWarnedExpiry: expiresAt } : {}),
      });
      if (warn) {
        // An outbound event for the lead to connect to webhooks: the token is about to stop pushes.
        await tx.audit.append(actor, {
          action: 'signer.token_expiring',
          entityType: 'signer',
          entityId: signer.id,
          details: {
            accountId: signer.accountId,
            address: signer.address,
            expiresAt: expiresAt.toISOString(),
          },
        });
      }
    });
  }

  private tokenOf(signer: SignerRecord): string | null {
    if (signer.userTokenCiphertext === null) return null;
    try {
      return this.cipher.decrypt(signer.userTokenCiphertext);
    } catch {
      this.log.error('stored user_token cannot be decrypted (TOKEN_ENCRYPTION_KEY changed?)', {
        signerId: signer.id,
      });
      return null;
    }
  }
}

/** Xaman's answer about this (lower-case) token, if it gave one. */
function answerFor(answers: UserTokenValidity[], token: string): UserTokenValidity | undefined {
  return answers.find((a) => a.userToken.toLowerCase() === token);
}
