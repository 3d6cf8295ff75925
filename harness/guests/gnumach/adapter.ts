import { existsSync } from 'node:fs';
import type { GuestConfig } from '../../config/types.js';
import { sha256File } from '../../hash.js';
import { debugExitArgs, escapeOptionValue, fwCfgStringArgs } from '../../qemu/argv.js';
import { type Availability, type GuestAdapter, type PrepareContext, type PreparedGuest } from '../adapter.js';
import { CPU_MODEL_SETTING, payloadSettingWords } from '../settings.js';
import { gnuMachAnatomySymbols } from './anatomy-symbols.js';
import { buildGnuMachPayload } from './payload.js';
import { BOOT_KERNEL_NAME, BOOT_PAYLOAD_NAME, bootDirectory, GNUMACH_PACKAGE, gnuMachKernel } from './image.js';
import { GNUMACH_BENCHMARKS } from './benchmarks.js';

/** fw_cfg file the payload reads its hb.* settings from, as the seL4 root task does. */
export const SETTINGS_FW_CFG = 'opt/hb/cmdline';

/** Kernel command line: the console on COM1 (without it, output goes to VGA only). */
export const GNUMACH_APPEND = 'console=com0';

/**
 * The boot script line for the payload, QEMU's -initrd value: the module's path and arguments,
 * then the script's actions. ${host-port} and ${device-port} become the port names the kernel
 * inserts into the new task (1 and 2); $(task-create) makes the task and $(task-resume) starts it.
 * A module with no arguments would be booted in "compat mode", which panics in this kernel.
 * QEMU splits -initrd at commas into several modules, so a comma in the path is written twice.
 */
export function bootScriptLine(payload: string): string {
  if (/\s/.test(payload)) throw new Error(`expected a payload path without blanks (the boot script splits at them), got ${payload}`);
  return `${escapeOptionValue(payload)} \${host-port} \${device-port} $(task-create) $(task-resume)`;
}

/** Known signs of trouble on the console, and what they mean. */
export function diagnoseConsole(console: string): string | undefined {
  const panic = console.match(/^.*panic.*$/im)?.[0];
  if (/compat mode/.test(console)) return 'GNU Mach booted the payload in compat mode (a module without a boot script), which panics: the -initrd line must carry the boot script arguments';
  if (panic) return `GNU Mach panicked: ${panic.trim()}`;
  if (/Unrecoverable trap|user trap|Kernel Debugger/i.test(console)) return 'the kernel reported a trap or entered its debugger (see the console log)';
  if (!/task loaded/.test(console) && /GNU Mach/.test(console)) return 'GNU Mach started but never loaded the payload module';
  return undefined;
}

/**
 * GNU Mach offers no speculative-execution mitigations to turn on or off. Checked on Debian's
 * 1.8 i386 kernel: it executes no WRMSR at all, so neither IBRS nor IBPB is possible.
 */
export const GNUMACH_MITIGATIONS = 'none: GNU Mach has no speculative-execution mitigation settings (Debian\'s 1.8 kernel executes no WRMSR, so no IBRS or IBPB)';

export const gnumachAdapter: GuestAdapter = {
  os: 'gnumach',
  reach: 'qemu',
  id: 'gnumach',
  displayName: 'GNU Mach',
  benchmarks: GNUMACH_BENCHMARKS,
  // The config schema's least memoryMiB. Measured under tcg-icount (gnumach-image-1.8-486, syscall.null,
  // 100 iterations; 2026-12-07): the harness's run completes with 64; QEMU started by hand with the
  // harness's arguments completes with 24 and 32 and, with 16, hangs printing nothing. So 64 leaves
  // more than twice what it needs.
  minMemoryMiB: 64,
  // Debian's i386 GNU Mach is linked at 0xc1000000 (its ELF's first LOAD); user tasks lie below 0xc0000000.
  anatomy: { bits: 32, kernelBase: '0xc0000000', symbols: gnuMachAnatomySymbols },
  image: {
    description: 'Image settings for `os: gnumach`. The harness downloads Debian\'s i386 GNU Mach kernel package into cacheDir with a private apt configuration (the host\'s dpkg architectures are left alone), and boots it with the payload as the boot script\'s only task (no Hurd servers). See docs/guests/gnumach.md.',
    properties: {
      package: {
        title: 'a Debian package name (lowercase letters, digits, "+", "-" and ".")',
        description: `Debian package (architecture i386) whose boot/gnumach*.gz is the kernel. Default \`${GNUMACH_PACKAGE}\`.`,
        type: 'string',
        pattern: '^[a-z0-9][a-z0-9+.-]+$',
      },
      kernel: {
        title: 'a path to an i386 GNU Mach kernel',
        description: 'An uncompressed i386 GNU Mach multiboot kernel to boot instead of the package\'s, relative to the directory of this config file. Default: none, Debian\'s package.',
        type: 'string',
        minLength: 1,
        'x-path': 'file',
      },
      cpuModel: CPU_MODEL_SETTING,
    },
  },
  reproduction: {
    title: 'GNU Mach',
    text: 'the harness downloads Debian\'s i386 GNU Mach kernel package itself (with a private apt configuration) and builds the payload; compare the package version and hashes listed under "Images and payloads" above, as `docs/guests/gnumach.md` of the checkout describes.',
  },

  async availability(guest: GuestConfig): Promise<Availability> {
    const kernel = guest.image.kernel;
    if (kernel !== undefined && !existsSync(kernel)) {
      return { available: false, reason: `GNU Mach kernel not found at ${kernel} (image.kernel)`, howTo: `leave image.kernel out to use Debian's ${guest.image.package ?? GNUMACH_PACKAGE} (i386), or point it at an uncompressed i386 GNU Mach kernel` };
    }
    return { available: true };
  },

  async prepare(guest: GuestConfig, context: PrepareContext): Promise<PreparedGuest> {
    const packageName = guest.image.package ?? GNUMACH_PACKAGE;
    const own = guest.image.kernel;
    let kernel: { path: string; sha256: string };
    let kernelProvenance: Record<string, string>;
    if (own) {
      kernel = { path: own, sha256: await sha256File(own) };
      kernelProvenance = { kernel: own };
    } else {
      const fetched = await gnuMachKernel(context.cacheDir, packageName, context.log, context.refresh === true);
      kernel = fetched;
      kernelProvenance = {
        kernelPackage: `${fetched.package.name}:i386`,
        kernelPackageVersion: fetched.package.version,
        kernelPackageSha256: fetched.package.sha256,
      };
      context.log(`gnumach: kernel ${fetched.package.name} ${fetched.package.version} (i386)`);
    }
    context.log('gnumach: building payload');
    const payload = await buildGnuMachPayload(context);
    const bootDir = await bootDirectory(context.cacheDir, kernel.path, payload.path);
    return {
      boot: {
        qemuBinary: 'qemu-system-x86_64',
        // Short names in bootDir, so the strings the kernel is handed do not depend on the cache's path.
        cwd: bootDir,
        kernel: BOOT_KERNEL_NAME,
        initrd: bootScriptLine(BOOT_PAYLOAD_NAME),
        append: GNUMACH_APPEND,
        extraArgs: [...debugExitArgs(), ...fwCfgStringArgs(SETTINGS_FW_CFG, payloadSettingWords(guest.benchmarks).join(' '))],
      },
      provenance: {
        ...kernelProvenance,
        kernelSha256: kernel.sha256,
        qemuWorkingDirectory: bootDir,
        mitigations: GNUMACH_MITIGATIONS,
        // Debian builds GNU Mach with its kernel debugger (KDB) and assertions (docs/guests/gnumach.md).
        kernelDebugBuild: 'yes',
        payloadCompiler: payload.compiler,
        payloadCflags: payload.cflags,
        payloadSha256: payload.sha256,
      },
      diagnose: diagnoseConsole,
    };
  },
};
