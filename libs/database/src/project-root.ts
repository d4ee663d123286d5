import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The directory holding the project's package.json, found upwards from this file, so the same
 * answer comes from the TypeScript sources and from the compiled build (dist/libs/...). Where
 * `npm start` and the CLIs keep `.data/` and `migration:generate` writes `migrations/`.
 */
export function projectRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}
