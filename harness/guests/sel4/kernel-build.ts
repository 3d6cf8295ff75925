import { existsSync } from 'node:fs';
import { realpath, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { cachedDirectory } from '../../cache/atomic.js';
import { HostToolError } from '../../errors/host-tool-error.js';
import { sha256Hex } from '../../hash.js';
import { sourceRevision } from '../source-build.js';
import { configProblems, inspectSel4Build } from './build-dir.js';

export interface Sel4KernelBuildOptions {
  /** The user's seL4 checkout (the kernel repository: gcc.cmake, libsel4/, VERSION at its top). */
  source: string;
  cacheDir: string;
  /** A debug kernel (KernelDebugBuild, KernelPrinting): its console prints, its figures include debug checks. */
  debug: boolean;
  /** Two nodes (KernelMaxNumNodes=2), for the cross-CPU IPC figures on 2 vCPUs. */
  smp: boolean;
  log: (message: string) => void;
}

/**
 * The CMake options of the kernels docs/guests/sel4.md describes, the harness's requirements among
 * them (build-dir.ts configProblems): x86_64 pc99, non-MCS, 230 bootinfo untyped slots, and what TCG
 * needs (no PCID, FXSAVE), with the fastpath, whole-program and -O2 of sel4bench's kernels.
 * KernelVerificationBuild=OFF is what lets KernelDebugBuild=ON take effect: left ON, it turns
 * debugging and printing off whatever else the command line says.
 */
export function sel4CmakeOptions(options: Pick<Sel4KernelBuildOptions, 'debug' | 'smp'>): string[] {
  const onOff = (on: boolean) => (on ? 'ON' : 'OFF');
  return [
    '-DCROSS_COMPILER_PREFIX=',
    '-DKernelSel4Arch=x86_64',
    '-DKernelPlatform=pc99',
    `-DKernelDebugBuild=${onOff(options.debug)}`,
    `-DKernelPrinting=${onOff(options.debug)}`,
    '-DKernelVerificationBuild=OFF',
    '-DKernelFastpath=ON',
    '-DKernelIsMCS=OFF',
    `-DKernelMaxNumNodes=${options.smp ? 2 : 1}`,
    '-DKernelMaxNumBootinfoUntypedCaps=230',
    '-DKernelSupportPCID=OFF',
    '-DKernelFPU=FXSAVE',
    '-DKernelX86MicroArch=nehalem',
    '-DKernelFWholeProgram=ON',
    '-DKernelOptimisation=-O2',
  ];
}

/** Python modules the kernel's code generators import; Debian's package for each. */
export const SEL4_PYTHON_MODULES: readonly [module: string, debianPackage: string][] = [
  ['ply', 'python3-ply'],
  ['jinja2', 'python3-jinja2'],
  ['yaml', 'python3-yaml'],
  ['jsonschema', 'python3-jsonschema'],
  ['elftools', 'python3-pyelftools'],
  ['six', 'python3-six'],
  ['future', 'python3-future'],
  ['lxml', 'python3-lxml'],
  ['typing_extensions', 'python3-typing-extensions'],
];

const APT_LINE = `apt-get install cmake ninja-build gcc device-tree-compiler libxml2-utils ${SEL4_PYTHON_MODULES.map(([, p]) => p).join(' ')}`;

/**
 * The build runs `python3` from PATH: /usr/bin goes first, so a pyenv or virtualenv Python without
 * the modules is not the one found (docs/guests/sel4.md).
 */
export function sel4BuildEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, PATH: ['/usr/bin', env.PATH].filter(Boolean).join(':') };
}

/** cmake, ninja and the Python modules, each checked before anything is configured. */
async function checkBuildTools(env: NodeJS.ProcessEnv): Promise<void> {
  for (const tool of ['cmake', 'ninja', 'gcc', 'dtc', 'xmllint']) {
    try {
      await execa(tool, ['--version'], { env });
    } catch (error) {
      throw new HostToolError(tool, `expected ${tool} on PATH to build a seL4 kernel, got none: ${APT_LINE}`, { cause: error });
    }
  }
  const missing: string[] = [];
  for (const [module, debianPackage] of SEL4_PYTHON_MODULES) {
    const found = await execa('python3', ['-c', `import ${module}`], { env, reject: false });
    if (found.exitCode !== 0) missing.push(`${module} (${debianPackage})`);
  }
  if (missing.length > 0) {
    throw new HostToolError('python3', `expected the Python modules the seL4 build imports in /usr/bin/python3 (or python3 on PATH), got none of: ${missing.join(', ')}: ${APT_LINE}`);
  }
}

/** The last lines of a failed step's output, which hold its error. */
function tail(error: unknown): string {
  const output = (error as { all?: string; stderr?: string; stdout?: string }).all ?? `${(error as { stdout?: string }).stdout ?? ''}\n${(error as { stderr?: string }).stderr ?? ''}`;
  return output.trim().split('\n').slice(-15).join('\n');
}

async function step(what: string, file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  try {
    await execa(file, args, { cwd, env, all: true });
  } catch (error) {
    throw new Error(`expected ${what} to succeed, it failed; its last output:\n${tail(error)}`, { cause: error });
  }
}

/**
 * Configures and builds a seL4 kernel from the user's checkout into the cache, with the options the
 * harness needs, and returns its build directory (for SEL4_BUILD_DIR or image.buildDir). Built once
 * per checkout revision and options; nothing of seL4 ships with the harness.
 */
export async function buildSel4Kernel(options: Sel4KernelBuildOptions): Promise<string> {
  const source = await realpath(options.source).catch((error: unknown) => {
    throw new Error(`expected a seL4 checkout at ${options.source}, found nothing there`, { cause: error });
  });
  for (const file of ['gcc.cmake', 'VERSION', join('libsel4', 'include', 'sel4', 'sel4.h')]) {
    if (!existsSync(join(source, file))) throw new Error(`expected a seL4 kernel checkout at ${source} (with ${file}), got a directory without it`);
  }
  const env = sel4BuildEnv();
  await checkBuildTools(env);
  const cmake = ['-G', 'Ninja', `-DCMAKE_TOOLCHAIN_FILE=${join(source, 'gcc.cmake')}`, ...sel4CmakeOptions(options)];
  const revision = await sourceRevision(source, 'VERSION');
  const key = `kernel-${options.debug ? 'debug' : 'release'}${options.smp ? '-smp' : ''}-${sha256Hex([source, revision, ...cmake]).slice(0, 16)}`;
  options.log(`sel4: ${options.debug ? 'debug' : 'release'} kernel from ${source} (${revision}) into ${join(options.cacheDir, 'sel4', key)}`);
  const dir = await cachedDirectory(join(options.cacheDir, 'sel4'), key, async (work) => {
    options.log(`sel4: cmake ${cmake.join(' ')} ${source}`);
    await step('cmake to configure the seL4 kernel', 'cmake', [...cmake, source], work, env);
    options.log(`sel4: ninja -j${availableParallelism()} (the kernel and libsel4's generated headers)`);
    await step('ninja to build the seL4 kernel', 'ninja', [`-j${availableParallelism()}`], work, env);
    await writeFile(join(work, 'harness-build.txt'), `source ${source}\nrevision ${revision}\ncmake ${cmake.join(' ')}\n`);
  });
  // The same checks a run makes, so a kernel that would not boot is reported here.
  const problems = configProblems((await inspectSel4Build(dir)).config, 'tcg-icount');
  if (problems.length > 0) throw new Error(`expected the kernel built in ${dir} to fit the harness, got: ${problems.join('; ')}`);
  return dir;
}
