#!/usr/bin/env node
/**
 * Bundles the web console (apps/console: Preact + TypeScript) with esbuild into one folder the API
 * serves at /console: index.html, console.js, console.css. Everything comes from node_modules at
 * build time; nothing is loaded from elsewhere at run time. `npm run build` puts it in dist/console;
 * `npm start` and the browser test build it on the fly (a fraction of a second).
 * Each file is written to a temporary name and renamed, so two builds at once never serve a torn file.
 *
 * Usage: node scripts/build-console.js [outDir]   (default dist/console)
 */
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { basename, join, resolve } = require('node:path');

const ROOT = join(__dirname, '..');
const DEFAULT_OUT_DIR = join(ROOT, 'dist', 'console');

function writeAtomically(path, contents) {
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}

async function buildConsole(outDir = DEFAULT_OUT_DIR) {
  const { build } = require('esbuild');
  const result = await build({
    entryPoints: { console: join(ROOT, 'apps/console/src/main.tsx') },
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2020',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: join(ROOT, 'apps/console/tsconfig.json'),
    outdir: outDir,
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  mkdirSync(outDir, { recursive: true });
  const files = result.outputFiles.map((file) => ({ name: basename(file.path), contents: file.contents }));
  files.push({ name: 'index.html', contents: readFileSync(join(ROOT, 'apps/console/index.html')) });
  for (const file of files) writeAtomically(join(outDir, file.name), file.contents);
  return { outDir, files: files.map((f) => ({ name: f.name, bytes: f.contents.length })) };
}

module.exports = { buildConsole, DEFAULT_OUT_DIR };

if (require.main === module) {
  const outDir = process.argv[2] ? resolve(process.argv[2]) : DEFAULT_OUT_DIR;
  buildConsole(outDir).then(
    ({ files }) =>
      process.stdout.write(
        `console built in ${outDir}: ${files.map((f) => `${f.name} ${(f.bytes / 1024).toFixed(1)} KB`).join(', ')}\n`,
      ),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
