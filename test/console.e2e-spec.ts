import { readFileSync, mkdirSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Wallet } from 'xrpl';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { apiKeyTools } from '@app/persistence';
import { buildConsole } from '../scripts/build-console';
import { launchBrowser } from './support/browser';
import { FlowEnv, sandboxAction, startFlow, waitUntil } from './support/flow';

/**
 * The web console in headless Chromium against the whole service (API + worker + both sandboxes +
 * PostgreSQL): a payout watched live, a cancel, a viewer's read-only console, a cross-site form post
 * and an expired session. Screenshots at 1280×800 and 390×844 go to test-artifacts/console/.
 */
const SHOTS = join(__dirname, '..', 'test-artifacts', 'console');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

describe('web console in headless Chromium', () => {
  let env: FlowEnv;
  let browser: Browser;
  let accountId: string;
  let unenrolled: { address: string; seed: string };
  let viewerKey: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    await buildConsole();
    env = await startFlow();
    browser = await launchBrowser();
    const setup = await env.setUp({ quorum: 2, signers: [{ weight: 1 }, { weight: 1 }, { weight: 1 }] });
    accountId = await env.register(setup);
    // The third signer has no Xaman token: the console shows its QR code and sign link.
    const third = setup.signers[2]!.address;
    unenrolled = { address: third, seed: setup.signers[2]!.seed };
    expect(
      (await env.call('PUT', `/v1/accounts/${accountId}/signers/${third}`, { userToken: null })).status,
    ).toBe(200);
    viewerKey = (await apiKeyTools(env.db.dataSource).issue('console viewer', 'viewer')).key;
  }, 60_000);

  // Each test's pages (and their live streams) end with it.
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
  });

  afterAll(async () => {
    await browser?.close();
    await env?.close();
  }, 30_000);

  async function openConsole(viewport = DESKTOP): Promise<Page> {
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000); // a missing element fails with its locator, before jest's timeout
    await page.goto(`${env.url}/console`);
    return page;
  }

  async function signIn(page: Page, key: string): Promise<void> {
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
  }

  const nav = (page: Page, name: string) =>
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  async function noSeriousA11yViolations(page: Page): Promise<void> {
    await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
    const violations = await page.evaluate(async () => {
      const result = await (globalThis as any).axe.run((globalThis as any).document, {
        resultTypes: ['violations'],
      });
      return result.violations
        .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
        .map((v: any) => `${v.id}: ${v.nodes.map((n: any) => n.target.join(' ')).join(', ')}`);
    });
    expect(violations).toEqual([]);
  }

  it('an admin signs in, creates a payment, and watches the signers sign until succeeded, live', async () => {
    const page = await openConsole();
    await shot(page, '01-sign-in-desktop');
    await noSeriousA11yViolations(page);
    await signIn(page, env.adminKey);
    // The key is not kept by the page: no storage, and the session cookie is HttpOnly.
    expect(
      await page.evaluate(() => {
        const w = globalThis as any;
        return [w.localStorage.length, w.sessionStorage.length, w.document.cookie];
      }),
    ).toEqual([0, 0, '']);
    const cookies = await page.context().cookies();
    expect(cookies).toEqual([
      expect.objectContaining({ name: 'msc_session', httpOnly: true, sameSite: 'Strict' }),
    ]);
    await page.getByText('No proposals yet').waitFor();
    await shot(page, '02-proposals-empty-desktop');

    await page.getByRole('link', { name: 'New payment' }).click();
    const destination = Wallet.generate().classicAddress;
    await page.getByLabel('Destination address').fill(destination);
    await page.getByLabel('Amount (XRP)').fill('12.5x');
    await page.getByRole('button', { name: 'Create payment' }).click();
    await page.locator('#amount-error').waitFor();
    await shot(page, '03-payment-form-error-desktop');
    await noSeriousA11yViolations(page);

    await page.getByLabel('Amount (XRP)').fill('12.5');
    await page.getByRole('button', { name: 'Create payment' }).click();
    await page.locator('.state').getByText('collecting').waitFor();
    const id = page.url().split('/').pop()!;
    // A marker that a reload would erase: the page must update by itself.
    await page.evaluate(() => ((globalThis as any).__noReload = true));
    await page.locator('.amount', { hasText: '12.5 XRP' }).first().waitFor();
    expect(await page.locator('.amount', { hasText: '12.5 XRP' }).first().getAttribute('title')).toBe(
      '12,500,000 drops',
    );
    // The signer without a token: QR code (drawn locally) and sign link.
    await page.getByRole('img', { name: /QR code for .* to sign in Xaman/ }).waitFor();
    await expect(page.getByRole('link', { name: /Sign link for/ }).count()).resolves.toBe(1);
    await shot(page, '04-proposal-collecting-desktop');

    const proposal = (await env.call('GET', `/v1/proposals/${id}`)).body;
    const pushed = proposal.signers.filter((s: any) => s.pushed);
    expect((await sandboxAction(env, pushed[0].payloadUuid, 'sign')).status).toBe(200);
    await page.getByText('weight 1 of 2').waitFor();
    expect((await sandboxAction(env, pushed[1].payloadUuid, 'sign')).status).toBe(200);
    await page.locator('.state').getByText('succeeded').waitFor({ timeout: 20_000 });
    expect(await page.evaluate(() => (globalThis as any).__noReload)).toBe(true);
    await page.getByText('tesSUCCESS').waitFor();
    await shot(page, '05-proposal-succeeded-desktop');
    await noSeriousA11yViolations(page);

    await page.setViewportSize(PHONE);
    await shot(page, '06-proposal-succeeded-phone');
    await nav(page, 'Proposals').click();
    await page.locator('table').getByText('succeeded').waitFor();
    await shot(page, '07-proposals-phone');
    await nav(page, 'Accounts').click();
    await page.getByRole('link', { name: 'treasury' }).click();
    await page.getByRole('heading', { name: 'Signers' }).waitFor();
    await shot(page, '08-account-phone');
    await page.setViewportSize(DESKTOP);
    await shot(page, '09-account-desktop');
    await noSeriousA11yViolations(page);
  }, 60_000);

  it('an admin cancels a collecting proposal from its page', async () => {
    const proposal = await env.propose(accountId, '2000000');
    const page = await openConsole();
    await signIn(page, env.adminKey);
    await page.goto(`${env.url}/console#/proposals/${proposal.id}`);
    await page.locator('.state').getByText('collecting').waitFor();
    await page.getByRole('button', { name: 'Cancel proposal' }).click();
    await page.getByRole('button', { name: 'Yes, cancel it' }).click();
    await page.locator('.state').getByText('cancelled').waitFor();
    await shot(page, '10-proposal-cancelled-desktop');
    expect((await env.call('GET', `/v1/proposals/${proposal.id}`)).body.state).toBe('cancelled');
  }, 30_000);

  it('a viewer gets a read-only console, and the server refuses a forged change with its cookie', async () => {
    const proposal = await env.propose(accountId, '3000000');
    for (const viewport of [DESKTOP, PHONE]) {
      const page = await openConsole(viewport);
      await signIn(page, viewerKey);
      await page.locator('table').getByText('collecting').first().waitFor();
      expect(await page.getByRole('link', { name: 'New payment' }).count()).toBe(0);
      expect(await page.getByRole('link', { name: 'API keys' }).count()).toBe(0);
      expect(await page.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
      await shot(page, `11-viewer-proposals-${viewport === PHONE ? 'phone' : 'desktop'}`);
      await page.goto(`${env.url}/console#/proposals/${proposal.id}`);
      await page.locator('.state').getByText('collecting').waitFor();
      expect(await page.getByRole('button', { name: 'Cancel proposal' }).count()).toBe(0);
      await shot(page, `12-viewer-proposal-${viewport === PHONE ? 'phone' : 'desktop'}`);
      await page.goto(`${env.url}/console#/proposals/new`);
      expect(await page.getByRole('button', { name: 'Create payment' }).count()).toBe(0);

      const forged = await page.evaluate(async (id) => {
        const res = await fetch(`/v1/proposals/${id}/cancel`, {
          method: 'POST',
          headers: { 'X-Requested-With': 'msc-console' },
        });
        return { status: res.status, code: ((await res.json()) as { code: string }).code };
      }, proposal.id);
      expect(forged).toEqual({ status: 403, code: 'FORBIDDEN' });
    }
    expect((await env.call('GET', `/v1/proposals/${proposal.id}`)).body.state).toBe('collecting');
    // Frees the account's Sequence for the next proposal.
    expect((await env.call('POST', `/v1/proposals/${proposal.id}/cancel`)).status).toBe(200);
  }, 40_000);

  it('a cross-site form post does not act with the session', async () => {
    const proposal = await env.propose(accountId, '4000000');
    expect(proposal.state).toBe('collecting');
    const page = await openConsole();
    await signIn(page, env.adminKey);
    // Another site (localhost is not 127.0.0.1) whose page posts a form to the service.
    const target = `${env.url}/v1/proposals/${proposal.id}/cancel`;
    const attacker: Server = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(`<form method="POST" action="${target}"><input name="x" value="1"></form>
        <script>document.forms[0].submit()</script>`);
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    try {
      const port = (attacker.address() as AddressInfo).port;
      const answer = page.waitForResponse((res) => res.url() === target);
      await page.goto(`http://localhost:${port}/`);
      const response = await answer;
      expect([401, 403]).toContain(response.status());
      expect(['UNAUTHENTICATED', 'CSRF_REFUSED']).toContain(
        ((await response.json()) as { code: string }).code,
      );
    } finally {
      await new Promise((resolve) => attacker.close(resolve));
    }
    expect((await env.call('GET', `/v1/proposals/${proposal.id}`)).body.state).toBe('collecting');
  }, 30_000);

  it('an admin enrols a signer from its account page: the QR appears, the signer scans it, and the console shows it enrolled; the quorum-change form is there', async () => {
    const page = await openConsole();
    await signIn(page, env.adminKey);
    await page.goto(`${env.url}/console#/accounts/${accountId}`);
    const row = page.getByRole('row').filter({ hasText: unenrolled.address });
    await row.getByText('none').waitFor();
    await row.getByRole('button', { name: 'Enrol' }).click();
    const qr = page
      .getByRole('region', { name: 'Enrolment' })
      .getByRole('img', { name: `Enrolment QR code for ${unenrolled.address}` });
    await qr.waitFor();
    await shot(page, '14-enrolment-qr-desktop');
    // The signer scans it with Xaman and signs in (the sandbox's phone, holding the signer's key).
    const signer = (await env.call('GET', `/v1/accounts/${accountId}`)).body.signers.find(
      (s: any) => s.address === unenrolled.address,
    );
    expect(signer.enrolment.state).toBe('pending');
    expect(
      (await sandboxAction(env, signer.enrolment.payloadUuid, 'sign', { seed: unenrolled.seed })).status,
    ).toBe(200);
    await waitUntil(
      async () =>
        (await env.call('GET', `/v1/accounts/${accountId}`)).body.signers.find(
          (s: any) => s.address === unenrolled.address,
        ).enrolment.state === 'enrolled',
      15_000,
      'the signer enrolled',
    );
    await page.reload();
    await page.getByRole('row').filter({ hasText: unenrolled.address }).getByText('enrolled').waitFor();
    await page.getByRole('button', { name: 'Change quorum…' }).click();
    await page.getByRole('form', { name: 'Quorum change' }).waitFor();
    await shot(page, '15-account-enrolled-quorum-form-desktop');
    await page.setViewportSize(PHONE);
    await shot(page, '16-account-enrolled-quorum-form-phone');
  }, 60_000);

  it('a session past its expiry is refused, and the console shows the sign-in page', async () => {
    const page = await openConsole();
    await signIn(page, env.adminKey);
    await nav(page, 'Accounts').click();
    await page.getByRole('heading', { name: 'Accounts' }).waitFor();
    await env.db.dataSource.query(`UPDATE console_sessions SET expires_at = now() - interval '1 second'`);
    const status = await page.evaluate(async () => (await fetch('/v1/sessions/current')).status);
    expect(status).toBe(401);
    // The console's next request finds out (a page's own background read may already have):
    // navigate without a reload, then the sign-in page must be showing and say why.
    await page.evaluate("location.hash = '#/proposals'");
    await page.getByRole('heading', { name: 'Sign in to the multisign console' }).waitFor();
    await page.getByText('expired').waitFor();
    await shot(page, '13-session-expired-desktop');
  }, 30_000);
});
