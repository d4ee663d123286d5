import { randomUUID } from 'node:crypto';
import { Wallet } from 'xrpl';
import { ERROR_CODES, MULTISIGN_CODES, PROPOSAL_STATES, REQUEST_STATES } from '@app/domain';
import { apiKeyTools } from '@app/persistence';
import { launchBrowser } from './support/browser';
import { startTestApi } from './support/api';
import { FlowEnv, payment, startFlow } from './support/flow';
import {
  documentedRoutes,
  expectMatchesOpenApi,
  fetchOpenApi,
  OpenApiDocument,
  registeredRoutes,
  validateWithSwaggerParser,
} from './support/openapi';

/**
 * The OpenAPI document is generated from the code and checked against it both ways: it is valid
 * 3.1, it lists exactly the routes Nest serves, and real answers of the flows match its schemas.
 */
describe('OpenAPI document and reference (REST API + both sandboxes + PostgreSQL)', () => {
  let env: FlowEnv;
  let doc: OpenApiDocument;
  beforeAll(async () => {
    env = await startFlow();
    doc = await fetchOpenApi(env.url);
  }, 30_000);
  afterAll(async () => {
    await env?.close();
  }, 30_000);

  /** Calls the API and checks the answer against the document before handing it back. */
  async function documented(
    method: string,
    path: string,
    body?: unknown,
    options?: { key?: string | null; headers?: Record<string, string> },
  ) {
    const res = await env.call(method, path, body, options);
    expectMatchesOpenApi(doc, method, path, res.status, res.body);
    return res;
  }

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(await validateWithSwaggerParser(doc)).toBe('3.1.0');
  });

  it('lists exactly the routes Nest registered, each with its method', () => {
    const registered = registeredRoutes(env.api);
    expect(registered).toContain('POST /v1/proposals');
    expect(documentedRoutes(doc)).toEqual(registered);
  });

  it('names the API-key scheme, every error code, state and request state from the domain', () => {
    expect(doc.components.securitySchemes).toEqual({
      apiKey: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      metricsToken: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    });
    const errorCodes = doc.components.schemas.ErrorCode.enum as string[];
    expect(errorCodes).toEqual(expect.arrayContaining([...Object.values(ERROR_CODES), ...MULTISIGN_CODES]));
    expect(Object.keys(doc.components.schemas.ErrorCode['x-error-status'])).toEqual(
      expect.arrayContaining([...Object.values(ERROR_CODES), ...MULTISIGN_CODES]),
    );
    expect(doc.components.schemas.ProposalState.enum).toEqual([...PROPOSAL_STATES]);
    expect(doc.components.schemas.SignerRequestState.enum).toEqual(['none', ...REQUEST_STATES]);
    // Every route needs the key but the probes, the webhook (HMAC), the console's files and its
    // sign-in; /metrics has its own token.
    const PUBLIC = [
      '/health',
      '/health/live',
      '/health/ready',
      '/v1/webhooks/xaman',
      '/console',
      '/console/{file}',
    ];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const expected =
          PUBLIC.includes(path) || `${method} ${path}` === 'post /v1/sessions'
            ? null
            : path === '/metrics'
              ? [{ metricsToken: [] }]
              : [{ apiKey: [] }];
        expect([method, path, operation.security ?? null]).toEqual([method, path, expected]);
      }
    }
  });

  it('has an example for every error code of every route, and each example matches its schema', () => {
    let checked = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          if (Number(status) < 400 || path.startsWith('/health')) continue; // probes answer their own shape
          const content = response.content['application/json'];
          const codes: string[] = content.schema.allOf[1].properties.code.enum;
          expect(Object.keys(content.examples)).toEqual(codes);
          for (const example of Object.values<{ value: unknown }>(content.examples)) {
            expectMatchesOpenApi(
              doc,
              method,
              path.replace(/\{id\}/g, randomUUID()),
              Number(status),
              example.value,
            );
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('describes the real answers of a payout flow', async () => {
    const setup = await env.setUp({ quorum: 2, signers: [{ weight: 1 }, { weight: 1 }, { weight: 1 }] });
    const registered = await documented('POST', '/v1/accounts', {
      address: setup.account.address,
      network: 'sandbox',
      label: 'treasury',
    });
    expect(registered.status).toBe(201);
    const accountId = registered.body.id as string;
    for (const signer of setup.signers) {
      const put = await documented('PUT', `/v1/accounts/${accountId}/signers/${signer.address}`, {
        userToken: signer.userToken,
        label: 'signer',
      });
      expect(put.status).toBe(200);
    }
    expect((await documented('GET', '/v1/accounts')).status).toBe(200);
    expect((await documented('GET', `/v1/accounts/${accountId}`)).status).toBe(200);
    expect((await documented('POST', `/v1/accounts/${accountId}/refresh`)).status).toBe(200);

    const body = {
      accountId,
      txjson: payment(Wallet.generate().classicAddress, '1000000'),
      instruction: 'Pay',
    };
    const created = await documented('POST', '/v1/proposals', body, {
      headers: { 'idempotency-key': 'pay-1' },
    });
    expect(created.status).toBe(201);
    const replayed = await documented('POST', '/v1/proposals', body, {
      headers: { 'idempotency-key': 'pay-1' },
    });
    expect(replayed.status).toBe(200);
    const id = created.body.id as string;

    // One signer signs; the proposal shows a counted signature, then it is cancelled.
    const signed = await fetch(
      `${env.xaman.url}/sandbox/payloads/${created.body.signers[0].payloadUuid}/sign`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      },
    );
    expect(signed.status).toBe(200);
    await env.waitForProposal(id, (p) => p.quorum.collectedWeight === 1);
    expect((await documented('GET', `/v1/proposals/${id}`)).body.signers[0].state).toBe('signed');
    expect((await documented('GET', `/v1/proposals?state=collecting&limit=5`)).status).toBe(200);
    const cancelled = await documented('POST', `/v1/proposals/${id}/cancel`);
    expect(cancelled.body.proposal.state).toBe('cancelled');

    // A second proposal goes all the way to succeeded.
    const second = await documented('POST', '/v1/proposals', {
      accountId,
      txjson: payment(Wallet.generate().classicAddress, '2000000'),
    });
    for (const signer of second.body.signers.slice(0, 2)) {
      await fetch(`${env.xaman.url}/sandbox/payloads/${signer.payloadUuid}/sign`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
    }
    await env.waitForProposal(second.body.id, (p) => p.state === 'succeeded');
    expect((await documented('GET', `/v1/proposals/${second.body.id}`)).body.result.transactionResult).toBe(
      'tesSUCCESS',
    );
    const page = await documented('GET', '/v1/proposals?limit=1');
    expect((await documented('GET', `/v1/proposals?limit=1&cursor=${page.body.nextCursor}`)).status).toBe(
      200,
    );

    expect(
      (await documented('GET', `/v1/audit-events?entityType=proposal&entityId=${id}`)).body.items.length,
    ).toBeGreaterThan(0);
    const issued = await documented('POST', '/v1/api-keys', {
      name: 'temp',
      role: 'viewer',
      expiresInDays: 30,
    });
    expect(issued.status).toBe(201);
    expect((await documented('GET', '/v1/api-keys')).status).toBe(200);
    expect((await documented('DELETE', `/v1/api-keys/${issued.body.id}`)).status).toBe(200);
    expect((await documented('GET', '/health', undefined, { key: null })).status).toBe(200);
  }, 60_000);

  it('describes the real error answers: 400, 401, 403, 404, 409, 422', async () => {
    const viewer = (await apiKeyTools(env.db.dataSource).issue('viewer', 'viewer')).key;
    const answers = [
      await documented('POST', '/v1/proposals', { accountId: 'nope', txjson: {} }),
      await documented('POST', '/v1/api-keys', '{"name": ', undefined),
      await documented('GET', '/v1/proposals?cursor=bogus'),
      await documented('GET', '/v1/accounts', undefined, { key: null }),
      await documented('POST', '/v1/webhooks/xaman', { meta: {} }, { key: null }),
      await documented(
        'POST',
        '/v1/accounts',
        { address: Wallet.generate().classicAddress, network: 'sandbox' },
        {
          key: viewer,
        },
      ),
      await documented('GET', `/v1/proposals/${randomUUID()}`),
      await documented('DELETE', `/v1/api-keys/${randomUUID()}`),
      await documented('POST', '/v1/accounts', {
        address: Wallet.generate().classicAddress,
        network: 'sandbox',
      }),
    ];
    const setup = await env.setUp({ quorum: 1, signers: [{ weight: 1 }] });
    const account = { address: setup.account.address, network: 'sandbox' };
    expect((await documented('POST', '/v1/accounts', account)).status).toBe(201);
    answers.push(await documented('POST', '/v1/accounts', account));
    expect(answers.map((a) => [a.status, a.body.code])).toEqual([
      [400, 'VALIDATION_FAILED'],
      [400, 'MALFORMED_JSON'],
      [400, 'INVALID_CURSOR'],
      [401, 'UNAUTHENTICATED'],
      [401, 'WEBHOOK_SIGNATURE_INVALID'],
      [403, 'FORBIDDEN'],
      [404, 'PROPOSAL_NOT_FOUND'],
      [404, 'API_KEY_NOT_FOUND'],
      [422, 'ACCOUNT_NOT_ON_LEDGER'],
      [409, 'ACCOUNT_ALREADY_REGISTERED'],
    ]);
  });

  it('describes a 429 answer', async () => {
    const api = await startTestApi({ RATE_LIMIT_PER_MINUTE: '1' });
    try {
      await api.call('GET', '/v1/accounts');
      const refused = await api.call('GET', '/v1/accounts');
      expect(refused.status).toBe(429);
      expectMatchesOpenApi(doc, 'GET', '/v1/accounts', 429, refused.body);
    } finally {
      await api.close();
    }
  }, 30_000);

  it('serves the reference at /docs from local assets only, and each of them answers', async () => {
    const page = await fetch(`${env.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets).toEqual(
      expect.arrayContaining([
        './docs/swagger-ui-bundle.js',
        './docs/swagger-ui-init.js',
        './docs/swagger-ui.css',
      ]),
    );
    for (const asset of assets) {
      expect([asset, /^(https?:)?\/\//.test(asset)]).toEqual([asset, false]);
      const res = await fetch(new URL(asset, `${env.url}/docs`));
      expect([asset, res.status]).toEqual([asset, 200]);
    }
    const init = await (await fetch(`${env.url}/docs/swagger-ui-init.js`)).text();
    expect(init).toContain('"openapi": "3.1.0"');
  });

  it('renders /docs in headless Chromium: Swagger UI lists the operations, from local files only', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const requested: string[] = [];
      page.on('request', (request: { url(): string }) => requested.push(request.url()));
      await page.goto(`${env.url}/docs`);
      await page.locator('.opblock-tag').first().waitFor({ timeout: 20_000 });
      await page.getByText('/v1/proposals', { exact: true }).first().waitFor();
      expect(await page.locator('.opblock').count()).toBeGreaterThan(20);
      expect(requested.filter((url) => !url.startsWith(env.url))).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
