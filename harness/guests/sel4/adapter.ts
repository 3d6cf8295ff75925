import type { GuestConfig } from '../../config/types.js';
import { debugExitArgs, fwCfgStringArgs } from '../../qemu/argv.js';
import { type Availability, type GuestAdapter, type PrepareContext, type PreparedGuest } from '../adapter.js';
import { payloadSettingWords } from '../settings.js';
import { sel4AnatomySymbols } from './anatomy-symbols.js';
import { configProblems, diagnoseConsole, inspectSel4Build, maxNodes } from './build-dir.js';
import { buildSel4Kernel } from './kernel-build.js';
import { buildRootTask, expandIncludes, SEL4_BUILD_DIR_ENV, sel4BuildDir } from './root-task.js';
import { elf32Kernel } from './kernel32.js';
import { sel4Mitigations } from './mitigations.js';
import { CPU_MODEL_SETTING } from '../settings.js';
import { SEL4_BENCHMARKS } from './benchmarks.js';

/** fw_cfg file the root task reads its hb.* settings from: it has no command line of its own. */
export const SETTINGS_FW_CFG = 'opt/hb/cmdline';

const HOW_TO = `build a seL4 kernel (x86_64, pc99, non-MCS) as described in docs/guests/sel4.md and set ${SEL4_BUILD_DIR_ENV} or image.buildDir to its build directory`;

export { expandIncludes, SEL4_BUILD_DIR_ENV, sel4BuildDir };

export const sel4Adapter: GuestAdapter = {
  os: 'sel4',
  reach: 'qemu',
  id: 'sel4',
  displayName: 'seL4',
  benchmarks: SEL4_BENCHMARKS,
  // Not measured (no seL4 build on the machine this was written on): 512 is what configs/sel4.yaml,
  // configs/sel4-smp.yaml, the seL4 tests and sel4bench's own QEMU command (-m 512,
  // docs/metrics.md "Against sel4bench") give it. The root task also says "too little RAM" itself
  // when its samples do not fit (guests/sel4/kobj.c).
  minMemoryMiB: 512,
  // x86_64 kernels live in the top half of the address space.
  anatomy: { bits: 64, kernelBase: '0xffff800000000000', symbols: sel4AnatomySymbols },
  // An SMP kernel brings its second CPU up by itself under tcg-icount, deterministically
  // (docs/icount-smp.md); a uniprocessor kernel leaves it parked and skips the *.cross benchmarks.
  icountSmp: true,
  image: {
    description: 'Image settings for `os: sel4`. The kernel is the user\'s own build (seL4 is not packaged anywhere the harness can download from); the harness builds its root task against that build and converts the kernel to elf32 for QEMU. See docs/guests/sel4.md for what the build must be configured with.',
    properties: {
      buildDir: {
        title: 'a path to a seL4 kernel build directory',
        description: `seL4 kernel build directory (x86_64, pc99, non-MCS; holds kernel.elf, CMakeCache.txt and the generated libsel4 headers), relative to the directory of this config file. Default: the environment variable ${SEL4_BUILD_DIR_ENV}; when neither is set the guest is skipped.`,
        type: 'string',
        minLength: 1,
        'x-path': 'directory',
      },
      kernel: {
        title: 'a path to the seL4 kernel image',
        description: 'The kernel ELF, relative to the directory of this config file. Default `<buildDir>/kernel.elf`.',
        type: 'string',
        minLength: 1,
        'x-path': 'file',
      },
      sourceDir: {
        title: 'a path to the seL4 kernel source tree',
        description: 'The kernel source tree, for libsel4\'s static headers. Default: the source directory recorded in `<buildDir>/CMakeCache.txt`.',
        type: 'string',
        minLength: 1,
        'x-path': 'directory',
      },
      cpuModel: CPU_MODEL_SETTING,
    },
  },
  reproduction: {
    title: 'seL4',
    text: `seL4 cannot be downloaded by the harness. Build a seL4 kernel (x86_64, pc99, non-MCS, uniprocessor or, for the cross-CPU IPC figures on 2 vCPUs, SMP with 2 nodes, at least 230 bootinfo untyped slots; under TCG also PCID support off and the FXSAVE FPU mode) as \`docs/guests/sel4.md\` of the checkout describes, and point \`image.buildDir\` in \`config.yaml\` (or \`${SEL4_BUILD_DIR_ENV}\`) at its build directory. Its version, build options and kernel hash as this run used them are listed under "Images and payloads" above.`,
  },

  /**
   * Skipped only when no build directory is named at all: one the user named (image.buildDir or
   * SEL4_BUILD_DIR) that cannot be used fails the guest in prepare, saying why, so a typo or an
   * unbuilt directory never passes as a run that merely left seL4 out.
   */
  async availability(guest: GuestConfig): Promise<Availability> {
    if (!sel4BuildDir(guest)) return { available: false, reason: `no seL4 kernel build directory given (neither image.buildDir nor ${SEL4_BUILD_DIR_ENV} is set)`, howTo: HOW_TO };
    return { available: true };
  },

  async buildFromSource(source, options) {
    const dir = await buildSel4Kernel({ source, ...options });
    return { dir, use: `${SEL4_BUILD_DIR_ENV}=${dir} npx harness run configs/${options.smp ? 'sel4-smp' : 'sel4'}.yaml (or image.buildDir: ${dir})` };
  },

  async prepare(guest: GuestConfig, context: PrepareContext): Promise<PreparedGuest> {
    const build = await inspectSel4Build(sel4BuildDir(guest)!, { kernel: guest.image.kernel, sourceDir: guest.image.sourceDir });
    const problems = configProblems(build.config, context.accel);
    if (problems.length > 0) {
      // One line: the run's summary and report.md's Failed list show a failure's first line.
      throw new Error(`the seL4 kernel in ${build.kernelDir} does not fit the harness: ${problems.join('; ')}`);
    }
    context.log(`sel4: kernel ${build.version} from ${build.buildDir}`);
    const kernel = await elf32Kernel(build.kernelElf, context.cacheDir);
    context.log('sel4: building root task');
    const rootTask = await buildRootTask(build, context);
    return {
      boot: {
        qemuBinary: 'qemu-system-x86_64',
        kernel: kernel.path,
        initrd: rootTask.path,
        extraArgs: [...debugExitArgs(), ...fwCfgStringArgs(SETTINGS_FW_CFG, payloadSettingWords(guest.benchmarks).join(' '))],
      },
      provenance: {
        sel4Version: build.version,
        sel4BuildDir: build.buildDir,
        sel4SourceDir: build.sourceDir,
        sel4DebugBuild: build.config.has('CONFIG_DEBUG_BUILD') ? 'yes' : 'no',
        sel4Fastpath: build.config.has('CONFIG_FASTPATH') ? 'yes' : 'no',
        sel4MaxNumNodes: String(maxNodes(build.config)),
        mitigations: sel4Mitigations(build.config),
        kernelSha256: kernel.sha256,
        payloadCompiler: rootTask.compiler,
        payloadCflags: rootTask.cflags,
        payloadSha256: rootTask.sha256,
      },
      diagnose: diagnoseConsole,
    };
  },
};
