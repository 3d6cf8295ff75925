import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { ExitCode } from '../../harness/cli/exit-codes.js';
import { projectRoot } from '../../harness/paths.js';
import { installFakeQemu, pathWith, type FakeQemu } from '../support/fake-qemu/index.js';
import { writeTempConfig } from '../support/temp-config.js';

describe('harness CLI', function () {
  this.timeout(60_000);
  // A run checks QEMU's version before anything else: the fake answers it, so no QEMU is needed
  // (and none would be started: every guest here is skipped or refused).
  let fakeDir: string;
  let fake: FakeQemu;
  before(async () => {
    fakeDir = await mkdtemp(join(tmpdir(), 'hb-cli-'));
    fake = await installFakeQemu(fakeDir, { writes: [], then: 'exit' });
  });
  after(() => rm(fakeDir, { recursive: true, force: true }));

  // The package's own bin, as `npx harness` runs it (npm test compiles dist/ first).
  const harness = (args: string[]) =>
    execa('node', [join(projectRoot, 'bin', 'harness.js'), ...args], { reject: false, cwd: projectRoot, env: { PATH: pathWith(fake) } });

  it('rejects a bad config before anything boots, naming file, line, field, expected and got', async () => {
    const { dir, file } = await writeTempConfig({ guests: [{ name: 'x', os: 'linux', vcpus: 0 }] });
    try {
      const result = await harness(['run', file]);
      expect(result.exitCode, result.stderr).to.equal(ExitCode.USAGE);
      expect(result.stderr).to.match(new RegExp(`${file.replaceAll('/', '\\/')}:\\d+:\\d+: guests\\[0\\]\\.vcpus: expected an integer from 1 to 64, got 0`));
      expect(result.stderr).not.to.match(/booting/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects an unknown accelerator with the choices', async () => {
    const result = await harness(['run', 'configs/linux.yaml', '--accel', 'hvf']);
    expect(result.exitCode).to.equal(ExitCode.USAGE);
    expect(result.stderr).to.match(/Allowed choices are auto, kvm, tcg, tcg-icount/);
  });

  it('runs a config whose guests are all skipped, printing why and the run directory', async () => {
    const { dir, file } = await writeTempConfig({ guests: [{ name: 'minix', os: 'minix', vcpus: 1, image: { disk: 'none.img' } }] });
    try {
      const result = await harness(['run', file]);
      expect(result.exitCode, result.stderr).to.equal(0);
      expect(result.stdout).to.match(/^skipped minix: MINIX 3 disk image not found at .*none\.img/m);
      expect(result.stdout).to.match(new RegExp(`^run directory: ${join(dir, 'results')}/`, 'm'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('with --json prints only JSON lines on stdout: every event, then the summary', async () => {
    const { dir, file } = await writeTempConfig({ guests: [{ name: 'minix', os: 'minix', vcpus: 1, image: { disk: 'none.img' } }] });
    try {
      const result = await harness(['run', file, '--json']);
      expect(result.exitCode, result.stderr).to.equal(0);
      const lines = result.stdout.split('\n').map((line) => JSON.parse(line) as { type: string; [field: string]: unknown });
      expect(lines.map((l) => l.type)).to.deep.equal(['run-start', 'guest-skipped', 'run-done', 'summary']);
      expect(lines[1])
        .to.include({ guest: 'minix' })
        .and.to.have.property('reason')
        .that.matches(/MINIX 3 disk image not found at .*none\.img/);
      expect(lines[3]).to.include({ complete: true, runDir: lines[0]!.runDir });
      expect(result.stderr).to.equal('');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('with --json reports a bad config as a JSON error line too, and exits 2', async () => {
    const { dir, file } = await writeTempConfig({ guests: [{ name: 'x', os: 'linux', vcpus: 0 }] });
    try {
      const result = await harness(['run', file, '--json']);
      expect(result.exitCode).to.equal(ExitCode.USAGE);
      const lines = result.stdout.split('\n').map((line) => JSON.parse(line) as { type: string; error: { message: string } });
      expect(lines).to.have.length(1);
      expect(lines[0]!.type).to.equal('error');
      expect(lines[0]!.error.message).to.contain('guests[0].vcpus: expected an integer from 1 to 64, got 0');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says which guest OSes a config has when asked to build another', async () => {
    const { dir, file } = await writeTempConfig({ guests: [{ name: 'l', os: 'linux' }] });
    try {
      const result = await harness(['build', 'minix', '--config', file]);
      expect(result.exitCode).to.equal(ExitCode.USAGE);
      expect(result.stderr).to.contain(`expected a guest with os minix in ${file}, got l (os linux)`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('builds from a checkout only the guests that can (--source), and takes --debug and --smp only with it', async () => {
    const { dir, file } = await writeTempConfig({ guests: [{ name: 'l', os: 'linux' }] });
    try {
      const linux = await harness(['build', 'linux', '--source', dir, '--config', file]);
      expect(linux.exitCode).to.equal(ExitCode.USAGE);
      expect(linux.stderr).to.contain('expected --source with a guest the harness builds from a checkout (sel4, minix), got linux');
      const debug = await harness(['build', 'linux', '--debug', '--config', file]);
      expect(debug.exitCode).to.equal(ExitCode.USAGE);
      expect(debug.stderr).to.contain('expected --debug and --smp only with --source, got them without');
      const notSel4 = await harness(['build', 'sel4', '--source', dir, '--config', file]);
      expect(notSel4.exitCode).to.equal(1);
      expect(notSel4.stderr).to.contain(`expected a seL4 kernel checkout at ${dir} (with gcc.cmake), got a directory without it`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
