import { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNode, waitFor } from './support/process';

/**
 * `npm start` as a newcomer runs it: no DATABASE_URL (embedded PostgreSQL), the sandboxes, API and
 * worker in one process; the printed quick start works; SIGINT stops everything; a second start
 * reuses the data.
 */
function start(dataDir: string) {
  return startNode(['-r', './scripts/register.js', 'apps/dev/src/main.ts'], {
    COORDINATOR_DATA_DIR: dataDir,
    PORT: '0',
    LEDGER_SANDBOX_PORT: '0',
    XAMAN_SANDBOX_PORT: '0',
    SANDBOX_AUTO_SIGN_DELAY_MS: '300',
    LOG_LEVEL: 'info',
  });
}

describe('npm start (embedded PostgreSQL, sandboxes, API and worker in one process)', () => {
  const parent = mkdtempSync(join(tmpdir(), 'coordinator-start-'));
  chmodSync(parent, 0o755);
  const dataDir = join(parent, 'data');
  let running: ChildProcess | undefined;
  afterAll(() => {
    running?.kill('SIGKILL');
    rmSync(parent, { recursive: true, force: true });
  });

  it('serves /health, runs the printed quick start to a validated payout, stops cleanly, and reuses its data', async () => {
    const first = start(dataDir);
    running = first.child;
    await waitFor(() => first.output().includes('Try it:'), 60_000, 'the start banner');
    const out = first.output();
    expect(out).toContain('RUNNING ON OFFLINE SANDBOXES');
    // Logs are for a person here: pino-pretty lines, no JSON mixed into the banner.
    expect(out).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: .*Nest application successfully started/m);
    expect(out.split('\n').filter((line) => line.trimStart().startsWith('{"level"'))).toEqual([]);
    const url = /API: +(http:\/\/\S+)\/v1/.exec(out)![1]!;
    const key = /Admin API key \(shown once, keep it\): (\S+)/.exec(out)![1]!;
    const body = /-d '(\{.*\})'/.exec(out)![1]!;

    expect((await fetch(`${url}/health`)).status).toBe(200);
    const created = await fetch(`${url}/v1/proposals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body,
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    let state = '';
    const until = Date.now() + 20_000;
    while (state !== 'succeeded' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 250));
      const proposal = (await (
        await fetch(`${url}/v1/proposals/${id}`, { headers: { authorization: `Bearer ${key}` } })
      ).json()) as { state: string };
      state = proposal.state;
    }
    expect(state).toBe('succeeded');

    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('stopped cleanly');
    // The embedded PostgreSQL stopped too (a running postmaster keeps its pid file).
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);

    const second = start(dataDir);
    running = second.child;
    await waitFor(() => second.output().includes('Try it:'), 60_000, 'the second start banner');
    expect(second.output()).toContain('reused data');
    expect(second.output()).not.toContain('Admin API key (shown once');
    const url2 = /API: +(http:\/\/\S+)\/v1/.exec(second.output())![1]!;
    // The key from the first start still works: the data survived.
    const listed = await fetch(`${url2}/v1/proposals`, { headers: { authorization: `Bearer ${key}` } });
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as { items: { id: string }[] }).items.map((p) => p.id)).toContain(id);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
  }, 120_000);
});
