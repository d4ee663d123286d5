import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Wallet } from 'xrpl';
import { FlowEnv, payment, startFlow, waitUntil } from './support/flow';

/**
 * Respect Xaman's rate limits: requests are queued and retried with back-off and never lost.
 * A sign request Xaman refuses for now (429, or an outage) stays `queued`; the worker sends it
 * again after 1 s, 2 s, 4 s ... and every signer ends up with exactly one Xaman payload.
 */

interface RequestRow {
  id: string;
  signer_address: string;
  state: string;
  custom_identifier: string;
  xaman_payload_uuid: string | null;
  create_attempts: number;
  next_attempt_at: Date | null;
  last_error: string | null;
}

const signInXaman = (env: FlowEnv, uuid: string) =>
  fetch(`${env.xaman.url}/sandbox/payloads/${uuid}/sign`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });

function requestRows(env: FlowEnv, proposalId: string): Promise<RequestRow[]> {
  return env.db.dataSource.query<RequestRow[]>(
    `SELECT id, signer_address, state, custom_identifier, xaman_payload_uuid, create_attempts,
            next_attempt_at, last_error
       FROM signature_requests WHERE proposal_id = $1 ORDER BY signer_address`,
    [proposalId],
  );
}

/** The Xaman payloads made for a multisig account (by the prepared transaction's Account). */
function payloadsFor(env: FlowEnv, account: string) {
  return env.xaman.listPayloadRecords().filter((record) => {
    const platform = record.platform as {
      payload: { request_json: { Account?: string } };
      custom_meta: { identifier: string | null };
    };
    return platform.payload.request_json.Account === account;
  });
}

const identifierOf = (record: { platform: Record<string, unknown> }) =>
  (record.platform as { custom_meta: { identifier: string | null } }).custom_meta.identifier;

async function fiveSignerAccount(env: FlowEnv) {
  const setup = await env.setUp({
    quorum: 2,
    signers: [{ weight: 1 }, { weight: 1 }, { weight: 1 }, { weight: 1 }, { weight: 1 }],
  });
  const accountId = await env.register(setup);
  return { setup, accountId };
}

/**
 * Lifted limit / outage over: every queued request reaches Xaman exactly once, each signer has
 * one payload, and two signatures pay out.
 */
async function expectEveryRequestDeliveredOnceAndPayout(
  env: FlowEnv,
  proposalId: string,
  account: string,
  destination: string,
): Promise<void> {
  const dispatched = await env.waitForProposal(
    proposalId,
    (p) => p.signers.every((s: any) => s.state === 'created' && typeof s.payloadUuid === 'string'),
    15_000,
  );
  expect(dispatched.state).toBe('collecting');

  const rows = await requestRows(env, proposalId);
  expect(rows).toHaveLength(5);
  expect(rows.every((r) => r.state === 'created' && r.last_error === null)).toBe(true);
  // Exactly one Xaman payload per request: by identifier and by transaction Account.
  const payloads = payloadsFor(env, account);
  expect(payloads).toHaveLength(5);
  expect(payloads.map(identifierOf).sort()).toEqual(rows.map((r) => r.custom_identifier).sort());
  expect(payloads.map((p) => p.uuid).sort()).toEqual(
    dispatched.signers.map((s: any) => s.payloadUuid as string).sort(),
  );
  for (const signer of dispatched.signers) {
    const payload = payloads.find((p) => p.uuid === signer.payloadUuid)!;
    expect((payload.platform as any).meta.signers).toEqual([signer.address]);
  }

  // The proposal still completes: two of the five sign.
  const [first, second] = dispatched.signers;
  expect((await signInXaman(env, first.payloadUuid)).status).toBe(200);
  expect((await signInXaman(env, second.payloadUuid)).status).toBe(200);
  const done = await env.waitForProposal(proposalId, (p) => p.state === 'succeeded', 20_000);
  expect(done.result.transactionResult).toBe('tesSUCCESS');
  expect(env.ledger.getBalance(destination)).toBe(4_000_000n);
  // Still no duplicate payload after all the retries.
  expect(payloadsFor(env, account)).toHaveLength(5);
}

describe("Respect Xaman's rate limits: requests are queued and retried with back-off and never lost", () => {
  let env: FlowEnv;
  beforeAll(async () => {
    env = await startFlow();
  }, 30_000);
  afterEach(() => {
    env.xaman.setRateLimit(0);
  });
  afterAll(async () => {
    await env?.close();
  }, 30_000);

  it('rate-limited (429) payload creations stay queued, are retried with back-off, and each is created exactly once after the limit lifts', async () => {
    const { setup, accountId } = await fiveSignerAccount(env);
    const destination = Wallet.generate().classicAddress;

    // Xaman accepts two more platform calls this minute, then answers 429.
    env.xaman.setRateLimit(2);
    const created = await env.call('POST', '/v1/proposals', {
      accountId,
      txjson: payment(destination, '4000000'),
    });
    expect(created.status).toBe(201);
    const proposalId: string = created.body.id;
    expect(created.body.state).toBe('collecting');
    expect(created.body.signers).toHaveLength(5);

    const queued = created.body.signers.filter((s: any) => s.state === 'queued');
    const sent = created.body.signers.filter((s: any) => s.state === 'created');
    expect(queued.length).toBeGreaterThanOrEqual(3);
    expect(queued.length + sent.length).toBe(5);
    for (const signer of queued) expect(signer).toMatchObject({ payloadUuid: null, signLink: null });
    for (const signer of sent) expect(signer.payloadUuid).toEqual(expect.any(String));
    expect(payloadsFor(env, setup.account.address)).toHaveLength(sent.length);

    // Still limited: the worker retries with a growing back-off; nothing is dropped or failed.
    const queuedAddresses = new Set(queued.map((s: any) => s.address as string));
    // Back-off doubles from 1 s: once a retry has been answered, the next attempt is due within
    // 2^(attempts-1) s (not the 30 s in-flight lease, which a finished attempt must have replaced).
    const backedOff = (r: RequestRow) =>
      r.last_error !== null &&
      new Date(r.next_attempt_at!).getTime() <= Date.now() + 2 ** (r.create_attempts - 1) * 1_000 + 500;
    const retried = await waitUntil(
      async () => {
        const rows = (await requestRows(env, proposalId)).filter((r) =>
          queuedAddresses.has(r.signer_address),
        );
        return rows.every((r) => r.create_attempts >= 3 && backedOff(r)) ? rows : undefined;
      },
      10_000,
      'three attempts of every rate-limited request, each followed by its back-off',
    );
    for (const row of retried) {
      expect(row.state).toBe('queued');
      expect(row.xaman_payload_uuid).toBeNull();
      expect(row.last_error).toMatch(/429/);
      expect(new Date(row.next_attempt_at!).getTime()).toBeGreaterThan(Date.now() - 2_000);
    }
    const view = (await env.call('GET', `/v1/proposals/${proposalId}`)).body;
    expect(view.state).toBe('collecting');
    expect(view.signers.filter((s: any) => s.state === 'queued')).toHaveLength(queued.length);
    expect(payloadsFor(env, setup.account.address)).toHaveLength(sent.length);

    env.xaman.setRateLimit(0);
    await expectEveryRequestDeliveredOnceAndPayout(env, proposalId, setup.account.address, destination);
  }, 45_000);

  it('a Xaman outage (HTTP 500 on payload creation) while creating: the same guarantees', async () => {
    const { setup, accountId } = await fiveSignerAccount(env);
    const destination = Wallet.generate().classicAddress;

    env.xaman.injectFault({ shape: 'hard', endpoint: 'payload', method: 'POST', count: 3 });
    const created = await env.call('POST', '/v1/proposals', {
      accountId,
      txjson: payment(destination, '4000000'),
    });
    expect(created.status).toBe(201);
    const proposalId: string = created.body.id;
    const states = created.body.signers.map((s: any) => s.state as string).sort();
    expect(states).toEqual(['created', 'created', 'queued', 'queued', 'queued']);
    for (const signer of created.body.signers.filter((s: any) => s.state === 'queued')) {
      expect(signer.payloadUuid).toBeNull();
    }
    const failedRows = (await requestRows(env, proposalId)).filter((r) => r.state === 'queued');
    expect(failedRows).toHaveLength(3);
    for (const row of failedRows) {
      expect(row.create_attempts).toBe(1);
      expect(row.last_error).toEqual(expect.any(String));
    }
    expect(payloadsFor(env, setup.account.address)).toHaveLength(2);

    await expectEveryRequestDeliveredOnceAndPayout(env, proposalId, setup.account.address, destination);
  }, 45_000);
});

/**
 * An HTTP hop in front of the Xaman platform API that can lose answers: the payload is created at
 * Xaman, but the service only sees a gateway timeout (as when a connection drops mid-answer).
 */
async function startLossyHop(): Promise<{
  url: string;
  target: { url: string };
  loseCreateAnswers: (count: number) => void;
  lost: () => number;
  close: () => Promise<void>;
}> {
  const target = { url: '' };
  let toLose = 0;
  let lost = 0;
  const readBody = (req: IncomingMessage) =>
    new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    });
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name)) {
          headers[name] = value;
        }
      }
      const upstream = await fetch(`${target.url}${req.url}`, {
        method: req.method,
        headers,
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
      });
      const answer = Buffer.from(await upstream.arrayBuffer());
      if (req.method === 'POST' && req.url === '/api/v1/platform/payload' && toLose > 0) {
        toLose -= 1;
        lost += 1;
        res.writeHead(504, { 'content-type': 'text/plain' }).end('Gateway Timeout');
        return;
      }
      res.writeHead(upstream.status, {
        'content-type': upstream.headers.get('content-type') ?? 'text/plain',
      });
      res.end(answer);
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    target,
    loseCreateAnswers: (count) => {
      toLose = count;
    },
    lost: () => lost,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('a payload created at Xaman whose answer was lost is found again, not duplicated', () => {
  let env: FlowEnv;
  let hop: Awaited<ReturnType<typeof startLossyHop>>;
  beforeAll(async () => {
    hop = await startLossyHop();
    env = await startFlow({ env: { XAMAN_ENDPOINT: hop.url } });
    hop.target.url = env.xaman.url;
  }, 30_000);
  afterAll(async () => {
    await env?.close();
    await hop?.close();
  });

  it('two lost answers: those requests stay queued, the retry finds the existing payload by its identifier, one payload per signer, and it pays out', async () => {
    const { setup, accountId } = await fiveSignerAccount(env);
    const destination = Wallet.generate().classicAddress;

    hop.loseCreateAnswers(2);
    const created = await env.call('POST', '/v1/proposals', {
      accountId,
      txjson: payment(destination, '4000000'),
    });
    expect(created.status).toBe(201);
    expect(hop.lost()).toBe(2);
    const proposalId: string = created.body.id;
    const queued = created.body.signers.filter((s: any) => s.state === 'queued');
    expect(queued).toHaveLength(2);
    // Xaman has all five payloads already; the service knows three.
    expect(payloadsFor(env, setup.account.address)).toHaveLength(5);

    const dispatched = await env.waitForProposal(
      proposalId,
      (p) => p.signers.every((s: any) => s.state === 'created' && typeof s.payloadUuid === 'string'),
      15_000,
    );
    const payloads = payloadsFor(env, setup.account.address);
    expect(payloads).toHaveLength(5);
    const rows = await requestRows(env, proposalId);
    for (const row of rows) {
      const payload = payloads.find((p) => identifierOf(p) === row.custom_identifier);
      expect(payload).toBeDefined();
      expect(row.xaman_payload_uuid).toBe(payload!.uuid);
    }

    // The recovered requests are the ones that sign.
    const recovered = dispatched.signers.filter((s: any) => queued.some((q: any) => q.address === s.address));
    expect(recovered).toHaveLength(2);
    for (const signer of recovered) expect((await signInXaman(env, signer.payloadUuid)).status).toBe(200);
    const done = await env.waitForProposal(proposalId, (p) => p.state === 'succeeded', 20_000);
    expect(done.result.transactionResult).toBe('tesSUCCESS');
    expect(env.ledger.getBalance(destination)).toBe(4_000_000n);
    expect(payloadsFor(env, setup.account.address)).toHaveLength(5);
  }, 45_000);

  // Regression: a payload recovered by its identifier (after a lost answer) was once recorded with the
  // bare uuid as its sign link and pushed = false.
  it('a recovered request keeps a usable sign link', async () => {
    const setup = await env.setUp({ quorum: 1, signers: [{ weight: 1 }] });
    const accountId = await env.register(setup);
    hop.loseCreateAnswers(1);
    const created = await env.call('POST', '/v1/proposals', {
      accountId,
      txjson: payment(Wallet.generate().classicAddress, '1000000'),
    });
    expect(created.body.signers[0].state).toBe('queued');
    const sent = await env.waitForProposal(created.body.id, (p) => p.signers[0].state === 'created', 15_000);
    const signer = sent.signers[0];
    // The service reaches Xaman through the test's hop here, so the link names the hop's host.
    expect(signer.signLink).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/sign/${signer.payloadUuid}$`));
    expect(signer.pushed).toBeNull();
  }, 30_000);
});
