import { randomUUID } from 'node:crypto';
import { buildDomain, Domain } from '../../test/fakes';
import { xamanErrors } from '../../test/fakes/fake-xaman';
import { operator, otherOperator } from '../../test/domain.fixtures';
import { SignerRecord } from '../records';
import { DomainLogger } from '../shared/logger';
import { SignerTokens } from './signer-tokens';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/**
 * Refreshing tokens after resolutions coalesces like a group commit: a call with nothing in flight
 * starts a refresh at once; calls arriving meanwhile are refreshed together by the next one (one
 * read of their signers, Xaman asked for up to 50 tokens per call).
 */
describe('SignerTokens after resolutions: concurrent refreshes are batched', () => {
  let d: Domain;
  let tokens: SignerTokens;
  let warnings: { message: string; fields: Record<string, unknown> | undefined }[];
  /** Each signer's stored token (a distinct one per signer). */
  let tokenOf: Map<string, string>;

  const recordingLogger = (): DomainLogger => ({
    info: () => undefined,
    warn: (message, fields) => warnings.push({ message, fields }),
    error: () => undefined,
  });

  /** `count` signers of one account, each holding a live token Xaman reports a distinct expiry for. */
  async function signersWithLiveTokens(count: number): Promise<SignerRecord[]> {
    const account = await d.accounts.insert(
      {
        network: 'testnet',
        address: `rAccount${randomUUID()}`,
        label: null,
        signerQuorum: 1,
        signerListLedgerIndex: 1,
        masterDisabled: false,
        regularKey: null,
      },
      Array.from({ length: count }, (_, i) => ({
        address: `rSigner${i}`,
        weight: 1,
        funded: true,
        masterDisabled: false,
        regularKey: null,
        keyFactsLedgerIndex: 1,
      })),
      d.clock.now(),
    );
    const signers: SignerRecord[] = [];
    for (const [i, signer] of (await d.accounts.signersOf(account!.id)).entries()) {
      const token = randomUUID();
      tokenOf.set(signer.id, token);
      d.xaman.userTokens.set(token, { active: true, expiresAt: expiryFor(i) });
      signers.push(
        await d.accounts.updateSigner(signer.id, {
          userTokenCiphertext: d.cipher.encrypt(token),
          userTokenExpiresAt: new Date(d.clock.now().getTime() + DAY),
          enrolmentState: 'enrolled',
        }),
      );
    }
    return signers;
  }
  const expiryFor = (i: number) => new Date(d.clock.now().getTime() + 20 * DAY + i * HOUR);
  const storedExpiry = async (signer: SignerRecord) =>
    (await d.accounts.findSigner(signer.id))!.userTokenExpiresAt;
  const storedToken = async (signer: SignerRecord) =>
    d.cipher.decrypt((await d.accounts.findSigner(signer.id))!.userTokenCiphertext!);

  beforeEach(() => {
    d = buildDomain();
    warnings = [];
    tokenOf = new Map();
    tokens = tokensGathering(0);
  });

  /** SignerTokens on the test's domain, gathering refreshes for `gatherMs` (0: none). */
  const tokensGathering = (gatherMs: number) =>
    new SignerTokens(d.accounts, d.uow, d.xaman, d.cipher, d.clock, d.settings, recordingLogger(), gatherMs);

  it('a lone call starts its refresh at once and costs one read and one Xaman call', async () => {
    const [signer] = await signersWithLiveTokens(1);
    const findSigner = jest.spyOn(d.accounts, 'findSigner');
    const done = tokens.afterSignedPayload(signer!.id, null, operator);
    // Nothing in flight: the read is already under way, not deferred.
    expect(d.accounts.findSignersCalls).toBe(1);
    await done;
    expect(d.xaman.verifyCalls).toEqual([[tokenOf.get(signer!.id)]]);
    expect(d.accounts.findSignersCalls).toBe(1);
    expect(findSigner).not.toHaveBeenCalled();
    expect(await storedExpiry(signer!)).toEqual(expiryFor(0));
    expect(warnings).toEqual([]);
  });

  it('20 concurrent calls for 20 signers cost at most 2 Xaman calls; each expiry is stored when its call resolves', async () => {
    const signers = await signersWithLiveTokens(20);
    const seenOnResolve = await Promise.all(
      signers.map(async (signer) => {
        await tokens.afterSignedPayload(signer.id, null, operator);
        return storedExpiry(signer);
      }),
    );
    expect(seenOnResolve).toEqual(signers.map((_, i) => expiryFor(i)));
    expect(d.xaman.verifyCalls.length).toBeLessThanOrEqual(2);
    expect(d.xaman.verifyCalls.flat().sort()).toEqual([...tokenOf.values()].sort());
    expect(d.accounts.findSignersCalls).toBeLessThanOrEqual(2);
    expect(warnings).toEqual([]);
  });

  it('asks Xaman for at most 50 tokens per call', async () => {
    const signers = await signersWithLiveTokens(121);
    await Promise.all(signers.map((signer) => tokens.afterSignedPayload(signer.id, null, operator)));
    expect(d.xaman.verifyCalls.map((call) => call.length)).toEqual([1, 50, 50, 20]);
    expect(d.accounts.findSignersCalls).toBe(2);
    expect(await Promise.all(signers.map(storedExpiry))).toEqual(signers.map((_, i) => expiryFor(i)));
  });

  it('a signer queued twice in one batch is verified once', async () => {
    const [first, twice] = await signersWithLiveTokens(2);
    await Promise.all([
      tokens.afterSignedPayload(first!.id, null, operator),
      tokens.afterSignedPayload(twice!.id, null, operator),
      tokens.afterResolution(twice!.id, operator),
    ]);
    expect(d.xaman.verifyCalls).toEqual([[tokenOf.get(first!.id)], [tokenOf.get(twice!.id)]]);
    expect(await storedExpiry(twice!)).toEqual(expiryFor(1));
  });

  it('afterResolution is batched with the signed payloads', async () => {
    const [first, rejected, signed] = await signersWithLiveTokens(3);
    await Promise.all([
      tokens.afterResolution(first!.id, operator),
      tokens.afterResolution(rejected!.id, operator),
      tokens.afterSignedPayload(signed!.id, null, operator),
    ]);
    expect(d.xaman.verifyCalls).toEqual([
      [tokenOf.get(first!.id)],
      [tokenOf.get(rejected!.id), tokenOf.get(signed!.id)],
    ]);
    expect(await storedExpiry(rejected!)).toEqual(expiryFor(1));
    expect(await storedExpiry(signed!)).toEqual(expiryFor(2));
  });

  it('stores a different token Xaman issued with the signature, with its expiry, audited', async () => {
    const [signer] = await signersWithLiveTokens(1);
    const issued = randomUUID();
    const expiresAt = new Date(d.clock.now().getTime() + 30 * DAY);
    d.xaman.userTokens.set(issued, { active: true, expiresAt });
    await tokens.afterSignedPayload(signer!.id, issued, operator);
    expect(await storedToken(signer!)).toBe(issued);
    expect(await storedExpiry(signer!)).toEqual(expiresAt);
    const audited = await d.audit.list({ action: 'signer.token_issued', limit: 5 });
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ entityId: signer!.id, actorType: 'api_key', actorId: operator.id });
  });

  it('the same token issued again is only verified, not stored again', async () => {
    const [signer] = await signersWithLiveTokens(1);
    await tokens.afterSignedPayload(signer!.id, tokenOf.get(signer!.id)!, operator);
    expect(d.xaman.verifyCalls).toEqual([[tokenOf.get(signer!.id)]]);
    expect(await d.audit.list({ action: 'signer.token_issued', limit: 5 })).toEqual([]);
    expect(await storedExpiry(signer!)).toEqual(expiryFor(0));
  });

  it("a signer queued twice takes the latest call's issued token and actor; a later call without one keeps it", async () => {
    const [first, twice] = await signersWithLiveTokens(2);
    const [older, newer] = [randomUUID(), randomUUID()];
    await Promise.all([
      tokens.afterSignedPayload(first!.id, null, operator),
      tokens.afterSignedPayload(twice!.id, older, operator),
      tokens.afterSignedPayload(twice!.id, newer, otherOperator),
      tokens.afterResolution(twice!.id, otherOperator),
    ]);
    expect(await storedToken(twice!)).toBe(newer);
    const audited = await d.audit.list({ action: 'signer.token_issued', limit: 5 });
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ entityId: twice!.id, actorId: otherOperator.id });
    // One call for the first signer's flight, one for the issued token's expiry; `older` never asked.
    expect(d.xaman.verifyCalls).toEqual([[tokenOf.get(first!.id)], [newer]]);
  });

  it("audits each signer's entries with the actor of its own call when a batch mixes actors", async () => {
    const [first, mine, theirs] = await signersWithLiveTokens(3);
    // Both tokens expire within the warning window: the refresh audits `signer.token_expiring`.
    const soon = new Date(d.clock.now().getTime() + 2 * DAY);
    d.xaman.userTokens.set(tokenOf.get(mine!.id)!, { active: true, expiresAt: soon });
    d.xaman.userTokens.set(tokenOf.get(theirs!.id)!, { active: true, expiresAt: soon });
    await Promise.all([
      tokens.afterSignedPayload(first!.id, null, operator),
      tokens.afterSignedPayload(mine!.id, null, operator),
      tokens.afterSignedPayload(theirs!.id, null, otherOperator),
    ]);
    const audited = await d.audit.list({ action: 'signer.token_expiring', limit: 5 });
    expect(audited.map((e) => [e.entityId, e.actorId]).sort()).toEqual(
      [
        [mine!.id, operator.id],
        [theirs!.id, otherOperator.id],
      ].sort(),
    );
  });

  it('a Xaman failure in one flight is logged, every call resolves, and the next flight still runs', async () => {
    const [failing, queued, alsoQueued] = await signersWithLiveTokens(3);
    const before = await storedExpiry(failing!);
    d.xaman.verifyErrors.push(xamanErrors.rateLimited());
    const calls = [failing, queued, alsoQueued].map((s) => tokens.afterSignedPayload(s!.id, null, operator));
    await expect(Promise.all(calls)).resolves.toEqual([undefined, undefined, undefined]);
    expect(warnings).toEqual([
      {
        message: 'user_token not refreshed after a resolution',
        fields: { signerIds: [failing!.id], error: expect.stringContaining('Too many requests') },
      },
    ]);
    expect(await storedExpiry(failing!)).toEqual(before);
    expect(await storedExpiry(queued!)).toEqual(expiryFor(1));
    expect(await storedExpiry(alsoQueued!)).toEqual(expiryFor(2));
    // Nothing is stuck: a later call refreshes the signer whose flight failed.
    await tokens.afterSignedPayload(failing!.id, null, operator);
    expect(await storedExpiry(failing!)).toEqual(expiryFor(0));
  });

  it('a failed read of the signers is logged and every call of that flight resolves', async () => {
    const [signer, other] = await signersWithLiveTokens(2);
    jest.spyOn(d.accounts, 'findSigners').mockRejectedValueOnce(new Error('connection lost'));
    await expect(
      Promise.all([
        tokens.afterSignedPayload(signer!.id, null, operator),
        tokens.afterSignedPayload(other!.id, null, operator),
      ]),
    ).resolves.toEqual([undefined, undefined]);
    expect(warnings).toEqual([
      {
        message: 'user_token not refreshed after a resolution',
        fields: { signerIds: [signer!.id], error: 'Error: connection lost' },
      },
    ]);
    expect(await storedExpiry(other!)).toEqual(expiryFor(1));
  });

  it("one signer's failed write is logged for that signer; the others in its flight are stored", async () => {
    const [first, failing, other] = await signersWithLiveTokens(3);
    const updateSigner = d.accounts.updateSigner.bind(d.accounts);
    jest
      .spyOn(d.accounts, 'updateSigner')
      .mockImplementation((id, patch) =>
        id === failing!.id ? Promise.reject(new Error('write failed')) : updateSigner(id, patch),
      );
    await Promise.all([first, failing, other].map((s) => tokens.afterSignedPayload(s!.id, null, operator)));
    expect(d.xaman.verifyCalls).toEqual([
      [tokenOf.get(first!.id)],
      [failing, other].map((s) => tokenOf.get(s!.id)),
    ]);
    expect(warnings).toEqual([
      {
        message: 'user_token not refreshed after a resolution',
        fields: { signerId: failing!.id, error: 'Error: write failed' },
      },
    ]);
    expect(await storedExpiry(other!)).toEqual(expiryFor(2));
  });

  it('gathers the calls of a short moment into one flight, and writes their plain expiries in one call', async () => {
    const gathering = tokensGathering(40);
    const writes = jest.spyOn(d.accounts, 'recordTokenChecks');
    const signers = await signersWithLiveTokens(3);
    const calls: Promise<void>[] = [];
    for (const signer of signers) {
      calls.push(gathering.afterSignedPayload(signer.id, null, operator));
      await Promise.resolve(); // separate calls, but no timer can fire in between (load-proof)
    }
    expect(d.accounts.findSignersCalls).toBe(0); // still gathering
    await Promise.all(calls);
    expect(d.xaman.verifyCalls).toHaveLength(1);
    expect(d.accounts.findSignersCalls).toBe(1);
    expect(writes).toHaveBeenCalledTimes(1);
    expect(await Promise.all(signers.map(storedExpiry))).toEqual(signers.map((_, i) => expiryFor(i)));
  });

  it('an unknown signer is skipped without asking Xaman', async () => {
    await tokens.afterSignedPayload(randomUUID(), null, operator);
    expect(d.xaman.verifyCalls).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('idle() resolves once the queued and flying refreshes are done, and at once when there are none', async () => {
    await tokens.idle();
    const signers = await signersWithLiveTokens(2);
    void tokens.afterSignedPayload(signers[0]!.id, null, operator);
    void tokens.afterSignedPayload(signers[1]!.id, null, operator);
    await tokens.idle();
    expect(await Promise.all(signers.map(storedExpiry))).toEqual(signers.map((_, i) => expiryFor(i)));
  });

  it('checks the tokens of pushes dispatched together in one Xaman call; an inactive one is not pushed', async () => {
    const signers = await signersWithLiveTokens(5);
    d.xaman.userTokens.set(tokenOf.get(signers[3]!.id)!, { active: false, expiresAt: null });
    const pushed = await Promise.all(signers.map((signer) => tokens.tokenForPush(signer, operator)));
    expect(pushed).toEqual(signers.map((s, i) => (i === 3 ? null : tokenOf.get(s.id))));
    // The first check starts at once; the four that arrived meanwhile share the next call.
    expect(d.xaman.verifyCalls.map((call) => call.length)).toEqual([1, 4]);
    expect(await storedExpiry(signers[0]!)).toEqual(expiryFor(0));
    expect((await d.accounts.findSigner(signers[3]!.id))!.userTokenCiphertext).toBeNull();
  });

  it('pushes with the stored token when Xaman cannot be asked, each check retried alone', async () => {
    const signers = await signersWithLiveTokens(3);
    d.xaman.verifyErrors.push(new Error('xaman down'), new Error('xaman down'), new Error('xaman down'));
    const pushed = await Promise.all(signers.map((signer) => tokens.tokenForPush(signer, operator)));
    expect(pushed).toEqual(signers.map((s) => tokenOf.get(s.id)));
  });
});
