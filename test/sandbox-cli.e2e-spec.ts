import { ChildProcess } from 'node:child_process';
import { SANDBOX_XAMAN_API_KEY, SANDBOX_XAMAN_API_SECRET } from '@app/sandbox';
import { startNode, waitFor } from './support/process';

/**
 * `npm run sandbox` as a rehearsal runs it: the Xaman sandbox accepts the application credentials
 * the service is configured with (XAMAN_API_KEY / XAMAN_API_SECRET), not only its defaults.
 */

const KEY = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc';
const SECRET = 'dddddddd-dddd-4ddd-8ddd-dddddddddddd';

async function ping(xamanUrl: string, key: string, secret: string) {
  const response = await fetch(`${xamanUrl}/api/v1/platform/ping`, {
    headers: { 'x-api-key': key, 'x-api-secret': secret },
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe('npm run sandbox', () => {
  let child: ChildProcess | undefined;
  afterAll(() => child?.kill('SIGKILL'));

  it('uses XAMAN_API_KEY and XAMAN_API_SECRET when they are given, and prints them', async () => {
    const sandbox = startNode(['-r', './scripts/register.js', 'apps/sandbox/src/main.ts'], {
      XAMAN_API_KEY: KEY,
      XAMAN_API_SECRET: SECRET,
      LEDGER_SANDBOX_PORT: '0',
      XAMAN_SANDBOX_PORT: '0',
    });
    child = sandbox.child;
    const out = () => sandbox.output();
    await waitFor(() => out().includes('Xaman credentials:'), 30_000, 'the sandbox banner');
    expect(out()).toContain(`XAMAN_API_KEY=${KEY} XAMAN_API_SECRET=${SECRET}`);
    const xamanUrl = /Xaman sandbox \(platform API\): +(http:\/\/\S+)/.exec(out())![1]!;

    const accepted = await ping(xamanUrl, KEY, SECRET);
    expect(accepted.status).toBe(200);
    expect(accepted.body.pong).toBe(true);
    const defaults = await ping(xamanUrl, SANDBOX_XAMAN_API_KEY, SANDBOX_XAMAN_API_SECRET);
    expect(defaults.status).toBe(403);
    expect(JSON.stringify(defaults.body)).toContain('811');

    child.kill('SIGTERM');
    expect(await sandbox.exited).toBe(0);
  }, 60_000);
});
