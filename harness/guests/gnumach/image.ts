import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { cachedDirectory } from '../../cache/atomic.js';
import type { DebianPackage } from '../../debian/packages.js';
import { packageKey } from '../../debian/spec.js';
import { sha256File, sha256Hex } from '../../hash.js';
import { fetchGnuMachPackages } from './packages.js';

/**
 * The Debian package GNU Mach comes from: Debian 12's 2:1.8+git20221224-2 is a uniprocessor i386
 * kernel for 486-class CPUs with the kernel debugger built in (so the mach_print trap exists).
 */
export const GNUMACH_PACKAGE = 'gnumach-image-1.8-486';

/** Beside the kernel: the package it was taken from, name_version_arch. */
const VERSION_FILE = 'package-version';

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
 * its own, cacheDir/gnumach/kernel-i386-<name>/root/boot/gnumach. That path is part of what the
 * guest sees: QEMU's multiboot loader hands the kernel its file name as the start of its command
 * line, so the path's length moves the guest's memory layout and with it where timer interrupts
 * fall in the benchmarks (the medians stay, the settling and outliers move). It is kept as it has
 * always been so figures stay comparable with earlier runs; the version is checked instead.
 */
export async function gnuMachKernel(cacheDir: string, packageName: string, log?: (message: string) => void, refresh = false): Promise<GnuMachKernel> {
  const [pkg] = await fetchGnuMachPackages(cacheDir, [packageName], log, refresh);
  const key = `kernel-${pkg!.architecture}-${pkg!.name}`.replace(/[^A-Za-z0-9._+-]/g, '_');
  const dir = await cachedDirectory(join(cacheDir, 'gnumach'), key, async (work) => {
    const boot = await readdir(join(pkg!.root, 'boot')).catch(() => [] as string[]);
    const gz = kernelFileName(boot);
    if (!gz) throw new Error(`expected boot/gnumach*.gz in ${pkg!.deb}, got ${boot.join(', ') || 'no boot directory'}`);
    await mkdir(join(work, 'root', 'boot'), { recursive: true });
    await writeFile(join(work, 'root', 'boot', 'gnumach'), gunzipSync(await readFile(join(pkg!.root, 'boot', gz))));
    await writeFile(join(work, VERSION_FILE), `${packageKey(pkg!.name, pkg!.version, pkg!.architecture)}\n`);
  });
  const recorded = await recordedVersion(dir);
  if (recorded !== packageKey(pkg!.name, pkg!.version, pkg!.architecture)) {
    throw new Error(`expected the cached GNU Mach kernel in ${dir} to be from ${packageKey(pkg!.name, pkg!.version, pkg!.architecture)}, got ${recorded || 'one of unknown version'}; remove ${dir} and run again`);
  }
  const path = join(dir, 'root', 'boot', 'gnumach');
  const sha256 = await sha256File(path);
  return { path, sha256, package: pkg! };
}

/**
 * The package a cached kernel was taken from: its VERSION_FILE, or, in an entry made before there
 * was one, the packages.json that entry kept beside the package's tree.
 */
async function recordedVersion(dir: string): Promise<string> {
  const written = await readFile(join(dir, VERSION_FILE), 'utf8').catch(() => undefined);
  if (written !== undefined) return written.trim();
  const earlier = await readFile(join(dir, 'packages.json'), 'utf8').catch(() => undefined);
  try {
    const [first] = JSON.parse(earlier ?? '[]') as { name?: string; version?: string }[];
    return first?.name && first.version ? packageKey(first.name, first.version, 'i386') : '';
  } catch {
    return '';
  }
}

/** The names QEMU is given for the kernel and the payload, relative to the boot directory. */
export const BOOT_KERNEL_NAME = 'gnumach';
export const BOOT_PAYLOAD_NAME = 'payload';

/**
 * A directory holding `gnumach` and `payload`, links to the kernel and the payload, for QEMU to
 * run in. QEMU hands the multiboot kernel its own path as the start of its command line and each
 * module's path as the start of its line, and the kernel copies and parses both: with absolute
 * paths, GNU Mach's figures moved with the length of the cache's path (a hand-off by one
 * instruction). Given these two short names from this directory instead, the guest sees the same
 * strings wherever the cache lies. One directory per kernel and payload, in the cache.
 */
export async function bootDirectory(cacheDir: string, kernel: string, payload: string): Promise<string> {
  const key = sha256Hex(`${kernel}\0${payload}`).slice(0, 16);
  return cachedDirectory(join(cacheDir, 'gnumach', 'boot'), key, async (dir) => {
    await symlink(kernel, join(dir, BOOT_KERNEL_NAME));
    await symlink(payload, join(dir, BOOT_PAYLOAD_NAME));
  });
}
