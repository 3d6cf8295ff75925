import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout's root, found from this file whether it runs from harness/ (tsx) or dist/harness/. */
export const projectRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`expected a package.json above ${fileURLToPath(import.meta.url)}, found none`);
    dir = parent;
  }
  return dir;
})();

export const guestsDir = join(projectRoot, 'guests');
