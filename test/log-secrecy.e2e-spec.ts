import { ChildProcess, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Wallet } from 'xrpl';
import { FlowEnv, payment, startFlow } from './support/flow';

/**
 * Secrets never reach a log line or an API answer. The API and the worker run as real processes
 * (`start:api`, `start:worker` entry points) at LOG_LEVEL=trace; everything they write to stdout
 * and stderr is captured while an account is registered, signer user tokens are set, a proposal is
 * created and signed (webhooks), and errors happen, and then searched for every secret.
 */

const ROOT = join(__dirname, '..');

interface Spawned {
  child: ChildProcess;
  output: () => string;
}

function spawnProcess(
  entry: string,
  env: Record<string, string>,
  ready: RegExp,
): Promise<Spawned & { match: RegExpMatchArray }> {
  const child = spawn(process.execPath, ['-r', './scripts/register.js', entry], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: string[] = [];
  const output = () => chunks.join('');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${entry} did not start in time:\n${output()}`));
    }, 30_000);
    const onData = (chunk: Buffer) => {
      chunks.push(chunk.toString('utf8'));
      const match = ready.exec(output());
      if (match) {
        clearTimeout(timer);
        resolve({ child, output, match });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited with ${code}:\n${output()}`));
    });
  });
}

async function stop(spawned: Spawned | undefined): Promise<void> {
  const child = spawned?.child;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 10_000)))]);
  clearTimeout(timer);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

describe('log secrecy: no secret in any log line or API answer', () => {
  let env: FlowEnv;
  let api: Spawned | undefined;
  let worker: Spawned | undefined;
  const tokenEncryptionKey = randomBytes(32).toString('hex');

  beforeAll(async () => {
    env = await startFlow({ worker: false });
  }, 30_000);
  afterAll(async () => {
    await stop(api);
    await stop(worker);
    await env?.close();
  }, 30_000);

  it('API and worker logs (trace level) hold no user token, API key, Xaman secret, encryption key or authorization header', async () => {
    const processEnv = {
      DATABASE_URL: env.db.url,
      XRPL_NETWORK: 'sandbox',
      SANDBOX_MODE: 'true',
      XRPL_URL: env.ledger.url,
      XRPL_MIN_SECONDS_PER_LEDGER: '1',
      XAMAN_API_KEY: env.config.xaman.apiKey,
      XAMAN_API_SECRET: env.config.xaman.apiSecret,
      XAMAN_ENDPOINT: env.xaman.url,
      XAMAN_POLL_INTERVAL_MS: '1000',
      TOKEN_ENCRYPTION_KEY: tokenEncryptionKey,
      WORKER_TICK_MS: '250',
      LOG_LEVEL: 'trace',
      HOST: '127.0.0.1',
      PORT: '0',
    };
    const [startedApi, startedWorker] = await Promise.all([
      spawnProcess('apps/api/src/main.ts', processEnv, /API listening on (http:\/\/[0-9.:]+)/),
      spawnProcess('apps/worker/src/main.ts', processEnv, /Worker running/),
    ]);
    api = startedApi;
    worker = startedWorker;
    const url = startedApi.match[1]!;
    env.xaman.setWebhookUrl(`${url}/v1/webhooks/xaman`);

    const bearerValues: string[] = [];
    const answers: string[] = [];
    const call = async (method: string, path: string, body?: unknown, key: string | null = env.adminKey) => {
      if (key) bearerValues.push(`Bearer ${key}`);
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(key ? { authorization: `Bearer ${key}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      answers.push(text);
      return { status: response.status, body: text ? JSON.parse(text) : null };
    };

    // An account and its signers' Xaman user tokens.
    const setup = await env.setUp({ quorum: 2, signers: [{ weight: 1 }, { weight: 1 }, { weight: 1 }] });
    const userTokens = setup.signers.map((s) => s.userToken);
    expect(userTokens.every((t) => /^[0-9a-f-]{36}$/i.test(t))).toBe(true);
    const registered = await call('POST', '/v1/accounts', {
      address: setup.account.address,
      network: 'sandbox',
      label: 'treasury',
    });
    expect(registered.status).toBe(201);
    const accountId: string = registered.body.id;
    for (const signer of setup.signers) {
      const put = await call('PUT', `/v1/accounts/${accountId}/signers/${signer.address}`, {
        label: 'signer',
        userToken: signer.userToken,
      });
      expect(put.status).toBe(200);
    }

    // Errors that carry a secret in the request: a token for a signer that is not in the list, a
    // malformed token, a wrong key, a revoked key, a bad webhook signature.
    const spareToken = env.xaman.createUser().userToken!;
    userTokens.push(spareToken);
    const notASigner = await call(
      'PUT',
      `/v1/accounts/${accountId}/signers/${Wallet.generate().classicAddress}`,
      { userToken: spareToken },
    );
    expect(notASigner.status).toBe(404);
    const malformed = await call('PUT', `/v1/accounts/${accountId}/signers/${setup.signers[0]!.address}`, {
      userToken: `${spareToken}-x`,
    });
    expect(malformed.status).toBe(400);
    const wrongKey = `msc_${randomBytes(4).toString('hex')}_${randomBytes(24).toString('base64url')}`;
    expect((await call('GET', '/v1/accounts', undefined, wrongKey)).status).toBe(401);
    const proposer = await call('POST', '/v1/api-keys', { name: 'log secrecy proposer', role: 'proposer' });
    expect(proposer.status).toBe(201);
    const proposerKey: string = proposer.body.key;
    expect(proposerKey).toMatch(/^msc_/);
    const doomed = await call('POST', '/v1/api-keys', { name: 'log secrecy revoked', role: 'viewer' });
    expect((await call('DELETE', `/v1/api-keys/${doomed.body.id}`)).status).toBe(200);
    expect((await call('GET', '/v1/accounts', undefined, doomed.body.key)).status).toBe(401);
    expect((await call('POST', '/v1/accounts', { address: 'x' }, proposerKey)).status).toBe(403);
    const forged = JSON.stringify({
      meta: { payload_uuidv4: 'nope' },
      userToken: { user_token: spareToken },
    });
    const forgedRes = await fetch(`${url}/v1/webhooks/xaman`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-xumm-request-timestamp': String(Math.floor(Date.now() / 1000)),
        'x-xumm-request-signature': createHmac('sha1', 'wrong').update(forged).digest('hex'),
      },
      body: forged,
    });
    expect(forgedRes.status).toBe(401);

    // A proposal, with a Xaman outage on one payload creation (the worker retries it).
    env.xaman.injectFault({ shape: 'hard', endpoint: 'payload', method: 'POST', count: 1 });
    const created = await call(
      'POST',
      '/v1/proposals',
      { accountId, txjson: payment(Wallet.generate().classicAddress, '1000000') },
      proposerKey,
    );
    expect(created.status).toBe(201);
    const proposalId: string = created.body.id;
    const waitFor = async (predicate: (p: any) => boolean) => {
      const until = Date.now() + 20_000;
      for (;;) {
        const view = (await call('GET', `/v1/proposals/${proposalId}`)).body;
        if (predicate(view)) return view;
        if (Date.now() > until) throw new Error(`proposal never got there: ${JSON.stringify(view)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    const sent = await waitFor((p) => p.signers.every((s: any) => s.payloadUuid));
    // Webhooks (which carry the signer's user_token) for a signature, one of them while Xaman
    // answers the re-read with an error.
    env.xaman.injectFault({ shape: 'soft', code: 500, endpoint: 'payload', method: 'GET', count: 1 });
    env.xaman.sign(sent.signers[0].payloadUuid);
    await waitFor((p) => p.quorum.collectedWeight === 1);
    env.xaman.sign(sent.signers[1].payloadUuid);
    const done = await waitFor((p) => p.state === 'succeeded');
    expect(done.result.transactionResult).toBe('tesSUCCESS');
    const deliveries = env.xaman.webhookDeliveries();
    expect(deliveries.length).toBeGreaterThan(0);

    // The user token is never answered back; the account says only that there is one.
    const account = await call('GET', `/v1/accounts/${accountId}`);
    expect(account.status).toBe(200);
    for (const signer of account.body.signers) {
      expect(signer.hasUserToken).toBe(true);
      expect(Object.keys(signer).some((k) => /^userToken$|^user_token$/i.test(k))).toBe(false);
    }
    await call('GET', '/v1/accounts');
    await call('GET', '/v1/audit-events?limit=200');
    // A key sent by mistake in a query string: logged as [redacted], whatever the parameter is called.
    expect((await call('GET', `/v1/accounts?access_token=${proposerKey}`, undefined, null)).status).toBe(401);
    await call('GET', `/v1/proposals?state=collecting&apiKey=${env.adminKey}`);

    // Stored encrypted: the column holds neither the token nor an encoding of it.
    const stored = await env.db.dataSource.query<{ address: string; user_token_ciphertext: string }[]>(
      `SELECT address, user_token_ciphertext FROM signers WHERE account_id = $1`,
      [accountId],
    );
    expect(stored).toHaveLength(3);
    for (const row of stored) {
      const token = setup.signers.find((s) => s.address === row.address)!.userToken;
      expect(row.user_token_ciphertext).toEqual(expect.any(String));
      for (const form of encodings(token))
        expect(row.user_token_ciphertext.toLowerCase()).not.toContain(form);
    }
    // ...and the audit trail names no token either.
    const audit = await env.db.dataSource.query<{ details: unknown }[]>(`SELECT details FROM audit_events`);
    const auditText = JSON.stringify(audit).toLowerCase();

    await stop(api);
    await stop(worker);
    const logs = `${startedApi.output()}\n${startedWorker.output()}`;
    const lines = logs.split('\n').filter((line) => line.startsWith('{'));
    // The capture works: JSON lines at debug level and below, with request logs and domain events.
    expect(lines.length).toBeGreaterThan(50);
    expect(lines.some((l) => l.includes('"msg":"request completed"') && l.includes('/v1/accounts'))).toBe(
      true,
    );
    expect(logs).toContain('proposal created');
    expect(logs).toContain('sign request not sent yet');
    expect(logs).toContain('webhook refused');
    expect(lines.some((l) => l.includes('"url":"/v1/accounts?access_token=[redacted]"'))).toBe(true);
    expect(lines.some((l) => l.includes('"url":"/v1/proposals?state=collecting&apiKey=[redacted]"'))).toBe(
      true,
    );

    const secrets: [string, string][] = [
      ...userTokens.flatMap((t, i) => encodings(t).map((f): [string, string] => [`user token ${i}`, f])),
      ...[env.adminKey, proposerKey, doomed.body.key as string, wrongKey].map((k, i): [string, string] => [
        `API key ${i}`,
        k.toLowerCase(),
      ]),
      ...bearerValues.map((b): [string, string] => ['authorization header', b.toLowerCase()]),
      ['Xaman API secret', env.config.xaman.apiSecret.toLowerCase()],
      ['Xaman API secret (HMAC form)', env.config.xaman.apiSecret.replace(/-/g, '').toLowerCase()],
      ['TOKEN_ENCRYPTION_KEY', tokenEncryptionKey.toLowerCase()],
      [
        'TOKEN_ENCRYPTION_KEY (base64)',
        Buffer.from(tokenEncryptionKey, 'hex').toString('base64').toLowerCase(),
      ],
    ];
    const haystack = logs.toLowerCase();
    const leaks = secrets.filter(([, secret]) => haystack.includes(secret)).map(([what]) => what);
    expect(leaks).toEqual([]);
    // No authorization header value at all (redacted, or not logged), under any casing.
    expect(lines.filter((l) => /"authorization"\s*:\s*"(?!\[redacted\])/i.test(l))).toEqual([]);
    expect(lines.filter((l) => /bearer /i.test(l))).toEqual([]);

    // No API answer carried a user token or the other secrets either (the new key's own answer aside).
    const answered = answers.join('\n').toLowerCase();
    const answerLeaks = secrets
      .filter(
        ([what]) => what.startsWith('user token') || what.startsWith('Xaman') || what.startsWith('TOKEN'),
      )
      .filter(([, secret]) => answered.includes(secret))
      .map(([what]) => what);
    expect(answerLeaks).toEqual([]);
    const auditLeaks = secrets.filter(([, secret]) => auditText.includes(secret)).map(([what]) => what);
    expect(auditLeaks).toEqual([]);
  }, 90_000);
});

/** A token as text and as the encodings a careless log or column might hold. */
function encodings(token: string): string[] {
  const lower = token.toLowerCase();
  return [
    lower,
    lower.replace(/-/g, ''),
    Buffer.from(lower).toString('base64').toLowerCase(),
    Buffer.from(lower).toString('hex'),
  ];
}
