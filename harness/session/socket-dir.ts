import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from '../cache/atomic.js';

/** The longest unix socket path, in bytes: sun_path holds 108 with the terminating NUL. */
export const UNIX_SOCKET_PATH_MAX = 107;

/** The prefix of the fallback socket folders in the temporary directory: `hb-qmp-<pid>-XXXXXX`. */
const FALLBACK_PREFIX = 'hb-qmp-';

/** Where a boot's QEMU sockets (QMP, console) live, and how to remove them once QEMU is gone. */
export interface SocketDirectory {
  dir: string;
  remove(): Promise<void>;
}

/**
 * The folder for a boot's sockets `names`: the boot's own folder in the run directory when every
 * socket path fits a unix socket address (so a SIGKILLed harness leaves nothing outside the run, and
 * a resume that boots again removes the folder), else a short folder in the temporary directory
 * named after this process (`hb-qmp-<pid>-XXXXXX`). Before such a folder is made, those of
 * processes that are gone (SIGKILLed runs) are removed.
 */
export async function socketDirectory(guestDir: string, names: readonly string[], tmp = tmpdir()): Promise<SocketDirectory> {
  const fits = names.every((name) => Buffer.byteLength(join(guestDir, name)) <= UNIX_SOCKET_PATH_MAX);
  if (fits) {
    return { dir: guestDir, remove: async () => void (await Promise.all(names.map((name) => rm(join(guestDir, name), { force: true })))) };
  }
  await removeStaleSocketDirectories(tmp);
  const dir = await mkdtemp(join(tmp, `${FALLBACK_PREFIX}${process.pid}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Removes the `hb-qmp-<pid>-*` folders in `tmp` whose process is gone; returns their names. Folders
 * of live processes, and folders named otherwise, are left alone.
 */
export async function removeStaleSocketDirectories(tmp = tmpdir()): Promise<string[]> {
  const entries = await readdir(tmp, { withFileTypes: true }).catch(() => []);
  const stale = entries.filter((entry) => {
    const match = new RegExp(`^${FALLBACK_PREFIX}(\\d+)-`).exec(entry.name);
    return entry.isDirectory() && match !== null && Number(match[1]) !== process.pid && !processAlive(Number(match[1]));
  });
  for (const entry of stale) await rm(join(tmp, entry.name), { recursive: true, force: true });
  return stale.map((entry) => entry.name);
}
