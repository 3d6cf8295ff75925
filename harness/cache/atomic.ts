import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const COMPLETE = '.complete';

/**
 * Returns `<root>/<key>`, building it first if needed. The build writes into a private temporary
 * directory that is renamed into place only when finished, so a half-built entry is never used and
 * two harness runs building the same key at once cannot corrupt each other.
 */
export async function cachedDirectory(root: string, key: string, build: (dir: string) => Promise<void>): Promise<string> {
  const final = join(root, key);
  if (existsSync(join(final, COMPLETE))) return final;
  await mkdir(root, { recursive: true });
  const temporary = join(root, `.tmp-${key}-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(temporary);
  try {
    await build(temporary);
    await writeFile(join(temporary, COMPLETE), `${new Date().toISOString()}\n`);
    if (existsSync(join(final, COMPLETE))) return final;
    await rm(final, { recursive: true, force: true });
    await rename(temporary, final);
    return final;
  } finally {
    await rm(temporary, { recursive: true, force: true });
  }
}
