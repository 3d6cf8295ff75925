import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { cachedDirectory } from '../../cache/atomic.js';
import type { DebianPackage } from '../../debian/packages.js';
import { packageKey } from '../../debian/spec.js';
import { sha256File } from '../../hash.js';
import { fetchGnuMachPackages } from './packages.js';

/**
 * The Debian package GNU Mach comes from: Debian 12's 2:1.8+git20221224-2 is a uniprocessor i386
 * kernel for 486-class CPUs with the kernel debugger built in (so the mach_print trap exists).
 */
export const GNUMACH_PACKAGE = 'gnumach-image-1.8-486';

export interface GnuMachKernel {
  /** The uncompressed multiboot kernel. */
  path: string;
  sha256: string;
  package: DebianPackage;
}

/** boot/gnumach-<version>.gz of a gnumach-image package: the kernel, gzipped. */
export function kernelFileName(bootFiles: readonly string[]): string | undefined {
  return bootFiles.find((f) => /^gnumach.*\.gz$/.test(f));
}

/**
 * The package's kernel, uncompressed for QEMU's multiboot loader (which takes no gzip): the
 * package is fetched once (harness/debian), and the uncompressed kernel kept in a cache entry of
 * its own, per package version (cacheDir/gnumach/kernel-<name>_<version>_<arch>).
 */
export async function gnuMachKernel(cacheDir: string, packageName: string, log?: (message: string) => void): Promise<GnuMachKernel> {
  const [pkg] = await fetchGnuMachPackages(cacheDir, [packageName], log);
  const key = `kernel-${packageKey(pkg!.name, pkg!.version, pkg!.architecture)}`;
  const dir = await cachedDirectory(join(cacheDir, 'gnumach'), key, async (work) => {
    const boot = await readdir(join(pkg!.root, 'boot')).catch(() => [] as string[]);
    const gz = kernelFileName(boot);
    if (!gz) throw new Error(`expected boot/gnumach*.gz in ${pkg!.deb}, got ${boot.join(', ') || 'no boot directory'}`);
    await writeFile(join(work, 'gnumach'), gunzipSync(await readFile(join(pkg!.root, 'boot', gz))));
  });
  const path = join(dir, 'gnumach');
  const sha256 = await sha256File(path);
  return { path, sha256, package: pkg! };
}
