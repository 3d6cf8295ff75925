import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

const COMPLETE = '.complete';

/** Host names may hold characters a file name should not; the temporary names only need them told apart. */
const HOST = hostname().replace(/[^A-Za-z0-9.-]/g, '_') || 'host';

const isComplete = (dir: string) => existsSync(join(dir, COMPLETE));
const unique = () => `${HOST}-${process.pid}-${randomBytes(4).toString('hex')}`;

/** `<root>/<key>` when it is a finished entry, else undefined: for a caller that must not build it. */
export function finishedEntry(root: string, key: string): string | undefined {
  const dir = join(root, key);
  return isComplete(dir) ? dir : undefined;
}

/**
 * Returns `<root>/<key>`, building it first if needed. The build writes into a private temporary
 * directory that is renamed into place only when finished (its `.complete` marker written last),
 * so a half-built entry is never used, and an entry once in place is never changed or removed:
 * when several harness runs build the same key at once, the first to finish puts its entry in
 * place and the others use it and drop their own (rename(2) onto a non-empty directory fails, so
 * none can replace it). A build that dies leaves only its temporary directory, removed by the
 * next build of the key on the same host once its process is gone.
 */
export async function cachedDirectory(root: string, key: string, build: (dir: string) => Promise<void>): Promise<string> {
  const final = join(root, key);
  if (isComplete(final)) return final;
  await mkdir(root, { recursive: true });
  await removeAbandoned(root, key);
  const temporary = join(root, `.tmp-${key}-${unique()}`);
  await mkdir(temporary);
  try {
    await build(temporary);
    await writeFile(join(temporary, COMPLETE), `${new Date().toISOString()}\n`);
    for (let attempt = 0; ; attempt++) {
      // Another build finished first: use its entry (it holds the same inputs, by the key).
      if (isComplete(final)) return final;
      try {
        await rename(temporary, final);
        return final;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
      }
      if (isComplete(final)) return final;
      if (attempt >= 3) {
        throw new Error(`expected to put the cache entry ${final} in place, got a directory there that is no finished entry and keeps coming back; remove it`);
      }
      // Something unfinished is in the way, which this code never leaves there (an older
      // harness's in-place build, or a copy by hand): move it aside and try again.
      await setAside(root, key, final);
    }
  } finally {
    await rm(temporary, { recursive: true, force: true });
  }
}

/** Moves an unfinished directory at `final` out of the way, atomically, then removes it. */
async function setAside(root: string, key: string, final: string): Promise<void> {
  const aside = join(root, `.stale-${key}-${unique()}`);
  try {
    await rename(final, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  // A finished entry arrived between the check and the move: put it back if its place is free
  // (when it is not, another finished entry of the same key is there, and this copy can go).
  if (isComplete(aside)) await rename(aside, final).catch(() => undefined);
  await rm(aside, { recursive: true, force: true });
}

/** Temporary directories of builds of `key` on this host whose process has died (killed mid-build). */
async function removeAbandoned(root: string, key: string): Promise<void> {
  const pattern = new RegExp(`^\\.(?:tmp|stale)-${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(.+)-(\\d+)-[0-9a-f]{8}$`);
  for (const name of await readdir(root).catch(() => [] as string[])) {
    const match = pattern.exec(name);
    if (!match || match[1] !== HOST || processAlive(Number(match[2]))) continue;
    await rm(join(root, name), { recursive: true, force: true });
  }
}

/** Whether process `pid` exists (signal 0 checks without sending anything; EPERM: it exists, someone else's). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
