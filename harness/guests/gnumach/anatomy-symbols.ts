import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { GuestConfig } from '../../config/types.js';
import type { AnatomySymbols, PrepareContext } from '../adapter.js';
import { elfSymbols, formatText, textSection } from '../symbols.js';
import { GNUMACH_PACKAGE, gnuMachKernel, kernelFileName } from './image.js';
import { fetchGnuMachPackages } from './packages.js';
import { buildGnuMachPayload } from './payload.js';

/**
 * The symbols of Debian's `-dbg` kernel package at the booted package's version, if they name the
 * booted kernel. The package's boot/gnumach-*-dbg.gz is unstripped, but Debian builds it as a
 * flavour of its own (2:1.8+git20221224-2: its .text is 0xce3a2 bytes, the stripped kernel's
 * 0xbed02), so its addresses are another kernel's: then the entry says so and names nothing.
 */
async function debianKernelSymbols(packageName: string, context: PrepareContext): Promise<AnatomySymbols> {
  const entry = { space: 'kernel' as const, prefix: '' };
  const dbg = `${packageName}-dbg`;
  const [pkg] = await fetchGnuMachPackages(context.cacheDir, [dbg], context.log);
  const gz = kernelFileName(await readdir(join(pkg!.root, 'boot')).catch(() => []));
  const description = `boot/${gz ?? 'gnumach*.gz'} of ${dbg} ${pkg!.version} (i386)`;
  if (!gz) return { ...entry, description, missing: `no boot/gnumach*.gz in ${pkg!.deb}` };
  const booted = await gnuMachKernel(context.cacheDir, packageName);
  const work = await mkdtemp(join(tmpdir(), 'hb-gnumach-dbg-'));
  try {
    const elf = join(work, 'gnumach');
    await writeFile(elf, gunzipSync(await readFile(join(pkg!.root, 'boot', gz))));
    const [theirs, ours] = [await textSection(elf), await textSection(booted.path)];
    if (theirs === undefined || formatText(theirs) !== formatText(ours)) {
      const why = `its kernel is another build than the booted one (.text ${formatText(theirs)}, the booted kernel's ${formatText(ours)}): its symbols would misname the blocks`;
      return { ...entry, description, missing: why };
    }
    return await elfSymbols(elf, { ...entry, description });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * The kernel's symbols: a kernel of the user's own (image.kernel) is read as it is (GNU Mach runs
 * at its link addresses); Debian's is stripped, so its `-dbg` companion is tried.
 */
async function kernelSymbols(guest: GuestConfig, context: PrepareContext): Promise<AnatomySymbols> {
  const own = guest.image.kernel;
  if (own) return elfSymbols(own, { space: 'kernel', prefix: '', description: `kernel ${own} (image.kernel)` });
  const packageName = guest.image.package ?? GNUMACH_PACKAGE;
  try {
    return await debianKernelSymbols(packageName, context);
  } catch (error) {
    return { space: 'kernel', prefix: '', description: `${packageName}-dbg (i386)`, missing: `could not fetch it: ${(error as Error).message}` };
  }
}

/** GNU Mach's symbols for the anatomy: the kernel's, and the payload task's (static, not PIE). */
export async function gnuMachAnatomySymbols(guest: GuestConfig, context: PrepareContext): Promise<AnatomySymbols[]> {
  const payload = await buildGnuMachPayload(context);
  return [
    await kernelSymbols(guest, context),
    await elfSymbols(payload.path, { space: 'user', prefix: 'payload:', description: `payload ${relative(context.cacheDir, payload.path)} (sha256 ${payload.sha256.slice(0, 12)})` }),
  ];
}
