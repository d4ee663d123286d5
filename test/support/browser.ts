import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Browser, chromium } from 'playwright-core';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** Flags of @sparticuz/chromium that would weaken what the tests check (same-origin rules, cookies). */
const UNWANTED = /^--(disable-web-security|allow-running-insecure-content|single-process|headless)/;

/**
 * The Chromium inside the @sparticuz/chromium npm package, unpacked once into the temp directory.
 * The package is an ES module, which jest's registry cannot load: a plain node process asks it.
 */
function sparticuzChromium(): { executablePath: string; args: string[] } {
  const script =
    "import('@sparticuz/chromium').then(async ({ default: c }) => " +
    'process.stdout.write(JSON.stringify({ executablePath: await c.executablePath(), args: c.args })))';
  const output = execFileSync(process.execPath, ['-e', script], { cwd: __dirname, encoding: 'utf8' });
  return JSON.parse(output) as { executablePath: string; args: string[] };
}

/**
 * Headless Chromium for the console tests (driven by playwright-core): Debian's /usr/bin/chromium
 * when it is installed, else the one in @sparticuz/chromium. Throws, saying what to do, when neither
 * starts: the browser tests are never skipped.
 */
export async function launchBrowser(): Promise<Browser> {
  let executablePath = DEBIAN_CHROMIUM;
  let args: string[] = [];
  try {
    if (!existsSync(DEBIAN_CHROMIUM)) {
      const packaged = sparticuzChromium();
      executablePath = packaged.executablePath;
      args = packaged.args.filter((arg) => !UNWANTED.test(arg));
    }
    return await chromium.launch({
      executablePath,
      headless: true,
      args: [
        ...args,
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  } catch (error) {
    throw new Error(
      `Headless Chromium did not start (${executablePath}): ${(error as Error).message}\n` +
        'The console tests need it: `npm ci` installs @sparticuz/chromium (a Chromium inside an npm package), ' +
        "or install Debian's chromium (apt-get install chromium).",
    );
  }
}
