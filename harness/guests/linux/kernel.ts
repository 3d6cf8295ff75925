import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fetchPackage, resolvePackages } from '../../debian/packages.js';
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

/** The kernel of a Debian package, from the package's cache entry (harness/debian), fetched once per version. */
export async function fetchDebianKernel(name: string, cacheDir: string): Promise<DebianKernel> {
  const resolved = await resolveKernelPackage(name, cacheDir);
  const pkg = await fetchPackage({ name: resolved.package, version: resolved.version, arch: LINUX_ARCH }, { cacheDir });
  const boot = join(pkg.root, 'boot');
  const files = await readdir(boot).catch(() => [] as string[]);
  const image = files.find((f) => f.startsWith('vmlinuz-'));
  if (!image) throw new Error(`expected boot/vmlinuz-* in ${pkg.deb}, got ${files.join(', ') || 'no boot directory'}`);
  const vmlinuz = join(boot, image);
  const sha256 = await sha256File(vmlinuz);
  return { ...resolved, vmlinuz, sha256 };
}
