import { expect } from 'chai';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { GuestConfig } from '../../../harness/config/types.js';
import { expandIncludes, sel4Adapter, sel4BuildDir } from '../../../harness/guests/sel4/adapter.js';
import { LIBSEL4_GENERATED } from '../../../harness/guests/sel4/build-dir.js';

function guest(image: Record<string, string>): GuestConfig {
  return { name: 's', os: 'sel4', vcpus: 1, memoryMiB: 512, pin: undefined, benchmarks: { boots: 1, iterations: 1, warmup: 0, include: ['*'] }, peers: [], image };
}

describe('seL4 adapter', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hb-sel4-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('takes the build directory from the config before the environment', () => {
    expect(sel4BuildDir(guest({ buildDir: '/from/config' }), { SEL4_BUILD_DIR: '/from/env' })).to.equal('/from/config');
    expect(sel4BuildDir(guest({}), { SEL4_BUILD_DIR: '/from/env' })).to.equal('/from/env');
    expect(sel4BuildDir(guest({}), {})).to.equal(undefined);
  });

  it('fills ${BUILD}, ${KERNEL} and ${SOURCE} in include templates', () => {
    const build = { buildDir: '/b', kernelDir: '/b/kernel', sourceDir: '/s' };
    expect(expandIncludes(['${BUILD}/libsel4/include', '${KERNEL}/gen_config', '${SOURCE}/libsel4/include', '/abs'], build)).to.deep.equal([
      '/b/libsel4/include',
      '/b/kernel/gen_config',
      '/s/libsel4/include',
      '/abs',
    ]);
  });

  it('is skipped only when no build directory is named; a named one that cannot be used fails the guest, saying why', async () => {
    expect(await sel4Adapter.availability(guest({}))).to.deep.include({ available: false });
    const build = join(dir, 'build');
    expect(await sel4Adapter.availability(guest({ buildDir: build }))).to.deep.equal({ available: true });
    try {
      await sel4Adapter.prepare(guest({ buildDir: build }), { cacheDir: join(dir, 'cache'), accel: 'tcg-icount', vcpus: 1, timeouts: { bootSeconds: 60, benchmarkSeconds: 60, shutdownSeconds: 10 }, log: () => undefined });
      expect.fail('expected an error');
    } catch (error) {
      expect((error as Error).message).to.match(new RegExp(`^expected a configured seL4 build directory at ${build}: .*found neither \\(the directory does not exist\\)$`));
    }
  });

  it('refuses, before booting, a build that does not fit, listing each change', async () => {
    const build = join(dir, 'mcs');
    const source = join(dir, 'src');
    await mkdir(join(build, 'gen_config', 'kernel'), { recursive: true });
    await mkdir(join(source, 'libsel4', 'include', 'sel4'), { recursive: true });
    await writeFile(join(source, 'libsel4', 'include', 'sel4', 'sel4.h'), '');
    await writeFile(join(build, 'CMakeCache.txt'), `seL4_SOURCE_DIR:STATIC=${source}\n`);
    await writeFile(join(build, 'kernel.elf'), '');
    await mkdir(dirname(join(build, LIBSEL4_GENERATED)), { recursive: true });
    await writeFile(join(build, LIBSEL4_GENERATED), '');
    await writeFile(join(build, 'gen_config', 'kernel', 'gen_config.h'), '#define CONFIG_ARCH_X86_64 1\n#define CONFIG_PLAT_PC99 1\n#define CONFIG_KERNEL_MCS 1\n#define CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS 50\n');
    try {
      await sel4Adapter.prepare(guest({ buildDir: build }), { cacheDir: join(dir, 'cache'), accel: 'tcg-icount', vcpus: 1, timeouts: { bootSeconds: 60, benchmarkSeconds: 60, shutdownSeconds: 10 }, log: () => undefined });
      expect.fail('expected an error');
    } catch (error) {
      const message = (error as Error).message;
      expect(message).to.contain(`the seL4 kernel in ${build} does not fit the harness: expected`);
      // One line, so the run's summary and report.md's Failed list show every change.
      expect(message).not.to.contain('\n');
      expect(message).to.contain('-DKernelIsMCS=OFF');
      expect(message).to.contain('-DKernelMaxNumBootinfoUntypedCaps=230');
    }
  });
});
