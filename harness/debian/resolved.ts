import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/*
 * What apt said a package name led to, kept in the cache (`<cacheDir>/debian/resolved/<key>.json`)
 * so that a later run with the result already cached need not ask apt again (issue 18: each
 * apt-cache call costs a second or more). `harness run --refresh` asks apt again and overwrites it.
 */

const KEY = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;

function recordPath(cacheDir: string, key: string): string {
  if (!KEY.test(key)) throw new Error(`expected a resolution key of letters, digits and ._+-, got "${key}"`);
  return join(cacheDir, 'debian', 'resolved', `${key}.json`);
}

/** The record under `key` when there is one that `valid` accepts; anything else (absent, hand-edited, an older layout) is none. */
export async function readResolved<T extends { resolvedAt: string }>(
  cacheDir: string,
  key: string,
  valid: (record: Partial<T>) => boolean,
): Promise<T | undefined> {
  const text = await readFile(recordPath(cacheDir, key), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  let record: Partial<T>;
  try {
    record = JSON.parse(text) as Partial<T>;
  } catch {
    return undefined;
  }
  return typeof record.resolvedAt === 'string' && valid(record) ? (record as T) : undefined;
}

/** Writes the record under `key`, by write-then-rename: a concurrent run reads the old record or the new one, never half of one. */
export async function writeResolved<T extends { resolvedAt: string }>(cacheDir: string, key: string, record: T): Promise<void> {
  const path = recordPath(cacheDir, key);
  await mkdir(join(cacheDir, 'debian', 'resolved'), { recursive: true });
  const temporary = `${path}.tmp-${process.pid}`;
  await writeFile(temporary, `${JSON.stringify(record, null, 2)}\n`);
  await rename(temporary, path);
}
