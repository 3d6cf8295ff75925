import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { cachedPackage, fetchPackage, resolvePackages, type FetchedPackage } from '../../debian/packages.js';
import { readResolved, writeResolved } from '../../debian/resolved.js';
import { checkSpec } from '../../debian/spec.js';
import { sha256File } from '../../hash.js';

/** The Linux guest runs under qemu-system-x86_64, whatever the host's own architecture. */
export const LINUX_ARCH = 'amd64';

export interface DebianKernel {
  /** The package that holds the kernel (a meta package like linux-image-cloud-amd64 is followed). */
  package: string;
  version: string;
  vmlinuz: string;
  sha256: string;
}

/** A package named linux-image-<version>-<flavour> holds a kernel; others are meta packages. */
const KERNEL_PACKAGE = /^linux-image-\d/;

/** The linux-image-* package a meta package's Depends field names first, if any. */
export function kernelDependency(depends: string): string | undefined {
  return depends
    .split(',')
    .map((d) => d.trim().split(/[\s|]/)[0]!)
    .find((d) => d.startsWith('linux-image-'));
}

/** The kernel package `name` is or leads to, at apt's candidate version. */
export async function resolveKernelPackage(name: string, cacheDir?: string): Promise<{ package: string; version: string }> {
  let current = name;
  for (let depth = 0; depth < 4; depth++) {
    const [info] = await resolvePackages([{ name: current, arch: LINUX_ARCH }], { cacheDir });
    if (KERNEL_PACKAGE.test(current)) return { package: current, version: info!.version };
    const next = kernelDependency(info!.depends);
    if (!next) throw new Error(`expected ${current} to be a kernel package or depend on one, got Depends: ${info!.depends}`);
    current = next;
  }
  throw new Error(`expected ${name} to lead to a kernel package within 4 dependencies, got none`);
}

export interface KernelOptions {
  /** Ask apt which version `name` leads to now, even when the cache has the one it led to last time. */
  refresh?: boolean;
  log?: (message: string) => void;
}

/** The kernel package and version a name led to when apt was last asked (harness/debian/resolved.ts). */
interface Resolution {
  package: string;
  version: string;
  resolvedAt: string;
}

const resolutionKey = (name: string) => `${checkSpec({ name }).name}_${LINUX_ARCH}`;
const validResolution = (r: Partial<Resolution>) => typeof r.package === 'string' && typeof r.version === 'string';

/** The kernel package and version `name` led to when apt was last asked, if it was; no apt call. */
export function knownKernelPackage(cacheDir: string, name: string): Promise<Resolution | undefined> {
  return readResolved<Resolution>(cacheDir, resolutionKey(name), validResolution);
}

/** Records what apt says `name` leads to now, for knownKernelPackage. */
export function recordKernelPackage(cacheDir: string, name: string, resolved: { package: string; version: string }): Promise<void> {
  return writeResolved<Resolution>(cacheDir, resolutionKey(name), { package: resolved.package, version: resolved.version, resolvedAt: new Date().toISOString() });
}

/**
 * The kernel of a Debian package, from the package's cache entry (harness/debian), fetched once per
 * version. Which version `name` leads to is asked of apt once and kept
 * (`<cacheDir>/debian/resolved/`): a later call uses that version's cache entry without calling
 * apt at all, unless `refresh` (`harness run --refresh`) or the entry is gone. Either way the
 * kernel's package, version and hashes are the same record's.
 */
export async function fetchDebianKernel(name: string, cacheDir: string, options: KernelOptions = {}): Promise<DebianKernel> {
  const log = options.log ?? (() => undefined);
  const known = options.refresh ? undefined : await knownKernelPackage(cacheDir, name);
  const cached = known && (await cachedPackage({ name: known.package, version: known.version, arch: LINUX_ARCH }, cacheDir));
  if (known && cached) {
    log(`linux: ${name} is ${known.package} ${known.version} from the cache (${cached.deb}, SHA-256 ${cached.sha256}; apt last asked ${known.resolvedAt}, --refresh asks again)`);
    return kernelOf(known, cached);
  }
  const resolved = await resolveKernelPackage(name, cacheDir);
  const pkg = await fetchPackage({ name: resolved.package, version: resolved.version, arch: LINUX_ARCH }, { cacheDir });
  await recordKernelPackage(cacheDir, name, resolved);
  log(`linux: ${name} is ${resolved.package} ${resolved.version} as apt resolves it now (${pkg.deb}, SHA-256 ${pkg.sha256})`);
  return kernelOf(resolved, pkg);
}

async function kernelOf(resolved: { package: string; version: string }, pkg: FetchedPackage): Promise<DebianKernel> {
  const boot = join(pkg.root, 'boot');
  const files = await readdir(boot).catch(() => [] as string[]);
  const image = files.find((f) => f.startsWith('vmlinuz-'));
  if (!image) throw new Error(`expected boot/vmlinuz-* in ${pkg.deb}, got ${files.join(', ') || 'no boot directory'}`);
  const vmlinuz = join(boot, image);
  const sha256 = await sha256File(vmlinuz);
  return { package: resolved.package, version: resolved.version, vmlinuz, sha256 };
}
