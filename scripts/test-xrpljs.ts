/**
 * `npm run test:xrpljs -- <xrpl.js checkout> [--url ws://host:port] [--all] [--close-interval-ms N] [-- <jest args>]`
 *
 * Runs xrpl.js's own integration tests (written for `rippled --standalone` on port 6006) against
 * the ledger sandbox: the in-scope files below, minus the out-of-scope tests, unless `--all`.
 * Nothing of xrpl.js lives in this repository: the checkout is a directory outside it, with its
 * dependencies installed and its workspace packages built (see docs/sandbox-ledger.md).
 *
 * Without `--url` a sandbox is started here on a free port (closing a ledger every second, as
 * `npm run sandbox` does); with `--url` the tests go to a sandbox already running (`npm run sandbox`).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LedgerSandbox, startLedgerSandbox } from '@app/sandbox';

/** xrpl.js test files (under packages/xrpl/test/integration) for what the ledger sandbox supports. */
export const IN_SCOPE_FILES = [
  'requests/accountInfo.test.ts',
  'requests/accountObjects.test.ts',
  'requests/accountTx.test.ts',
  'requests/fee.test.ts',
  'requests/ledger.test.ts',
  'requests/ledgerClosed.test.ts',
  'requests/ledgerCurrent.test.ts',
  'requests/serverInfo.test.ts',
  'requests/serverState.test.ts',
  'requests/submit.test.ts',
  'requests/submitMultisigned.test.ts',
  'requests/subscribe.test.ts',
  'requests/tx.test.ts',
  'requests/utility.test.ts',
  'transactions/payment.test.ts',
  'transactions/signerListSet.test.ts',
  'transactions/accountSet.test.ts',
  'integration.test.ts',
  'regularKey.test.ts',
  'submitAndWait.test.ts',
];

/** Tests of those files that probe what the sandbox does not claim (full names, as jest prints them). */
export const OUT_OF_SCOPE_TESTS: Array<{ name: string; why: string }> = [
  { name: 'account_info uses api_version 1', why: 'API v1: the sandbox speaks v2 only' },
  { name: 'account_info signer_list using api_version 1', why: 'API v1' },
  { name: 'account_tx uses api_version 1', why: 'API v1' },
  { name: 'ledger uses api_version 1', why: 'API v1' },
  { name: 'tx uses api_version 1', why: 'API v1' },
  { name: 'submit_multisigned submit_multisigned transaction using api_version 1', why: 'API v1' },
  { name: 'subscribe Emits transaction', why: 'submits an OfferCreate (offers are not modelled)' },
  {
    name: 'subscribe Emits transaction on transactions_proposed',
    why: 'OfferCreate, and the transactions_proposed stream',
  },
  {
    name: 'regular key try to sign with master key after disabling',
    why: 'probes tefMASTER_DISABLED with an OfferCreate (the sandbox answers temUNKNOWN first)',
  },
  {
    name: 'regular key sign with regular key after disabling the master key',
    why: 'needs an OfferCreate to succeed',
  },
  {
    name: 'regular key try to enable and disable a regular key',
    why: 'probes tefBAD_AUTH with an OfferCreate (the sandbox answers temUNKNOWN first)',
  },
  { name: 'Payment Validate MPT Payment', why: 'MPTokens (MPTokenIssuanceCreate, MPT amounts)' },
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function usage(message: string): never {
  process.stderr.write(
    `${message}\n\n` +
      'Usage: npm run test:xrpljs -- <path to an xrpl.js checkout> [--url ws://127.0.0.1:6006] [--all]\n' +
      '                               [--close-interval-ms N] [-- <extra jest arguments>]\n' +
      'The checkout lives outside this repository, with `npm ci` run and its packages built\n' +
      '(`npx lerna run build --ignore xrpl`); see docs/sandbox-ledger.md.\n',
  );
  process.exit(2);
}

interface Options {
  checkout: string;
  url: string | undefined;
  all: boolean;
  closeIntervalMs: number;
  jestArgs: string[];
}

function parseArgs(argv: string[]): Options {
  const dashdash = argv.indexOf('--');
  const own = dashdash >= 0 ? argv.slice(0, dashdash) : argv;
  const jestArgs = dashdash >= 0 ? argv.slice(dashdash + 1) : [];
  let checkout: string | undefined;
  let url: string | undefined;
  let all = false;
  let closeIntervalMs = 1000;
  for (let i = 0; i < own.length; i++) {
    const arg = own[i] as string;
    if (arg === '--url') url = own[++i];
    else if (arg === '--all') all = true;
    else if (arg === '--close-interval-ms') closeIntervalMs = Number(own[++i]);
    else if (arg.startsWith('--')) usage(`Unknown option ${arg}.`);
    else if (checkout === undefined) checkout = arg;
    else usage(`Unexpected argument ${arg}.`);
  }
  if (checkout === undefined) usage('No xrpl.js checkout given.');
  if (!Number.isInteger(closeIntervalMs) || closeIntervalMs < 0)
    usage('--close-interval-ms takes an integer ≥ 0.');
  if (url !== undefined && !/^wss?:\/\/[^/]+:\d+\/?$/.test(url))
    usage(`--url must look like ws://host:port, got ${url}.`);
  return { checkout: resolve(checkout), url, all, closeIntervalMs, jestArgs };
}

function checkCheckout(checkout: string): { xrplDir: string; jestBin: string } {
  const xrplDir = join(checkout, 'packages', 'xrpl');
  if (!existsSync(join(xrplDir, 'jest.config.integration.js'))) {
    usage(`${checkout} is not an xrpl.js checkout: packages/xrpl/jest.config.integration.js is missing.`);
  }
  let jestBin: string;
  try {
    jestBin = require.resolve('jest/bin/jest', { paths: [xrplDir] });
  } catch {
    usage(`${checkout} has no dependencies installed: run \`npm ci\` in it.`);
  }
  if (!existsSync(join(checkout, 'packages', 'ripple-binary-codec', 'dist'))) {
    usage(`${checkout}'s workspace packages are not built: run \`npx lerna run build --ignore xrpl\` in it.`);
  }
  return { xrplDir, jestBin };
}

interface JestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  testResults: Array<{ assertionResults: Array<{ fullName: string; status: string }> }>;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const { xrplDir, jestBin } = checkCheckout(options.checkout);

  let sandbox: LedgerSandbox | undefined;
  let url = options.url;
  if (url === undefined) {
    sandbox = await startLedgerSandbox({ port: 0, closeIntervalMs: options.closeIntervalMs });
    url = sandbox.url;
    process.stdout.write(`Ledger sandbox started on ${url} (a ledger every ${options.closeIntervalMs} ms)\n`);
  }
  const { hostname, port } = new URL(url);

  const files = IN_SCOPE_FILES.map((file) => join(xrplDir, 'test', 'integration', file));
  const missing = files.filter((file) => !existsSync(file));
  if (missing.length > 0) process.stdout.write(`Not in this checkout (skipped): ${missing.join(', ')}\n`);
  const skip = OUT_OF_SCOPE_TESTS.map((t) => `${escapeRegExp(t.name)}\\s*$`).join('|');
  const reportDir = mkdtempSync(join(tmpdir(), 'xrpljs-report-'));
  const reportFile = join(reportDir, 'report.json');
  const args = [
    jestBin,
    '--config=jest.config.integration.js',
    '--runInBand',
    '--coverage=false',
    '--verbose',
    '--json',
    `--outputFile=${reportFile}`,
    ...(options.all ? [] : [`--testNamePattern=^(?!(${skip})).*`]),
    ...options.jestArgs,
    '--runTestsByPath',
    ...files.filter((file) => existsSync(file)),
  ];

  let exitCode = 1;
  try {
    exitCode = await new Promise<number>((done) => {
      const child = spawn(process.execPath, args, {
        cwd: xrplDir,
        stdio: 'inherit',
        env: { ...process.env, HOST: hostname, PORT: port, TS_NODE_PROJECT: 'tsconfig.build.json' },
      });
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => child.kill(signal));
      child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
    });
    if (existsSync(reportFile)) {
      const report = JSON.parse(readFileSync(reportFile, 'utf8')) as JestReport;
      const failed = report.testResults.flatMap((file) =>
        file.assertionResults.filter((t) => t.status === 'failed').map((t) => t.fullName),
      );
      const ran = report.numPassedTests + report.numFailedTests;
      process.stdout.write(
        `\nxrpl.js integration tests against the ledger sandbox (${options.all ? 'all tests of the in-scope files' : 'in scope'}): ` +
          `${report.numPassedTests} of ${ran} passed` +
          (failed.length > 0 ? `; failed:\n${failed.map((name) => `  - ${name}`).join('\n')}\n` : '\n'),
      );
    }
  } finally {
    rmSync(reportDir, { recursive: true, force: true });
    await sandbox?.close();
  }
  process.exit(exitCode);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
