import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { loadConfig } from '../../../harness/config/index.js';
import { configProblems, inspectSel4Build } from '../../../harness/guests/sel4/build-dir.js';
import { sel4BuildEnv, sel4CmakeOptions } from '../../../harness/guests/sel4/kernel-build.js';
import { runBenchmarks } from '../../../harness/runner/run.js';
import { projectRoot } from '../../../harness/paths.js';
import { writeTempConfig } from '../../support/temp-config.js';

/** A seL4 kernel checkout of the user's (never part of the project): the integration case skips without one. */
const SOURCE_ENV = 'SEL4_SOURCE_DIR';

describe('seL4 kernel build options', () => {
  it('has the options the harness needs, with KernelVerificationBuild off so that a debug build is one', () => {
    const release = sel4CmakeOptions({ debug: false, smp: false });
    expect(release).to.include.members(['-DKernelIsMCS=OFF', '-DKernelMaxNumBootinfoUntypedCaps=230', '-DKernelSupportPCID=OFF', '-DKernelFPU=FXSAVE']);
    expect(release).to.include.members(['-DKernelDebugBuild=OFF', '-DKernelPrinting=OFF', '-DKernelVerificationBuild=OFF', '-DKernelMaxNumNodes=1']);
    const debugSmp = sel4CmakeOptions({ debug: true, smp: true });
    expect(debugSmp).to.include.members(['-DKernelDebugBuild=ON', '-DKernelPrinting=ON', '-DKernelVerificationBuild=OFF', '-DKernelMaxNumNodes=2']);
  });

  it("runs the build with /usr/bin first in PATH, so another python3 without the modules is not the one found", () => {
    expect(sel4BuildEnv({ PATH: '/home/u/.pyenv/shims:/usr/bin' }).PATH).to.equal('/usr/bin:/home/u/.pyenv/shims:/usr/bin');
    expect(sel4BuildEnv({}).PATH).to.equal('/usr/bin');
  });
});

describe('@guest harness build sel4 --source', function () {
  this.timeout(20 * 60_000);
  const source = process.env[SOURCE_ENV];
  let dir: string;

  before(async function () {
    if (!source) {
      console.log(`    (skipped: ${SOURCE_ENV} is not set; point it at a checkout of github.com/seL4/seL4, see docs/guests/sel4.md)`);
      this.skip();
    }
    dir = await mkdtemp(join(tmpdir(), 'hb-sel4-source-'));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  for (const debug of [false, true]) {
    it(`turns the checkout into a working ${debug ? 'debug' : 'release'} build directory`, async () => {
      const config = join(dir, 'build.yaml');
      await writeFile(config, `cacheDir: ${join(dir, 'cache')}\nguests:\n  - name: sel4\n    os: sel4\n    vcpus: 1\n    image: {}\n`);
      const args = ['build', 'sel4', '--source', source!, '--config', config, ...(debug ? ['--debug'] : [])];
      const built = await execa('node', [join(projectRoot, 'bin', 'harness.js'), ...args], { cwd: projectRoot, reject: false });
      expect(built.exitCode, built.stderr).to.equal(0);
      const buildDir = built.stdout.trim();
      expect(buildDir.startsWith(join(dir, 'cache', 'sel4', `kernel-${debug ? 'debug' : 'release'}-`))).to.equal(true);
      const build = await inspectSel4Build(buildDir);
      expect(configProblems(build.config, 'tcg-icount')).to.deep.equal([]);
      expect(build.config.has('CONFIG_DEBUG_BUILD')).to.equal(debug);
      expect(await readFile(join(buildDir, 'harness-build.txt'), 'utf8')).to.contain(`source ${source}`);
      // And it boots: the null system call, a few hundred times.
      const run = await writeTempConfig({
        accel: 'tcg-icount',
        cacheDir: join(dir, 'cache'),
        guests: [{ name: 'sel4', os: 'sel4', vcpus: 1, memoryMiB: 512, benchmarks: { iterations: 200, warmup: 20, include: ['syscall.null'] }, image: { buildDir } }],
      });
      try {
        const outcome = await runBenchmarks(await loadConfig(run.file), { emit: () => undefined });
        expect(outcome.failed, JSON.stringify(outcome.failed)).to.deep.equal([]);
        expect(outcome.results.map((r) => r.metric)).to.deep.equal(['syscall.null']);
      } finally {
        await rm(run.dir, { recursive: true, force: true });
      }
    });
  }
});
