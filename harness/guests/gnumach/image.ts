import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fetchI386Packages, packagesKey, type FetchedPackage } from './packages.js';

/**
 * The Debian package GNU Mach comes from: Debian 12's 2:1.8+git20221224-2 is a uniprocessor i386
 * kernel for 486-class CPUs with the kernel debugger built in (so the mach_print trap exists).
 */
export const GNUMACH_PACKAGE = 'gnumach-image-1.8-486';

export interface GnuMachKernel {
  /** The uncompressed multiboot kernel. */
  path: string;
  sha256: string;
  package: FetchedPackage;
}

/** boot/gnumach-<version>.gz of a gnumach-image package: the kernel, gzipped. */
export function kernelFileName(bootFiles: readonly string[]): string | undefined {
  return bootFiles.find((f) => /^gnumach.*\.gz$/.test(f));
}

/** Downloads the package once (cached) and returns its kernel, uncompressed for QEMU's multiboot loader. */
export async function gnuMachKernel(cacheDir: string, packageName: string, log?: (message: string) => void): Promise<GnuMachKernel> {
  const { root, packages } = await fetchI386Packages(cacheDir, packagesKey('kernel', [packageName]), [packageName], {
    log,
    finish: async (tree) => {
      const boot = await readdir(join(tree, 'boot'));
      const gz = kernelFileName(boot);
      if (!gz) throw new Error(`expected boot/gnumach*.gz in ${packageName}, got ${boot.join(', ')}`);
      await writeFile(join(tree, 'boot', 'gnumach'), gunzipSync(await readFile(join(tree, 'boot', gz))));
    },
  });
  const path = join(root, 'boot', 'gnumach');
  const sha256 = createHash('sha256').update(await readFile(path)).digest('hex');
  return { path, sha256, package: packages[0]! };
}
