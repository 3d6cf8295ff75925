import { createHash } from 'node:crypto';
import { readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { cachedDirectory } from '../../cache/atomic.js';

export interface DebianKernel {
  /** The package that holds the kernel (a meta package like linux-image-cloud-amd64 is followed). */
  package: string;
  version: string;
  vmlinuz: string;
  sha256: string;
}

export interface PackageInfo {
  version: string;
  depends: string[];
}

export async function showPackage(name: string): Promise<PackageInfo> {
  let stdout: string;
  try {
    ({ stdout } = await execa('apt-cache', ['show', '--no-all-versions', name]));
  } catch (error) {
    throw new Error(`expected Debian package ${name} to be known to apt, got none (run apt-get update?)`, { cause: error });
  }
  const field = (key: string) => stdout.match(new RegExp(`^${key}: (.*)$`, 'm'))?.[1];
  const version = field('Version');
  if (!version) throw new Error(`expected a Version field for ${name} from apt-cache show, got:\n${stdout.slice(0, 400)}`);
  const depends = (field('Depends') ?? '').split(',').map((d) => d.trim().split(/[\s|]/)[0]!).filter(Boolean);
  return { version, depends };
}

/** apt's candidate version of each package, in order, from one apt-cache call. */
export async function showPackages(names: readonly string[]): Promise<({ name: string } & PackageInfo)[]> {
  if (names.length === 0) return [];
  let stdout: string;
  try {
    ({ stdout } = await execa('apt-cache', ['show', '--no-all-versions', ...names]));
  } catch (error) {
    throw new Error(`expected Debian packages ${names.join(' ')} to be known to apt, got an error (run apt-get update?)`, { cause: error });
  }
  const stanzas = new Map<string, PackageInfo>();
  for (const stanza of stdout.split(/\n\s*\n/)) {
    const field = (key: string) => stanza.match(new RegExp(`^${key}: (.*)$`, 'm'))?.[1];
    const name = field('Package');
    const version = field('Version');
    if (!name || !version || stanzas.has(name)) continue;
    stanzas.set(name, { version, depends: (field('Depends') ?? '').split(',').map((d) => d.trim().split(/[\s|]/)[0]!).filter(Boolean) });
  }
  return names.map((name) => {
    const info = stanzas.get(name);
    if (!info) throw new Error(`expected apt-cache show to describe ${name}, got no stanza for it`);
    return { name, ...info };
  });
}

/** Whether apt can fetch this exact version of a package. */
export async function aptKnows(name: string, version: string): Promise<boolean> {
  const { exitCode, stdout } = await execa('apt-cache', ['show', `${name}=${version}`], { reject: false });
  return exitCode === 0 && /^Version: /m.test(stdout);
}

/** A package named linux-image-<version>-<flavour> holds a kernel; others are meta packages. */
const KERNEL_PACKAGE = /^linux-image-\d/;

export async function resolveKernelPackage(name: string): Promise<{ package: string; version: string }> {
  let current = name;
  for (let depth = 0; depth < 4; depth++) {
    const info = await showPackage(current);
    if (KERNEL_PACKAGE.test(current)) return { package: current, version: info.version };
    const next = info.depends.find((d) => d.startsWith('linux-image-'));
    if (!next) throw new Error(`expected ${current} to be a kernel package or depend on one, got Depends: ${info.depends.join(', ')}`);
    current = next;
  }
  throw new Error(`expected ${name} to lead to a kernel package within 4 dependencies, got none`);
}

/** Downloads and unpacks the kernel once per package version; the cache entry holds only vmlinuz. */
export async function fetchDebianKernel(name: string, cacheDir: string): Promise<DebianKernel> {
  const resolved = await resolveKernelPackage(name);
  const key = `kernel-${resolved.package}_${resolved.version}`.replace(/[^A-Za-z0-9._+-]/g, '_');
  const dir = await cachedDirectory(join(cacheDir, 'linux'), key, async (work) => {
    const spec = `${resolved.package}=${resolved.version}`;
    await execa('apt-get', ['download', '-o', 'APT::Sandbox::User=root', spec], { cwd: work });
    const deb = (await readdir(work)).find((f) => f.endsWith('.deb'));
    if (!deb) throw new Error(`expected apt-get download ${spec} to leave a .deb in ${work}, got none`);
    const unpacked = join(work, 'unpacked');
    await execa('dpkg-deb', ['-x', join(work, deb), unpacked]);
    const boot = join(unpacked, 'boot');
    const image = (await readdir(boot)).find((f) => f.startsWith('vmlinuz-'));
    if (!image) throw new Error(`expected boot/vmlinuz-* in ${deb}, got ${(await readdir(boot)).join(', ')}`);
    await rename(join(boot, image), join(work, 'vmlinuz'));
    await rm(unpacked, { recursive: true, force: true });
    await rm(join(work, deb), { force: true });
  });
  const vmlinuz = join(dir, 'vmlinuz');
  const sha256 = createHash('sha256').update(await readFile(vmlinuz)).digest('hex');
  return { ...resolved, vmlinuz, sha256 };
}
