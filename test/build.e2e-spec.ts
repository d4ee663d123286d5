import { ChildProcess } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { TEST_ENV } from './support/api';
import { createScratchDatabase, dropScratchDatabase } from './support/database';
import { productionNodeFlags, ROOT, startNode, waitFor } from './support/process';

/**
 * The production build as an operator uses it: `npm run build` (here into a scratch outDir under
 * dist/), then the compiled migrations, the compiled api-key CLI and the compiled API and worker,
 * all with plain node: no TypeScript loader, and type stripping off where node has it, so nothing
 * can quietly run a .ts source.
 */

const OUT_DIR = join(ROOT, 'dist', `e2e-build-${process.pid}`);
const NO_TS = process.allowedNodeEnvironmentFlags.has('--no-experimental-strip-types')
  ? ['--no-experimental-strip-types']
  : [];

function node(args: string[], env: Record<string, string>) {
  return startNode([...NO_TS, ...args], env);
}

function* files(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else yield path;
  }
}

describe('npm run build: the compiled service runs on plain node', () => {
  let databaseUrl = '';
  const running: ChildProcess[] = [];

  beforeAll(async () => {
    databaseUrl = await createScratchDatabase(`build_${process.pid}`);
  });
  afterAll(async () => {
    for (const child of running) child.kill('SIGKILL');
    rmSync(OUT_DIR, { recursive: true, force: true });
    await dropScratchDatabase(databaseUrl);
  });

  it('builds, migrates, issues a key and serves the API; API and worker stop cleanly on SIGTERM', async () => {
    const build = node(['scripts/build.js', '--outDir', OUT_DIR], {});
    running.push(build.child);
    expect(await build.exited).toBe(0);
    const emitted = [...files(OUT_DIR)].map((file) => relative(OUT_DIR, file));
    expect(emitted).toContain(join('apps', 'api', 'src', 'main.js'));
    expect(emitted).toContain(join('apps', 'worker', 'src', 'main.js'));
    expect(emitted).toContain(join('scripts', 'migrate.js'));
    expect(emitted.filter((file) => file.endsWith('.ts'))).toEqual([]);

    const env = { ...TEST_ENV, DATABASE_URL: databaseUrl, HOST: '127.0.0.1' };

    const migrate = node([join(OUT_DIR, 'scripts', 'migrate.js'), 'run'], env);
    expect(await migrate.exited).toBe(0);
    expect(migrate.output()).toMatch(/Applied: CreateSchema\d+/);

    const apiKey = node([join(OUT_DIR, 'scripts', 'api-key.js'), 'create', '--role', 'viewer'], env);
    expect(await apiKey.exited).toBe(0);
    const key = /shown only now:\s+(\S+)/.exec(apiKey.output())?.[1] ?? '';
    expect(key).not.toBe('');

    // With the node flags of `npm run start:api` and `start:worker`: this node accepts them.
    const api = node([...productionNodeFlags('api'), join(OUT_DIR, 'apps', 'api', 'src', 'main.js')], env);
    running.push(api.child);
    const worker = node(
      [...productionNodeFlags('worker'), join(OUT_DIR, 'apps', 'worker', 'src', 'main.js')],
      env,
    );
    running.push(worker.child);
    await waitFor(
      () => /API listening on (\S+) /.test(api.output()),
      30_000,
      `the API to listen:\n${api.output()}`,
    );
    await waitFor(
      () => worker.output().includes('Worker running'),
      30_000,
      `the worker:\n${worker.output()}`,
    );
    const url = /API listening on (\S+) /.exec(api.output())![1]!;

    expect((await fetch(`${url}/health`)).status).toBe(200);
    const proposals = await fetch(`${url}/v1/proposals`, { headers: { authorization: `Bearer ${key}` } });
    expect(proposals.status).toBe(200);
    expect(await proposals.json()).toEqual(expect.objectContaining({ items: [] }));
    expect((await fetch(`${url}/v1/proposals`)).status).toBe(401);

    api.child.kill('SIGTERM');
    worker.child.kill('SIGTERM');
    expect(await api.exited).toBe(0);
    expect(await worker.exited).toBe(0);
    expect(api.output()).toContain('stopped cleanly');
    expect(worker.output()).toContain('stopped cleanly');
  }, 180_000);
});
