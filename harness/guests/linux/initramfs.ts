import { chmod, copyFile, mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { cachedDirectory } from '../../cache/atomic.js';
import { sha256File, sha256Hex } from '../../hash.js';
import { guestsDir } from '../../paths.js';
import { isStaticElf64 } from '../elf.js';
import { PERF_GUEST_PATH, treeDirectories, type PerfTree } from './perf.js';

export const BUSYBOX = '/bin/busybox';

export interface BuiltInitramfs {
  path: string;
  sha256: string;
  busyboxSha256: string;
  /** Size of the archive in bytes. */
  bytes: number;
}

export interface InitramfsExtras {
  /** perf and its libraries (config `peers: [perf]`); absent, the archive holds no perf. */
  perf?: PerfTree;
}

/**
 * Packs init, a static busybox and the payload into a newc cpio archive the kernel unpacks as its
 * root; with `extras.perf`, also perf, its shared libraries and the dynamic loader at their Debian
 * paths. The cache key covers every input, so the archives with and without perf are separate.
 */
export async function buildInitramfs(cacheDir: string, payloadPath: string, extras: InitramfsExtras = {}): Promise<BuiltInitramfs> {
  if (!(await isStaticElf64(BUSYBOX))) {
    throw new Error(`expected a statically linked ${BUSYBOX} (Debian package busybox-static), got a dynamically linked one`);
  }
  const initScript = join(guestsDir, 'linux', 'init');
  const busyboxSha256 = await sha256File(BUSYBOX);
  const perf = extras.perf;
  const inputs = [await readFile(payloadPath), await readFile(initScript), Buffer.from(busyboxSha256)];
  if (perf) inputs.push(Buffer.from(`perf ${perf.sha256} ${perf.packages.join(' ')} ${perf.files.join(' ')}`));
  const key = `initramfs-${perf ? 'perf-' : ''}${sha256Hex(inputs).slice(0, 16)}`;
  const dir = await cachedDirectory(join(cacheDir, 'linux'), key, async (work) => {
    const root = join(work, 'root');
    for (const sub of ['bin', 'dev', 'proc', 'sys']) await mkdir(join(root, sub), { recursive: true });
    await copyFile(initScript, join(root, 'init'));
    await copyFile(BUSYBOX, join(root, 'bin', 'busybox'));
    await copyFile(payloadPath, join(root, 'hb-payload'));
    for (const exe of ['init', 'bin/busybox', 'hb-payload']) await chmod(join(root, exe), 0o755);
    const members = ['.', 'bin', 'dev', 'proc', 'sys', 'init', 'bin/busybox', 'hb-payload'];
    if (perf) {
      const dirs = treeDirectories(perf.files).filter((d) => !members.includes(d));
      for (const d of dirs) await mkdir(join(root, d), { recursive: true });
      for (const file of perf.files) {
        await mkdir(join(root, dirname(file)), { recursive: true });
        await copyFile(join(perf.root, file), join(root, file));
        // Libraries need only be readable, but the loader and perf must be executable.
        await chmod(join(root, file), 0o755);
      }
      members.push(...dirs, ...perf.files);
      if (!perf.files.includes(PERF_GUEST_PATH)) throw new Error(`expected ${PERF_GUEST_PATH} in the perf tree, got ${perf.files.join(', ')}`);
    }
    await execa('cpio', ['--quiet', '-o', '-H', 'newc', '-R', '0:0', '-F', join(work, 'initramfs.cpio')], { cwd: root, input: `${members.join('\n')}\n` });
    await rm(root, { recursive: true, force: true });
  });
  const path = join(dir, 'initramfs.cpio');
  const bytes = await readFile(path);
  return { path, sha256: sha256Hex(bytes), busyboxSha256, bytes: bytes.length };
}
