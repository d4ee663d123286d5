import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

export interface NodeProcess {
  child: ChildProcess;
  /** The exit code (null when ended by a signal). */
  exited: Promise<number | null>;
  /** stdout and stderr so far, interleaved as they arrived. */
  output(): string;
}

/**
 * The node flags of `npm run start:<app>` (package.json): everything between `node` and the entry
 * file, so the bench and the build test start the compiled services as production does.
 */
export function productionNodeFlags(app: 'api' | 'worker'): string[] {
  const scripts = (
    JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  ).scripts;
  const words = (scripts[`start:${app}`] ?? '').split(/\s+/);
  if (words[0] !== 'node' || !words.at(-1)?.endsWith('main.js'))
    throw new Error(`package.json start:${app} is not "node [flags] <entry>.js"`);
  return words.slice(1, -1);
}

/** `node <args>` in the project directory, with only PATH and `env` in its environment. */
export function startNode(args: string[], env: Record<string, string>): NodeProcess {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => out };
}

/**
 * One service of the deployment as its own OS process, from source (`node -r ./scripts/register.js
 * <entry>`), e.g. `apps/api/src/main.ts` or `apps/worker/src/main.ts`, as in production.
 */
export function startService(entry: string, env: Record<string, string>, args: string[] = []): NodeProcess {
  return startNode(['-r', './scripts/register.js', entry, ...args], env);
}

/** The URL an API process logs once it listens (`API listening on http://… `), or null before. */
export function listeningUrl(service: NodeProcess): string | null {
  return /API listening on (http:\/\/\S+) /.exec(service.output())?.[1] ?? null;
}

/** `kill -9`, then waits for the exit. */
export async function killHard(service: NodeProcess): Promise<void> {
  if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill('SIGKILL');
  await service.exited;
}

/** SIGTERM, then waits for the exit (a graceful stop). */
export async function stopService(service: NodeProcess): Promise<void> {
  if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill('SIGTERM');
  await service.exited;
}

export async function waitFor(predicate: () => boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
