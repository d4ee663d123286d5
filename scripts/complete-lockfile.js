#!/usr/bin/env node
/**
 * Keeps package-lock.json complete for every platform: `npm run lockfile:complete` after changing
 * dependencies; `--check` only reports (exit 1 when the lockfile is incomplete or not as npm writes it).
 *
 * The npm registry reachable from our build machines serves only the linux-x64 builds of packages
 * that ship one binary package per platform (@swc/core-*, @unrs/resolver-binding-*, ...). npm then
 * leaves the other platforms' packages out of the lockfile, and `npm ci` refuses the result as
 * "not in sync". This adds each declared-but-missing optional platform package as an optional entry
 * tagged with its os/cpu, which `npm ci` skips on other platforms and installs from the registry on
 * its own. npm keeps such entries on later installs.
 *
 * It writes the file exactly as npm would (npm's key order, `dev` on dev-only entries), so a later
 * `npm install` finds nothing to change. It is not an install hook: a root install script makes npm
 * record `hasInstallScript` and rewrite the lockfile on the next install, which left a fresh clone
 * dirty right after `npm install`.
 */
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const OS = [
  'darwin',
  'linux',
  'win32',
  'freebsd',
  'android',
  'openharmony',
  'sunos',
  'aix',
  'netbsd',
  'openbsd',
];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'wasm32', 'mips64el'];

function platformOf(name) {
  const tail = name.split('/').pop();
  const parts = tail.split('-');
  const os = OS.find((o) => parts.includes(o) || (o === 'win32' && parts.includes('windows')));
  const cpu = CPU.find((c) => parts.includes(c) || (c === 'x64' && parts.includes('x86_64')));
  const libc =
    parts.includes('musl') || parts.includes('musleabihf')
      ? 'musl'
      : parts.includes('gnu') || parts.includes('gnueabihf')
        ? 'glibc'
        : undefined;
  return { os, cpu, libc };
}

/** Adds the missing optional platform packages to a parsed lockfile; returns how many. */
function completeLockfile(lock) {
  const packages = lock.packages ?? {};
  let added = 0;
  for (const [path, entry] of Object.entries(packages)) {
    if (!entry.optionalDependencies) continue;
    const base = path === '' ? '' : `${path}/`;
    for (const [name, spec] of Object.entries(entry.optionalDependencies)) {
      // Resolved like node: next to the parent, else at the root.
      if (packages[`${base}node_modules/${name}`] || packages[`node_modules/${name}`]) continue;
      const { os, cpu, libc } = platformOf(name);
      if (!os && !cpu) continue; // not a per-platform binary: leave it to npm
      if (!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(spec)) continue; // only exact versions can be pinned safely
      packages[`node_modules/${name}`] = {
        version: spec,
        ...(cpu ? { cpu: [cpu] } : {}),
        ...(entry.dev ? { dev: true } : {}),
        ...(libc ? { libc: [libc] } : {}),
        optional: true,
        ...(os ? { os: [os] } : {}),
      };
      added++;
    }
  }
  lock.packages = packages;
  return added;
}

/**
 * The lockfile text as npm writes it (npm's json-stringify-nice with its preferred keys): in every
 * object, values that are not objects (arrays included) come before objects; within each group the
 * preferred keys first, in their order, then the others sorted with localeCompare('en').
 */
const PREFERRED_KEYS = [
  'name',
  'version',
  'lockfileVersion',
  'resolved',
  'integrity',
  'requires',
  'packages',
  'dependencies',
];
function serializeLikeNpm(lock) {
  const isObject = (value) => !!value && !Array.isArray(value) && typeof value === 'object';
  const compare = (a, b) => {
    const ai = PREFERRED_KEYS.indexOf(a);
    const bi = PREFERRED_KEYS.indexOf(b);
    if (ai >= 0 && bi >= 0) return ai - bi;
    if (ai >= 0) return -1;
    if (bi >= 0) return 1;
    return a.localeCompare(b, 'en');
  };
  const replacer = (_key, value) =>
    isObject(value)
      ? Object.fromEntries(
          Object.entries(value).sort(([ak, av], [bk, bv]) =>
            isObject(av) === isObject(bv) ? compare(ak, bk) : isObject(av) ? 1 : -1,
          ),
        )
      : value;
  return `${JSON.stringify(lock, replacer, 2)}\n`;
}

module.exports = { completeLockfile, serializeLikeNpm, platformOf };

if (require.main === module) {
  const file = join(__dirname, '..', 'package-lock.json');
  const text = readFileSync(file, 'utf8');
  const lock = JSON.parse(text);
  const added = completeLockfile(lock);
  const completed = serializeLikeNpm(lock);
  if (process.argv.includes('--check')) {
    if (completed !== text) {
      console.error(
        `package-lock.json is ${added > 0 ? `missing ${added} optional platform package(s)` : 'not in the form npm writes'}: run npm run lockfile:complete`,
      );
      process.exit(1);
    }
    console.log('package-lock.json is complete and as npm writes it');
  } else if (completed !== text) {
    writeFileSync(file, completed);
    console.log(
      `complete-lockfile: ${added} optional platform package(s) added; package-lock.json rewritten`,
    );
  } else {
    console.log('complete-lockfile: nothing to do');
  }
}
