import { createServer } from 'node:net';
import { FlowEnv, sandboxAction, startFlow } from './support/flow';

/** A strict reader of the Prometheus text format (0.0.4): every line is a comment, a sample or empty. */
function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  const types = new Map<string, string>();
  const name = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  const label = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"`;
  const sample = new RegExp(`^(${name})(\\{(?:${label}(?:,${label})*)?,?\\})? (\\S+)( -?\\d+)?$`);
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const help = /^# HELP (\S+) .*$/.exec(line);
    const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (help) continue;
    if (type) {
      if (types.has(type[1]!)) throw new Error(`TYPE given twice for ${type[1]}`);
      types.set(type[1]!, type[2]!);
      continue;
    }
    const match = sample.exec(line);
    if (!match) throw new Error(`not Prometheus text: ${JSON.stringify(line)}`);
    const value = Number(match[3] === '+Inf' ? Infinity : match[3] === '-Inf' ? -Infinity : match[3]);
    // Values are Go float literals: NaN is spelled in any case (prom-client writes "Nan").
    if (Number.isNaN(value) && match[3]!.toLowerCase() !== 'nan') throw new Error(`bad value in ${line}`);
    samples.set(`${match[1]}${match[2] ?? ''}`, value);
  }
  return samples;
}

/** The sum of every sample of `metric` whose labels include `labels` (e.g. `upstream="xaman"`). */
function total(samples: Map<string, number>, metric: string, ...labels: string[]): number {
  let sum = 0;
  for (const [key, value] of samples) {
    const name = key.split('{')[0];
    if (name === metric && labels.every((l) => key.includes(l))) sum += value;
  }
  return sum;
}

/** RFC 4180 rows (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0) throw new Error('CSV does not end with CRLF');
  return rows;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('metrics, health and the proposal export (REST API + worker + sandboxes + PostgreSQL)', () => {
  const METRICS_TOKEN = 'scrape-token-for-tests';
  let env: FlowEnv;
  let workerPort: number;
  let proposalId: string;
  let viewerKey: string;

  beforeAll(async () => {
    workerPort = await freePort();
    env = await startFlow({ env: { METRICS_TOKEN, WORKER_METRICS_PORT: String(workerPort) } });
    viewerKey = (await env.call('POST', '/v1/api-keys', { name: 'accounting', role: 'viewer' })).body.key;
  }, 30_000);
  afterAll(async () => {
    await env?.close();
  }, 30_000);

  const scrape = async () => {
    const res = await fetch(`${env.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheus(await res.text());
  };

  it('/metrics needs the METRICS_TOKEN when one is set (API keys do not open it)', async () => {
    expect((await fetch(`${env.url}/metrics`)).status).toBe(401);
    const withApiKey = await fetch(`${env.url}/metrics`, {
      headers: { authorization: `Bearer ${env.adminKey}` },
    });
    expect(withApiKey.status).toBe(401);
    expect(((await withApiKey.json()) as { code: string }).code).toBe('UNAUTHENTICATED');
  });

  it('/metrics parses as Prometheus text, and its counters move when a payout runs', async () => {
    const before = await scrape();
    const setup = await env.setUp({ quorum: 2, signers: [{ weight: 1 }, { weight: 1 }, { weight: 1 }] });
    const accountId = await env.register(setup);
    const proposal = await env.propose(accountId, '3000000');
    proposalId = proposal.id;
    const queued = await scrape();
    expect(total(queued, 'coordinator_proposals', 'state="collecting"')).toBeGreaterThanOrEqual(1);
    expect(queued.has('coordinator_sign_requests_queued')).toBe(true);

    expect((await sandboxAction(env, proposal.signers[0].payloadUuid, 'sign')).status).toBe(200);
    await env.waitForProposal(proposal.id, (p) => p.quorum.collectedWeight === 1);
    expect((await sandboxAction(env, proposal.signers[1].payloadUuid, 'sign')).status).toBe(200);
    await env.waitForProposal(proposal.id, (p) => p.state === 'succeeded');

    const after = await scrape();
    const delta = (metric: string, ...labels: string[]) =>
      total(after, metric, ...labels) - total(before, metric, ...labels);
    expect(delta('coordinator_signatures_accepted_total')).toBe(2);
    expect(delta('coordinator_quorum_to_submitted_seconds_count')).toBe(1);
    expect(delta('coordinator_quorum_to_validated_seconds_count', 'outcome="succeeded"')).toBe(1);
    expect(
      delta(
        'coordinator_upstream_request_duration_seconds_count',
        'upstream="xaman"',
        'method="createPayload"',
      ),
    ).toBe(3);
    expect(
      delta('coordinator_upstream_request_duration_seconds_count', 'upstream="xrpl"', 'method="submit"'),
    ).toBeGreaterThanOrEqual(1);
    expect(delta('coordinator_proposals', 'state="succeeded"')).toBe(1);
    expect(delta('coordinator_job_duration_seconds_count', 'job="follow-submissions"')).toBeGreaterThan(0);
    for (const job of ['dispatch-sign-requests', 'expire-proposals', 'deliver-webhooks']) {
      expect(after.get(`coordinator_job_lag_seconds{job="${job}"}`)).toBeGreaterThanOrEqual(0);
    }
  }, 60_000);

  it('a refused blob is counted by its code', async () => {
    const before = await scrape();
    const setup = await env.setUp({ quorum: 2, signers: [{ weight: 1 }, { weight: 1 }, { weight: 1 }] });
    const accountId = await env.register(setup);
    const proposal = await env.propose(accountId);
    expect(
      (await sandboxAction(env, proposal.signers[0].payloadUuid, 'sign', { tamper: { Fee: '999' } })).status,
    ).toBe(200);
    await env.waitForProposal(proposal.id, (p) => p.signers[0].state === 'refused');
    const after = await scrape();
    const refused = (s: Map<string, number>) => total(s, 'coordinator_signatures_refused_total');
    expect(refused(after) - refused(before)).toBe(1);
  }, 30_000);

  it('the worker serves its own metrics on WORKER_METRICS_PORT, behind the same token', async () => {
    const url = `http://127.0.0.1:${workerPort}/metrics`;
    expect((await fetch(url)).status).toBe(401);
    const res = await fetch(url, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    const samples = parsePrometheus(await res.text());
    expect(
      total(samples, 'coordinator_job_duration_seconds_count', 'job="deliver-webhooks"'),
    ).toBeGreaterThan(0);
    expect((await fetch(`http://127.0.0.1:${workerPort}/other`)).status).toBe(404);
  });

  it('/health says nothing of the deployment; /health/live and /health/ready answer without a key', async () => {
    const health = await env.call('GET', '/health', undefined, { key: null });
    expect(health.status).toBe(200);
    expect(Object.keys(health.body).sort()).toEqual(['checkedInMs', 'database', 'status']);
    const live = await env.call('GET', '/health/live', undefined, { key: null });
    expect(live.status).toBe(200);
    expect(live.body.status).toBe('ok');
    const ready = await env.call('GET', '/health/ready', undefined, { key: null });
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' }, ledger: { status: 'up' }, xaman: { status: 'up' } },
    });
    expect(JSON.stringify(ready.body)).not.toMatch(/sandbox|127\.0\.0\.1/);
  });

  it('exports proposals with their approval trail as JSON and as CSV (viewer role)', async () => {
    const json = await env.call('GET', `/v1/proposals/export?format=json`, undefined, { key: viewerKey });
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    const record = json.body.find((p: any) => p.proposalId === proposalId);
    expect(record).toMatchObject({
      state: 'succeeded',
      transactionType: 'Payment',
      amount: '3000000',
      resultCode: 'tesSUCCESS',
      hash: expect.stringMatching(/^[0-9A-F]{64}$/),
      ledgerIndex: expect.any(Number),
      quorum: 2,
    });
    expect(record.approvals).toHaveLength(3);
    const counted = record.approvals.filter((a: any) => a.counted);
    expect(counted).toHaveLength(2);
    for (const approval of counted) {
      expect(approval).toMatchObject({
        requestState: 'signed',
        keyType: 'master',
        signingPubKey: expect.stringMatching(/^[0-9A-F]{66}$/),
        signedAt: expect.any(String),
        weight: 1,
      });
    }
    expect(
      json.body.find((p: any) => p.state === 'collecting').approvals.some((a: any) => a.refusalCode),
    ).toBe(true);

    const csv = await fetch(`${env.url}/v1/proposals/export?format=csv&state=succeeded`, {
      headers: { authorization: `Bearer ${viewerKey}` },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toContain('proposals.csv');
    const rows = parseCsv(await csv.text());
    const [header, ...body] = rows;
    expect(header).toContain('proposal_id');
    expect(header).toContain('signing_pub_key');
    expect(body.every((r) => r.length === header!.length)).toBe(true);
    const col = (name: string) => header!.indexOf(name);
    const mine = body.filter((r) => r[col('proposal_id')] === proposalId);
    expect(mine).toHaveLength(3);
    expect(mine.filter((r) => r[col('counted')] === 'true')).toHaveLength(2);
    expect(new Set(mine.map((r) => r[col('hash')]))).toEqual(new Set([record.hash]));
    expect(mine[0]![col('ledger_index')]).toBe(String(record.ledgerIndex));
    expect(body.every((r) => r[col('state')] === 'succeeded')).toBe(true);

    const none = await env.call(
      'GET',
      `/v1/proposals/export?format=json&from=2000-01-01T00:00:00Z&to=2000-02-01T00:00:00Z`,
    );
    expect(none.body).toEqual([]);
  }, 30_000);

  it('bad export filters answer 400 VALIDATION_FAILED', async () => {
    for (const query of [
      'format=xml',
      'from=yesterday',
      'accountId=nope',
      'state=paid',
      'from=2031-02-01T00:00:00Z&to=2031-01-01T00:00:00Z',
    ]) {
      const res = await env.call('GET', `/v1/proposals/export?${query}`);
      expect([query, res.status, res.body.code]).toEqual([query, 400, 'VALIDATION_FAILED']);
    }
  });
});
