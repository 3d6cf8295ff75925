import { expect } from 'chai';
import { tmpdir } from 'node:os';
import type { GuestConfig } from '../../../harness/config/types.js';
import { SEL4_BUILD_DIR_ENV } from '../../../harness/guests/sel4/adapter.js';
import { sel4AnatomySymbols } from '../../../harness/guests/sel4/anatomy-symbols.js';
import { parseNm } from '../../../harness/anatomy/symbols.js';
import { projectRoot } from '../../../harness/paths.js';
import { join } from 'node:path';

const buildDir = process.env[SEL4_BUILD_DIR_ENV];

function guest(image: Record<string, string>): GuestConfig {
  return { name: 's', os: 'sel4', vcpus: 1, memoryMiB: 512, pin: undefined, benchmarks: { boots: 1, iterations: 1, warmup: 0, include: ['*'] }, peers: [], image };
}

const context = { cacheDir: join(projectRoot, '.cache'), accel: 'tcg-icount' as const, vcpus: 1, timeouts: { bootSeconds: 1, benchmarkSeconds: 1, shutdownSeconds: 1 }, log: () => undefined, anatomy: true };

describe('@host seL4 anatomy symbols', function () {
  this.timeout(120_000);

  it('says there are none without a build directory, instead of failing', async () => {
    delete process.env[SEL4_BUILD_DIR_ENV];
    try {
      expect(await sel4AnatomySymbols(guest({}), { ...context, cacheDir: tmpdir() })).to.deep.equal([
        { space: 'kernel', prefix: '', description: 'seL4 kernel.elf', missing: 'no seL4 build directory' },
      ]);
    } finally {
      if (buildDir !== undefined) process.env[SEL4_BUILD_DIR_ENV] = buildDir;
    }
  });

  it("reads kernel.elf's and the root task's symbols from the user's build", async function () {
    if (!buildDir) {
      console.log(`    (skipped: ${SEL4_BUILD_DIR_ENV} is not set; point it at a seL4 kernel build directory, see docs/guests/sel4.md)`);
      this.skip();
    }
    const [kernel, rootTask] = await sel4AnatomySymbols(guest({ buildDir }), context);
    expect(kernel?.missing).to.equal(undefined);
    const names = parseNm(kernel!.nmText!).map((f) => f.name);
    expect(names).to.include.members(['c_handle_syscall', 'handle_fastsyscall']);
    expect(rootTask?.prefix).to.equal('payload:');
    expect(parseNm(rootTask!.nmText!).map((f) => f.name)).to.include('hb_run_bench');
  });
});
