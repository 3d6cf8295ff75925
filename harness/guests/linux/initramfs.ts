import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { cachedDirectory } from '../../cache/atomic.js';
import { guestsDir } from '../../paths.js';
import { isStaticElf64 } from '../elf.js';

export const BUSYBOX = '/bin/busybox';

export interface BuiltInitramfs {
  path: string;
  sha256: string;
  busyboxSha256: string;
}

/** Packs init, a static busybox and the payload into a newc cpio archive the kernel unpacks as its root. */
export async function buildInitramfs(cacheDir: string, payloadPath: string): Promise<BuiltInitramfs> {
  if (!(await isStaticElf64(BUSYBOX))) {
    throw new Error(`expected a statically linked ${BUSYBOX} (Debian package busybox-static), got a dynamically linked one`);
  }
  const initScript = join(guestsDir, 'linux', 'init');
  const digest = (data: Buffer) => createHash('sha256').update(data).digest('hex');
  const busyboxSha256 = digest(await readFile(BUSYBOX));
  const key = `initramfs-${digest(Buffer.concat([await readFile(payloadPath), await readFile(initScript), Buffer.from(busyboxSha256)])).slice(0, 16)}`;
  const dir = await cachedDirectory(join(cacheDir, 'linux'), key, async (work) => {
    const root = join(work, 'root');
    for (const sub of ['bin', 'dev', 'proc', 'sys']) await mkdir(join(root, sub), { recursive: true });
    await copyFile(initScript, join(root, 'init'));
    await copyFile(BUSYBOX, join(root, 'bin', 'busybox'));
    await copyFile(payloadPath, join(root, 'hb-payload'));
    for (const exe of ['init', 'bin/busybox', 'hb-payload']) await chmod(join(root, exe), 0o755);
    const members = ['.', 'bin', 'dev', 'proc', 'sys', 'init', 'bin/busybox', 'hb-payload'].join('\n');
    await execa('cpio', ['--quiet', '-o', '-H', 'newc', '-R', '0:0', '-F', join(work, 'initramfs.cpio')], { cwd: root, input: `${members}\n` });
    await rm(root, { recursive: true, force: true });
  });
  const path = join(dir, 'initramfs.cpio');
  return { path, sha256: digest(await readFile(path)), busyboxSha256 };
}
