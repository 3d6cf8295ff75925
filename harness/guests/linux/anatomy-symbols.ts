import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import type { GuestConfig } from '../../config/types.js';
import { fetchPackage } from '../../debian/packages.js';
import type { AnatomySymbols, PrepareContext } from '../adapter.js';
import { buildPayload } from '../payload-build.js';
import { anatomyFlags } from '../adapter.js';
import { elfSymbols, textSection, type TextSection } from '../symbols.js';
import { fetchDebianKernel, LINUX_ARCH } from './kernel.js';

/** Where Debian's linux-image-*-dbg package keeps the kernel's real System.map (the image package's is a one-line placeholder). */
const DBG_BOOT = join('usr', 'lib', 'debug', 'boot');

/** The kernel's text alignment, the step of its KASLR offset: CONFIG_PHYSICAL_ALIGN in the package's config, x86's default when absent. */
export function physicalAlign(config: string): number {
  const match = /^CONFIG_PHYSICAL_ALIGN=(0x[0-9a-fA-F]+|\d+)$/m.exec(config);
  return match ? Number(match[1]) : 0x200000;
}

/**
 * The kernel's symbols: System.map from the kernel package's `-dbg` companion at the same version
 * (fetched like every Debian package, about 280 MB to download once, of which only the System.map is kept). The guest's
 * command line has no `nokaslr` and Debian's kernel has CONFIG_RANDOMIZE_BASE, so the kernel runs
 * at an offset the host does not know: the entry asks for it to be found from the blocks.
 */
async function kernelSymbols(guest: GuestConfig, cacheDir: string): Promise<AnatomySymbols> {
  const kernel = await fetchDebianKernel(guest.image.kernelPackage ?? 'linux-image-cloud-amd64', cacheDir);
  const dbg = `${kernel.package}-dbg`;
  const entry = { space: 'kernel' as const, prefix: '', description: `System.map of ${dbg} ${kernel.version}` };
  const config = await readFile(join(dirname(kernel.vmlinuz), basename(kernel.vmlinuz).replace(/^vmlinuz-/, 'config-')), 'utf8').catch(() => '');
  try {
    // Only the System.map: the whole package unpacks to 1.7 GB.
    const only = [`./${DBG_BOOT}/System.map-*`];
    const pkg = await fetchPackage({ name: dbg, version: kernel.version, arch: LINUX_ARCH }, { cacheDir, only });
    const files = await readdir(join(pkg.root, DBG_BOOT));
    const map = files.find((f) => f.startsWith('System.map-'));
    if (!map) return { ...entry, missing: `no ${DBG_BOOT}/System.map-* in ${pkg.deb}` };
    return { ...entry, nmText: await readFile(join(pkg.root, DBG_BOOT, map), 'utf8'), randomizedAlign: physicalAlign(config) };
  } catch (error) {
    return { ...entry, missing: `could not fetch ${dbg} ${kernel.version}: ${(error as Error).message}` };
  }
}

/** The Linux guest's symbols for the anatomy: the kernel's, and the payload's (static, not PIE: its link addresses are its run-time ones). */
export async function linuxAnatomySymbols(guest: GuestConfig, context: PrepareContext): Promise<AnatomySymbols[]> {
  // The same build prepare made for this context: buildPayload's cache gives the same file back.
  const payload = await buildPayload({ os: 'linux', cacheDir: context.cacheDir, extraFlags: anatomyFlags(context) });
  return [
    await kernelSymbols(guest, context.cacheDir),
    await elfSymbols(payload.path, { space: 'user', prefix: 'payload:', description: `payload ${relative(context.cacheDir, payload.path)} (sha256 ${payload.sha256.slice(0, 12)})` }),
  ];
}

/** The Linux payload's code (the anatomy build's): where its timer reads are, for a guest with other user programs beside it. */
export async function linuxPayloadText(_guest: GuestConfig, context: PrepareContext): Promise<TextSection | undefined> {
  const payload = await buildPayload({ os: 'linux', cacheDir: context.cacheDir, extraFlags: anatomyFlags(context) });
  return textSection(payload.path);
}
