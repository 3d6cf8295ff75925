import { expect } from 'chai';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  configProblems,
  diagnoseConsole,
  inspectSel4Build,
  LIBSEL4_GENERATED,
  locateSel4Build,
  maxNodes,
  parseGenConfig,
  sourceDirFromCache,
} from '../../../harness/guests/sel4/build-dir.js';
import type { Accel } from '../../../harness/units.js';

const FITTING = [
  '#define CONFIG_ARCH_X86_64  1',
  '#define CONFIG_SEL4_ARCH  x86_64',
  '#define CONFIG_PLAT_PC99  1',
  '/* disabled: CONFIG_KERNEL_MCS */',
  '/* disabled: CONFIG_SUPPORT_PCID */',
  '/* disabled: CONFIG_XSAVE */',
  '#define CONFIG_FXSAVE  1',
  '#define CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS  230',
].join('\n');

function withLine(line: string, drop?: string): Map<string, string> {
  const lines = FITTING.split('\n').filter((l) => !drop || !l.includes(drop));
  return parseGenConfig([...lines, line].join('\n'));
}

describe('seL4 build directory checks', () => {
  it('parses enabled options and leaves disabled ones out', () => {
    const config = parseGenConfig(FITTING);
    expect(config.get('CONFIG_SEL4_ARCH')).to.equal('x86_64');
    expect(config.get('CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS')).to.equal('230');
    expect(config.has('CONFIG_KERNEL_MCS')).to.equal(false);
  });

  it('finds the source tree in the CMake cache', () => {
    expect(sourceDirFromCache('x:STRING=1\nseL4_SOURCE_DIR:STATIC=/src/seL4\n')).to.equal('/src/seL4');
    expect(sourceDirFromCache('CMAKE_HOME_DIRECTORY:INTERNAL=/src/k\n')).to.equal('/src/k');
    expect(sourceDirFromCache('nothing here')).to.equal(undefined);
  });

  it('accepts a fitting kernel under every accelerator', () => {
    for (const accel of ['kvm', 'tcg', 'tcg-icount'] as Accel[]) expect(configProblems(parseGenConfig(FITTING), accel)).to.deep.equal([]);
  });

  const misfits: [string, Map<string, string>, Accel, RegExp][] = [
    ['an MCS kernel', withLine('#define CONFIG_KERNEL_MCS  1'), 'tcg-icount', /non-MCS kernel .*-DKernelIsMCS=OFF/],
    ['PCID on under TCG', withLine('#define CONFIG_SUPPORT_PCID  1'), 'tcg-icount', /PCID support off under tcg-icount .*-DKernelSupportPCID=OFF/],
    ['XSAVE under TCG', withLine('#define CONFIG_XSAVE  1'), 'tcg', /FXSAVE FPU mode under tcg .*-DKernelFPU=FXSAVE/],
    ['too few untyped slots', withLine('#define CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS  50', 'UNTYPED'), 'kvm', /at least 230 bootinfo untyped slots .*got 50: .*-DKernelMaxNumBootinfoUntypedCaps=230/],
    ['a 32-bit kernel', withLine('#define CONFIG_SEL4_ARCH  ia32', 'X86_64'), 'kvm', /expected an x86_64 pc99 kernel, got/],
  ];
  for (const [name, config, accel, expected] of misfits) {
    it(`rejects ${name}, saying what to change`, () => {
      const problems = configProblems(config, accel);
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(expected);
    });
  }

  it('accepts an SMP kernel under every accelerator and says how many CPUs it was built for', () => {
    const smp = withLine('#define CONFIG_ENABLE_SMP_SUPPORT  1\n#define CONFIG_MAX_NUM_NODES  2');
    for (const accel of ['kvm', 'tcg', 'tcg-icount'] as Accel[]) expect(configProblems(smp, accel)).to.deep.equal([]);
    expect(maxNodes(smp)).to.equal(2);
    expect(maxNodes(parseGenConfig(FITTING))).to.equal(1);
  });

  it('allows PCID and XSAVE under KVM, where the CPU has them', () => {
    expect(configProblems(withLine('#define CONFIG_SUPPORT_PCID  1\n#define CONFIG_XSAVE  1'), 'kvm')).to.deep.equal([]);
  });

  const consoles: [string, RegExp | undefined][] = [
    ['Boot config: ...\nPCIDs not supported by the processor\nHalting', /-DKernelSupportPCID=OFF/],
    ['Kernel loaded to: start=0x100000\nMapping kernel window is done\n', /-DKernelFPU=FXSAVE/],
    ['Mapping kernel window is done\nXSAVE not supported\nhalting...\n', /-DKernelFPU=FXSAVE/],
    ['Booting all finished, dropped to user space\nhb-sel4: no untyped large enough\n', /-DKernelMaxNumBootinfoUntypedCaps=230/],
    ['Booting all finished, dropped to user space\n', undefined],
  ];
  for (const [console, expected] of consoles) {
    it(`reads the console ${JSON.stringify(console.split('\n').at(-2) ?? console)}`, () => {
      const advice = diagnoseConsole(console);
      if (expected) expect(advice).to.match(expected);
      else expect(advice).to.equal(undefined);
    });
  }
});

describe('seL4 build directory layouts', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hb-sel4-layout-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  /** A configured kernel in kernelDir, CMakeCache.txt in buildDir, libsel4's headers generated there or not. */
  async function fakeBuild(buildDir: string, kernelDir: string, generated: boolean): Promise<void> {
    const source = join(dir, 'seL4');
    await mkdir(join(source, 'libsel4', 'include', 'sel4'), { recursive: true });
    await writeFile(join(source, 'libsel4', 'include', 'sel4', 'sel4.h'), '');
    await mkdir(join(kernelDir, 'gen_config', 'kernel'), { recursive: true });
    await writeFile(join(kernelDir, 'gen_config', 'kernel', 'gen_config.h'), FITTING);
    await writeFile(join(kernelDir, 'kernel.elf'), '');
    await writeFile(join(buildDir, 'CMakeCache.txt'), `seL4_SOURCE_DIR:STATIC=${source}\n`);
    if (generated) {
      await mkdir(dirname(join(buildDir, LIBSEL4_GENERATED)), { recursive: true });
      await writeFile(join(buildDir, LIBSEL4_GENERATED), '');
    }
  }

  it('takes a kernel built alone, a project build directory, and the kernel/ directory of a project', async () => {
    const alone = join(dir, 'alone');
    await fakeBuild(alone, alone, true);
    expect(locateSel4Build(alone)).to.deep.equal({ buildDir: alone, kernelDir: alone });
    const project = join(dir, 'project');
    await fakeBuild(project, join(project, 'kernel'), true);
    expect(locateSel4Build(project)).to.deep.equal({ buildDir: project, kernelDir: join(project, 'kernel') });
    expect(locateSel4Build(join(project, 'kernel'))).to.deep.equal({ buildDir: project, kernelDir: join(project, 'kernel') });
    const build = await inspectSel4Build(project);
    expect(build.kernelElf).to.equal(join(project, 'kernel', 'kernel.elf'));
    expect(build.config.get('CONFIG_SEL4_ARCH')).to.equal('x86_64');
  });

  it("says to run ninja with every target when libsel4's headers were not generated (ninja kernel.elf alone)", async () => {
    const unbuilt = join(dir, 'kernel-only');
    await fakeBuild(unbuilt, unbuilt, false);
    try {
      await inspectSel4Build(unbuilt);
      expect.fail('expected an error');
    } catch (error) {
      expect((error as Error).message).to.equal(
        `expected libsel4's generated headers at ${join(unbuilt, LIBSEL4_GENERATED)}, found nothing: run ninja (all targets) in ${unbuilt}; ninja kernel.elf alone does not generate libsel4's headers`,
      );
    }
  });

  it('names both layouts when a directory is neither', () => {
    expect(() => locateSel4Build(join(dir, 'nothing'))).to.throw(/a kernel build \(gen_config\/kernel\/gen_config.h and CMakeCache.txt in it\) or a project build/);
  });
});
