/**
 * Benchmark runner: `npm run bench [-- <name filter>]`.
 *
 * Runs every `*.bench.ts` in this directory, one after the other, in file-name order. A bench
 * module exports `run(): void | Promise<void>`; it prints its own figures and never asserts timings
 * (machines differ; the numbers are for humans and PR descriptions). Add a bench by adding a file.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

interface BenchModule {
  run?: () => void | Promise<void>;
}

async function main(): Promise<void> {
  const filter = process.argv[2];
  const files = readdirSync(__dirname)
    .filter((name) => name.endsWith('.bench.ts'))
    .filter((name) => filter === undefined || name.includes(filter))
    .sort();
  if (files.length === 0) {
    console.log(`no *.bench.ts in ${__dirname}${filter === undefined ? '' : ` matching "${filter}"`}`);
    return;
  }
  console.log(`node ${process.version} ${process.platform}-${process.arch}`);
  for (const file of files) {
    console.log(`\n=== ${file} ===`);
    const bench = (await import(join(__dirname, file))) as BenchModule;
    if (typeof bench.run !== 'function') throw new Error(`${file} must export run()`);
    await bench.run();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
