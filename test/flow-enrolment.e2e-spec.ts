import { Wallet } from 'xrpl';
import { FlowEnv, payment, sandboxAction, startFlow, waitUntil } from './support/flow';

/**
 * Signers enrol by scanning a Xaman SignIn; the service proves who signed before storing a token,
 * takes the token's expiry from Xaman and refreshes it. Every token here counts as close to expiry
 * (a 31-day warning window), so the worker's daily check (every 300 ms here) flags each one.
 */
describe('signer enrolment and token life cycle (REST API + both sandboxes + PostgreSQL)', () => {
  let env: FlowEnv;
  beforeAll(async () => {
    env = await startFlow({
      env: { USER_TOKEN_EXPIRY_WARNING_DAYS: '31', USER_TOKEN_CHECK_INTERVAL_MS: '300' },
    });
  }, 30_000);
  afterAll(async () => {
    await env?.close();
  }, 30_000);

  const signerOf = async (accountId: string, address: string) =>
    (await env.call('GET', `/v1/accounts/${accountId}`)).body.signers.find((s: any) => s.address === address);

  async function enrolled(accountId: string, address: string, seed: string) {
    const invited = await env.call('POST', `/v1/accounts/${accountId}/signers/${address}/enrolment`);
    expect(invited.status).toBe(201);
    expect((await sandboxAction(env, invited.body.payloadUuid, 'sign', { seed })).status).toBe(200);
    return waitUntil(
      async () => {
        const s = await signerOf(accountId, address);
        return s.enrolment.state !== 'pending' ? s : undefined;
      },
      10_000,
      `enrolment of ${address}`,
    );
  }

  it('enrols signers by scanning, refuses a wrong-account SignIn, pays out by push to the enrolled tokens', async () => {
    const setup = await env.setUp({ quorum: 2, signers: [{ weight: 1 }, { weight: 1 }, { weight: 1 }] });
    const registered = await env.call('POST', '/v1/accounts', {
      address: setup.account.address,
      network: 'sandbox',
    });
    expect(registered.status).toBe(201);
    const accountId = registered.body.id as string;
    for (const s of registered.body.signers) {
      expect(s.enrolment).toMatchObject({ state: 'none', needsEnrolment: true });
    }
    const [first, second] = setup.signers;

    // A SignIn payload: sign link, QR, deep link and expiry; the signer shows pending.
    const invited = await env.call('POST', `/v1/accounts/${accountId}/signers/${first!.address}/enrolment`);
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({
      state: 'pending',
      pushed: false,
      signLink: expect.stringContaining(invited.body.payloadUuid),
      qrPng: expect.stringContaining(invited.body.payloadUuid),
      deepLink: expect.stringContaining(invited.body.payloadUuid),
      expiresAt: expect.any(String),
    });
    expect((await signerOf(accountId, first!.address)).enrolment.state).toBe('pending');

    // The wrong account scans it: nothing is stored, and the signer says why.
    expect((await sandboxAction(env, invited.body.payloadUuid, 'sign', { seed: second!.seed })).status).toBe(
      200,
    );
    const refused = await waitUntil(
      async () => {
        const s = await signerOf(accountId, first!.address);
        return s.enrolment.state !== 'pending' ? s : undefined;
      },
      10_000,
      'refused enrolment',
    );
    expect(refused).toMatchObject({
      hasUserToken: false,
      enrolment: { state: 'none', refusalCode: 'ENROLMENT_WRONG_ACCOUNT' },
    });

    const one = await enrolled(accountId, first!.address, first!.seed);
    expect(one).toMatchObject({ hasUserToken: true, enrolment: { state: 'expiring', refusalCode: null } });
    const two = await enrolled(accountId, second!.address, second!.seed);
    expect(two.hasUserToken).toBe(true);
    // Xaman's expiry (30 days from the signature), not a local guess.
    const enrolledExpiry = new Date(one.userTokenExpiresAt).getTime();
    expect(Math.abs(enrolledExpiry - (Date.now() + 30 * 86_400_000))).toBeLessThan(60_000);

    // Each close-to-expiry token is flagged once by the worker's check, as an audit event.
    const flagged = await waitUntil(
      async () => {
        const events = await env.call('GET', '/v1/audit-events?action=signer.token_expiring');
        return events.body.items.length >= 2 ? events.body.items : undefined;
      },
      10_000,
      'token_expiring events',
    );
    expect(flagged.map((e: any) => e.details.address).sort()).toEqual(
      [first!.address, second!.address].sort(),
    );

    // Xaman's expiry is whole seconds: let one pass so a signature visibly moves it forward.
    await new Promise((r) => setTimeout(r, 1100));
    const created = await env.call('POST', '/v1/proposals', {
      accountId,
      txjson: payment(Wallet.generate().classicAddress, '2000000'),
    });
    expect(created.status).toBe(201);
    const by = Object.fromEntries(created.body.signers.map((s: any) => [s.address, s]));
    expect(by[first!.address]).toMatchObject({ pushed: true });
    expect(by[second!.address]).toMatchObject({ pushed: true });
    expect(by[setup.signers[2]!.address]).toMatchObject({ pushed: false });
    for (const s of [first!, second!]) {
      expect((await sandboxAction(env, by[s.address].payloadUuid, 'sign')).status).toBe(200);
    }
    await env.waitForProposal(created.body.id, (p) => p.state === 'succeeded');
    const after = await waitUntil(
      async () => {
        const s = await signerOf(accountId, first!.address);
        return new Date(s.userTokenExpiresAt).getTime() > enrolledExpiry ? s : undefined;
      },
      10_000,
      'token expiry moved forward',
    );
    expect(new Date(after.userTokenExpiresAt).getTime()).toBeGreaterThan(enrolledExpiry);
  }, 60_000);

  it('answers SIGNER_NOT_FOUND for an address outside the list, and stores nothing', async () => {
    const setup = await env.setUp({ quorum: 1, signers: [{ weight: 1 }] });
    const accountId = (
      await env.call('POST', '/v1/accounts', { address: setup.account.address, network: 'sandbox' })
    ).body.id;
    const before = await env.rowCounts();
    const res = await env.call(
      'POST',
      `/v1/accounts/${accountId}/signers/${Wallet.generate().classicAddress}/enrolment`,
    );
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('SIGNER_NOT_FOUND');
    expect(await env.rowCounts()).toEqual(before);
  });
});
