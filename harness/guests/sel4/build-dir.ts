import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Accel } from '../../units.js';

/** What the harness needs from a user's seL4 kernel build directory. */
export interface Sel4Build {
  /** Where CMakeCache.txt and libsel4's generated headers are. */
  buildDir: string;
  /**
   * Where the kernel's own build is (gen_config/, kernel.elf): buildDir itself for a kernel built
   * alone, buildDir/kernel for a project build (sel4test, sel4bench).
   */
  kernelDir: string;
  /** The kernel source tree: libsel4's static headers live there. */
  sourceDir: string;
  kernelElf: string;
  /** Enabled options of gen_config/kernel/gen_config.h, e.g. CONFIG_ARCH_X86_64 → "1". */
  config: Map<string, string>;
  version: string;
}

export const GEN_CONFIG = join('gen_config', 'kernel', 'gen_config.h');

/** Enabled `#define CONFIG_X value` lines; disabled options appear only as comments and are left out. */
export function parseGenConfig(text: string): Map<string, string> {
  const config = new Map<string, string>();
  for (const match of text.matchAll(/^#define[ \t]+(CONFIG_\w+)[ \t]+(.*?)[ \t]*$/gm)) config.set(match[1]!, match[2]!);
  return config;
}

/** The source tree a CMake build directory was configured from. */
export function sourceDirFromCache(cache: string): string | undefined {
  return cache.match(/^seL4_SOURCE_DIR:STATIC=(.+)$/m)?.[1] ?? cache.match(/^CMAKE_HOME_DIRECTORY:INTERNAL=(.+)$/m)?.[1];
}

/** A header libsel4's build generates (from the kernel's configuration), which `ninja kernel.elf` alone does not. */
export const LIBSEL4_GENERATED = join('libsel4', 'sel4_arch_include', 'x86_64', 'sel4', 'sel4_arch', 'types_gen.h');

/**
 * The build and kernel directories of what the user named: a kernel built alone (gen_config/ and
 * CMakeCache.txt in the same directory), a project build directory (CMakeCache.txt at its top, the
 * kernel in kernel/), or that project's kernel/ directory itself.
 */
export function locateSel4Build(dir: string): { buildDir: string; kernelDir: string } {
  const configured = (kernelDir: string) => existsSync(join(kernelDir, GEN_CONFIG));
  const cached = (buildDir: string) => existsSync(join(buildDir, 'CMakeCache.txt'));
  if (configured(dir) && cached(dir)) return { buildDir: dir, kernelDir: dir };
  if (configured(join(dir, 'kernel')) && cached(dir)) return { buildDir: dir, kernelDir: join(dir, 'kernel') };
  if (basename(dir) === 'kernel' && configured(dir) && cached(dirname(dir))) return { buildDir: dirname(dir), kernelDir: dir };
  throw new Error(
    `expected a configured seL4 build directory at ${dir}: a kernel build (${GEN_CONFIG} and CMakeCache.txt in it) or a project build such as sel4test's or sel4bench's (CMakeCache.txt in it, kernel/${GEN_CONFIG} below it), found neither${existsSync(dir) ? '' : ' (the directory does not exist)'}`,
  );
}

export async function inspectSel4Build(dir: string, overrides: { kernel?: string; sourceDir?: string } = {}): Promise<Sel4Build> {
  const { buildDir, kernelDir } = locateSel4Build(dir);
  const need = (path: string, what: string, hint: string) => {
    if (!existsSync(path)) throw new Error(`expected ${what} at ${path}, found nothing: ${hint}`);
    return path;
  };
  const built = `run ninja (all targets) in ${buildDir}; ninja kernel.elf alone does not generate libsel4's headers`;
  const config = parseGenConfig(await readFile(join(kernelDir, GEN_CONFIG), 'utf8'));
  const cache = await readFile(join(buildDir, 'CMakeCache.txt'), 'utf8');
  const sourceDir = overrides.sourceDir ?? sourceDirFromCache(cache);
  if (!sourceDir) throw new Error(`expected seL4_SOURCE_DIR in ${join(buildDir, 'CMakeCache.txt')}, found none; set image.sourceDir`);
  need(join(sourceDir, 'libsel4', 'include', 'sel4', 'sel4.h'), 'libsel4 in the kernel source tree', 'set image.sourceDir to the seL4 checkout');
  const kernelElf = need(overrides.kernel ?? join(kernelDir, 'kernel.elf'), 'the kernel image', built);
  need(join(buildDir, LIBSEL4_GENERATED), "libsel4's generated headers", built);
  const version = existsSync(join(sourceDir, 'VERSION')) ? (await readFile(join(sourceDir, 'VERSION'), 'utf8')).trim() : 'unknown';
  return { buildDir, kernelDir, sourceDir, kernelElf, config, version };
}

/**
 * CPUs the kernel was built for (`KernelMaxNumNodes`): 1 for a uniprocessor kernel. An SMP kernel
 * runs the same benchmarks and, on 2 vCPUs, the `*.cross` ones too (docs/guests/sel4.md).
 */
export function maxNodes(config: Map<string, string>): number {
  return config.has('CONFIG_ENABLE_SMP_SUPPORT') ? Number(config.get('CONFIG_MAX_NUM_NODES') ?? 1) : 1;
}

/** TCG lacks PCIDs and hangs on XSAVE; the root task speaks the non-MCS API and needs its RAM untypeds. */
export const MIN_BOOTINFO_UNTYPED_CAPS = 230;

/** Each problem says what is wrong and which CMake option fixes it. */
export function configProblems(config: Map<string, string>, accel: Accel): string[] {
  const problems: string[] = [];
  if (!config.has('CONFIG_ARCH_X86_64') || !config.has('CONFIG_PLAT_PC99')) {
    problems.push(`expected an x86_64 pc99 kernel, got ${config.get('CONFIG_SEL4_ARCH') ?? 'unknown arch'} on ${config.get('CONFIG_PLAT') ?? 'unknown platform'}: configure with -DKernelSel4Arch=x86_64 -DKernelPlatform=pc99`);
  }
  if (config.has('CONFIG_KERNEL_MCS')) problems.push('expected a non-MCS kernel (the root task uses the classic API), got MCS: configure with -DKernelIsMCS=OFF');
  const untypeds = Number(config.get('CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS') ?? 0);
  if (untypeds < MIN_BOOTINFO_UNTYPED_CAPS) {
    problems.push(`expected at least ${MIN_BOOTINFO_UNTYPED_CAPS} bootinfo untyped slots (device untypeds fill fewer and leave the root task no RAM), got ${untypeds}: configure with -DKernelMaxNumBootinfoUntypedCaps=${MIN_BOOTINFO_UNTYPED_CAPS}`);
  }
  if (accel !== 'kvm') {
    if (config.has('CONFIG_SUPPORT_PCID')) problems.push(`expected PCID support off under ${accel} (QEMU's TCG has no PCIDs; the kernel halts), got it on: configure with -DKernelSupportPCID=OFF`);
    if (config.has('CONFIG_XSAVE')) problems.push(`expected the FXSAVE FPU mode under ${accel} (XSAVE hangs at boot under TCG), got XSAVE: configure with -DKernelFPU=FXSAVE`);
  }
  return problems;
}

/** Known console lines of a kernel that does not fit, and what to change. */
const CONSOLE_SIGNS: [RegExp, string][] = [
  [/PCIDs not supported/, 'the kernel wants PCIDs, which TCG lacks: configure with -DKernelSupportPCID=OFF'],
  [/XSAVE not supported|Mapping kernel window is done\s*$/, 'boot stopped where XSAVE kernels stop under TCG: configure with -DKernelFPU=FXSAVE'],
  [/hb-sel4: no untyped/, `the root task found no RAM untyped: configure with -DKernelMaxNumBootinfoUntypedCaps=${MIN_BOOTINFO_UNTYPED_CAPS}`],
  [/give a 32bit one/, 'QEMU refused an ELF64 kernel; the harness converts kernel.elf to elf32, so check image.kernel'],
];

export function diagnoseConsole(console: string): string | undefined {
  for (const [sign, advice] of CONSOLE_SIGNS) if (sign.test(console)) return advice;
  return undefined;
}
