#!/usr/bin/env node
/**
 * `npm run build [-- --outDir DIR]`: compiles apps/, libs/, migrations/ and scripts/*.ts to
 * JavaScript (default dist/), for `start:api`, `start:worker` and `migration:run:prod` to run with
 * plain node: no TypeScript loader in production.
 *
 * tsc (tsconfig.build.json) type-checks and emits CommonJS with decorator metadata. It leaves the
 * `@app/<lib>` path aliases as they are, so each `require("@app/...")` in the output is then
 * rewritten to a relative path, from the same `paths` table in tsconfig.json that the type checker,
 * jest and the dev loader use. The build fails if an alias is left or a rewritten path does not resolve.
 */
const { spawnSync } = require('node:child_process');
const { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } = require('node:fs');
const { dirname, join, relative, resolve, sep } = require('node:path');

const { buildConsole } = require('./build-console');

const ROOT = join(__dirname, '..');

function parseOutDir(argv) {
  const index = argv.indexOf('--outDir');
  if (index === -1) return join(ROOT, 'dist');
  const value = argv[index + 1];
  if (!value) throw new Error('--outDir needs a directory');
  return resolve(value);
}

function* jsFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* jsFiles(path);
    else if (entry.name.endsWith('.js')) yield path;
  }
}

/** `@app/config` -> `libs/config/src`, `@app/config/x` -> `libs/config/src/x`, from tsconfig paths. */
function aliasTable() {
  const { paths } = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')).compilerOptions;
  return Object.entries(paths).map(([alias, [target]]) => ({
    prefix: alias.replace(/\*$/, ''),
    wildcard: alias.endsWith('*'),
    target: target.replace(/\*$/, ''),
  }));
}

function rewriteAliases(outDir) {
  const aliases = aliasTable();
  const resolveAlias = (specifier) => {
    for (const { prefix, wildcard, target } of aliases) {
      if (wildcard ? specifier.startsWith(prefix) : specifier === prefix) {
        return join(outDir, target + (wildcard ? specifier.slice(prefix.length) : ''));
      }
    }
    return undefined;
  };
  let rewritten = 0;
  for (const file of jsFiles(outDir)) {
    const source = readFileSync(file, 'utf8');
    const output = source.replace(/require\("(@app\/[^"]+)"\)/g, (whole, specifier) => {
      const targetPath = resolveAlias(specifier);
      if (!targetPath) throw new Error(`${relative(ROOT, file)}: no tsconfig path for "${specifier}"`);
      let relativePath = relative(dirname(file), targetPath).split(sep).join('/');
      if (!relativePath.startsWith('.')) relativePath = `./${relativePath}`;
      require.resolve(targetPath); // throws when the compiled target is missing
      rewritten++;
      return `require("${relativePath}")`;
    });
    if (/["']@app\//.test(output.replace(/^\/\/# sourceMappingURL=.*$/m, ''))) {
      throw new Error(`${relative(ROOT, file)}: an @app/ import was left unrewritten`);
    }
    if (output !== source) writeFileSync(file, output);
  }
  return rewritten;
}

async function main() {
  const outDir = parseOutDir(process.argv.slice(2));
  if (outDir === ROOT || !outDir.startsWith(ROOT + sep)) {
    // Node resolves the compiled files' packages from node_modules above them.
    throw new Error(`--outDir must be a directory inside ${ROOT} (got ${outDir})`);
  }
  if (existsSync(outDir)) rmSync(outDir, { recursive: true, force: true });
  const tsc = spawnSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', outDir],
    { cwd: ROOT, stdio: 'inherit' },
  );
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
  const rewritten = rewriteAliases(outDir);
  // The web console's bundle, next to the compiled API that serves it at /console.
  await buildConsole(join(outDir, 'console'));
  process.stdout.write(
    `Built ${relative(ROOT, outDir) || '.'}/ (${rewritten} @app/ imports made relative; the console in console/). Run: npm run start:api | start:worker | migration:run:prod\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`build failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
