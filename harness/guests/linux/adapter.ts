import type { BenchmarkSelection, GuestConfig, Peer } from '../../config/types.js';
import type { Accel } from '../../units.js';
import { anatomyFlags, type Availability, type GuestAdapter, type PrepareContext, type PreparedGuest } from '../adapter.js';
import { linuxAnatomySymbols } from './anatomy-symbols.js';
import { buildInitramfs } from './initramfs.js';
import { fetchDebianKernel } from './kernel.js';
import { fetchPerfTree } from './perf.js';
import { buildPayload } from '../payload-build.js';
import { CPU_MODEL_SETTING, payloadSettingWords } from '../settings.js';
import { MITIGATIONS_SETTING, mitigationsWords } from './mitigations.js';
import { isPayloadFault, testFaultFor, TEST_FAULT_ENV, type TestFault } from '../test-fault.js';
import { LINUX_BENCHMARKS } from './benchmarks.js';

export const DEFAULT_KERNEL_PACKAGE = 'linux-image-cloud-amd64';

/**
 * Kernel command-line words for an SMP guest under tcg-icount (docs/icount-smp.md). QEMU 7.2 runs
 * icount vCPUs round-robin in one thread, each turn lasting to the next timer deadline, so vCPU 1
 * runs only when vCPU 0 executes PAUSE or HLT first; the kernel's boot CPU waits for each starting
 * CPU in a loop that calls schedule() and does neither, and the boot hangs. So the kernel boots
 * one CPU (maxcpus=1; the others stay present) and the payload brings the rest online through
 * sysfs while spinning on PAUSE (hb.cpuup=pause, guests/linux/cpu_up.h). Nothing for other guests.
 */
export function icountSmpWords(accel: Accel, vcpus: number): string[] {
  return accel === 'tcg-icount' && vcpus > 1 ? ['maxcpus=1', 'hb.cpuup=pause'] : [];
}

/**
 * Skips the crypto API's self-tests at boot: about 0.74 of the 1.57 billion instructions the
 * initramfs guest ran before its payload started (initcall_debug: crypto_algapi_init), i.e. half its
 * boot under tcg-icount, on both Linux guests. The benchmarks use no kernel crypto; as any change to
 * the boot does, it moved a few round trips by a few instructions (docs/methodology.md).
 */
export const BOOT_WORDS = ['cryptomgr.notests'] as const;

/**
 * Kernel command line: console on ttyS0, data on ttyS1 (the payload's default), BOOT_WORDS,
 * `kernelWords` (the mitigations setting, icountSmpWords for an SMP guest under icount), settings
 * as hb.* words, and hb.peers=perf when the peer cross-check is on.
 */
export function linuxAppend(benchmarks: BenchmarkSelection, peers: readonly Peer[] = [], kernelWords: readonly string[] = []): string {
  return [
    'console=ttyS0',
    // With -no-reboot a panic ends QEMU at once instead of waiting for the boot timeout.
    'panic=-1',
    ...BOOT_WORDS,
    ...kernelWords,
    ...payloadSettingWords(benchmarks),
    ...(peers.length > 0 ? [`hb.peers=${peers.join(',')}`] : []),
  ].join(' ');
}

/**
 * TEST-ONLY (test-fault.ts): the command-line word that makes the fault happen. A missing rdinit
 * makes the kernel fall back to mounting a root device it was not given, and panic at boot.
 */
function faultWord(fault: Exclude<TestFault, 'no-kernel'>): string {
  return isPayloadFault(fault) ? `hb.fault=${fault}` : 'rdinit=/hb-test-fault-no-such-init';
}

export const linuxAdapter: GuestAdapter = {
  os: 'linux',
  reach: 'qemu',
  variant: 'initramfs',
  id: 'linux',
  displayName: 'Linux',
  benchmarks: LINUX_BENCHMARKS,
  // Measured under tcg-icount (kernel 6.1.0-57-cloud-amd64, 1 vCPU, syscall.null, 100 iterations;
  // 2026-12-07): without perf 74 MiB completes and 72 panics ("System is deadlocked on memory",
  // unpacking the initramfs); with `peers: [perf]` (about 34 MB more initramfs) 128 completes and
  // 120 panics. 160 is the perf image's 128 and a quarter more, for a bigger kernel package or
  // payload. Samples take memory too (8 bytes each: 80 MB at 10^7 iterations), which this does not
  // count: a boot that still stops early below memoryMiBKnownToBoot (256) gets the hint.
  minMemoryMiB: 160,
  deployMethods: ['initramfs'],
  // x86_64 kernels live in the top half of the address space.
  anatomy: { bits: 64, kernelBase: '0xffff800000000000', symbols: linuxAnatomySymbols },
  peers: ['perf'],
  // Its payload brings the CPUs up itself under icount (icountSmpWords).
  icountSmp: true,
  image: {
    description: 'Image settings for `os: linux` (`variant: initramfs`, the default). The harness downloads the kernel package into cacheDir and builds an initramfs around the benchmark payload.',
    properties: {
      kernelPackage: {
        title: 'a Debian package name (lowercase letters, digits, "+", "-" and ".")',
        description: 'Name of the Debian package that provides the guest kernel (a Debian package name). Default `linux-image-cloud-amd64`.',
        type: 'string',
        pattern: '^[a-z0-9][a-z0-9+.-]+$',
        default: DEFAULT_KERNEL_PACKAGE,
      },
      mitigations: MITIGATIONS_SETTING,
      cpuModel: CPU_MODEL_SETTING,
    },
  },
  reproduction: {
    title: 'Linux',
    text: 'the harness builds the guest itself from Debian packages; compare the rebuilt image with the package versions and hashes listed under "Images and payloads" above.',
  },
  async kvmProbe(cacheDir) {
    const kernel = await fetchDebianKernel(DEFAULT_KERNEL_PACKAGE, cacheDir);
    return { qemuBinary: 'qemu-system-x86_64', kernel: kernel.vmlinuz };
  },

  async availability(): Promise<Availability> {
    // Everything comes from Debian packages and this checkout, built on demand.
    return { available: true };
  },

  async prepare(guest: GuestConfig, context: PrepareContext): Promise<PreparedGuest> {
    const kernelPackage = guest.image.kernelPackage ?? DEFAULT_KERNEL_PACKAGE;
    context.log(`linux: kernel from Debian package ${kernelPackage}`);
    const kernel = await fetchDebianKernel(kernelPackage, context.cacheDir, { refresh: context.refresh === true, log: context.log });
    context.log(`linux: building payload`);
    const payload = await buildPayload({ os: 'linux', cacheDir: context.cacheDir, extraFlags: anatomyFlags(context) });
    const peers = guest.peers ?? [];
    let perf;
    if (peers.includes('perf')) {
      context.log(`linux: perf for the peer cross-check, from Debian packages (linux-perf and the libraries it loads)`);
      perf = await fetchPerfTree(context.cacheDir, kernel.version, { refresh: context.refresh === true, log: context.log });
    }
    const initramfs = await buildInitramfs(context.cacheDir, payload.path, perf ? { perf } : {});
    const fault = testFaultFor(guest.name);
    if (fault) context.log(`linux: TEST-ONLY fault injection from ${TEST_FAULT_ENV}: ${fault}`);
    const append = linuxAppend(guest.benchmarks, peers, [...mitigationsWords(guest.image.mitigations), ...icountSmpWords(context.accel, context.vcpus)]);
    return {
      boot: {
        qemuBinary: 'qemu-system-x86_64',
        ...(fault === 'no-kernel'
          ? { kernel: undefined }
          : { kernel: kernel.vmlinuz, initrd: initramfs.path, append: fault ? `${append} ${faultWord(fault)}` : append }),
      },
      // The tests boot it with 256 MiB; 64 stops before the payload prints a word.
      memoryMiBKnownToBoot: 256,
      provenance: {
        ...(fault ? { testFault: fault } : {}),
        kernelPackage: kernel.package,
        kernelPackageVersion: kernel.version,
        kernelSha256: kernel.sha256,
        payloadCompiler: payload.compiler,
        payloadCflags: payload.cflags,
        payloadSha256: payload.sha256,
        initramfsSha256: initramfs.sha256,
        initramfsBytes: String(initramfs.bytes),
        busyboxSha256: initramfs.busyboxSha256,
        ...(perf
          ? { perfPackageVersion: perf.version, perfSha256: perf.sha256, perfPackages: perf.packages.join(' ') }
          : {}),
      },
    };
  },
};
