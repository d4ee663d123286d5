import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { baseDatabaseUrl } from './support/database';
import { TEST_ENV } from './support/api';

const ROOT = join(__dirname, '..');

function run(entry: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['-r', './scripts/register.js', entry], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

async function waitFor(predicate: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('process boot', () => {
  let child: ChildProcess | undefined;
  afterEach(() => child?.kill('SIGKILL'));

  it.each([
    ['apps/api/src/main.ts', { PORT: 'eighty' }, 'PORT'],
    ['apps/api/src/main.ts', { XAMAN_API_SECRET: 'nope' }, 'XAMAN_API_SECRET'],
    ['apps/worker/src/main.ts', { DATABASE_URL: '' }, 'DATABASE_URL'],
    ['apps/worker/src/main.ts', { TOKEN_ENCRYPTION_KEY: 'short' }, 'TOKEN_ENCRYPTION_KEY'],
  ])(
    '%s refuses to start on a bad setting and names it (%j)',
    async (entry, bad, variable) => {
      const proc = run(entry, { ...TEST_ENV, DATABASE_URL: baseDatabaseUrl(), ...bad });
      child = proc.child;
      expect(await proc.exited).toBe(78);
      expect(proc.output().stderr).toContain('refusing to start');
      expect(proc.output().stderr).toContain(`${variable}:`);
    },
    30_000,
  ); // a process start (loader, Nest, swagger) takes seconds on a busy machine

  it('start:api serves /health and stops cleanly on SIGTERM', async () => {
    const proc = run('apps/api/src/main.ts', { ...TEST_ENV, DATABASE_URL: baseDatabaseUrl(), PORT: '0' });
    child = proc.child;
    await waitFor(() => /API listening on (\S+) /.test(proc.output().stdout), 30_000);
    const url = /API listening on (\S+) /.exec(proc.output().stdout)![1];
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    expect(proc.output().stdout).toContain('stopped cleanly');
  }, 40_000);
});
