import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cachedPackage, fetchPackage, resolvePackages, type FetchedPackage } from '../../debian/packages.js';
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

/** The kernel package and version a name led to when apt was last asked, kept in the cache. */
interface Resolution {
  package: string;
  version: string;
  resolvedAt: string;
}

const resolutionPath = (cacheDir: string, name: string) => join(cacheDir, 'debian', 'resolved', `${checkSpec({ name }).name}_${LINUX_ARCH}.json`);

async function readResolution(cacheDir: string, name: string): Promise<Resolution | undefined> {
  const text = await readFile(resolutionPath(cacheDir, name), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const record = JSON.parse(text) as Partial<Resolution>;
  // A record not in this shape (hand-edited, an older layout) is as good as none: apt is asked.
  return typeof record.package === 'string' && typeof record.version === 'string' && typeof record.resolvedAt === 'string'
    ? (record as Resolution)
    : undefined;
}

async function writeResolution(cacheDir: string, name: string, resolution: Resolution): Promise<void> {
  const path = resolutionPath(cacheDir, name);
  await mkdir(join(cacheDir, 'debian', 'resolved'), { recursive: true });
  // Write-then-rename: a concurrent run reads the old record or the new one, never half of one.
  const temporary = `${path}.tmp-${process.pid}`;
  await writeFile(temporary, `${JSON.stringify(resolution, null, 2)}\n`);
  await rename(temporary, path);
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
  const known = options.refresh ? undefined : await readResolution(cacheDir, name);
  const cached = known && (await cachedPackage({ name: known.package, version: known.version, arch: LINUX_ARCH }, cacheDir));
  if (known && cached) {
    log(`linux: ${name} is ${known.package} ${known.version} from the cache (${cached.deb}, SHA-256 ${cached.sha256}; apt last asked ${known.resolvedAt}, --refresh asks again)`);
    return kernelOf(known, cached);
  }
  const resolved = await resolveKernelPackage(name, cacheDir);
  const pkg = await fetchPackage({ name: resolved.package, version: resolved.version, arch: LINUX_ARCH }, { cacheDir });
  await writeResolution(cacheDir, name, { ...resolved, resolvedAt: new Date().toISOString() });
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
