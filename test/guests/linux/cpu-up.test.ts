import { expect } from 'chai';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { settingLines } from '../../../harness/guests/payload-build.js';
import { projectRoot } from '../../../harness/paths.js';

/**
 * The Linux payload's hb.cpuup=pause (guests/linux/cpu_up.h) on the host, against a folder laid out
 * like /sys/devices/system/cpu (compiled in as HB_CPU_DIR): every offline CPU's online file gets
 * "1", the others are left alone, and a CPU that cannot be brought up is reported, not fatal.
 */
describe('@host the Linux payload bringing CPUs online (hb.cpuup=pause), on the host', function () {
  this.timeout(120_000);
  let dir: string;
  let payload: string;
  const cpus = () => join(dir, 'cpu');

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hb-cpuup-'));
    payload = join(dir, 'hb-payload');
    const sources = (await settingLines('linux', 'SOURCES')).map((s) => join('guests', s));
    const cflags = (await settingLines('linux', 'CFLAGS')).join(' ').split(/\s+/);
    await execa('gcc', [...cflags, `-DHB_CPU_DIR="${cpus()}"`, '-o', payload, ...sources], { cwd: projectRoot });
  });

  after(() => rm(dir, { recursive: true, force: true }));

  /** cpu0 without an online file (as on x86), then one folder per entry: its online file's text, or a link to it when it starts with '/'. */
  async function layout(online: string[]): Promise<void> {
    await rm(cpus(), { recursive: true, force: true });
    await mkdir(join(cpus(), 'cpu0'), { recursive: true });
    for (const [i, state] of online.entries()) {
      await mkdir(join(cpus(), `cpu${i + 1}`));
      if (state.startsWith('/')) await symlink(state, join(cpus(), `cpu${i + 1}`, 'online'));
      else await writeFile(join(cpus(), `cpu${i + 1}`, 'online'), state);
    }
  }

  const run = (...extra: string[]) =>
    execa(payload, ['--iterations', '5', '--warmup', '1', '--bench', 'syscall.null', '--data', join(dir, 'data.bin'), ...extra], { cwd: dir, reject: false });

  it('writes 1 to the online file of every offline CPU and says how many it brought up', async () => {
    // A write of "1" replaces the first byte (no truncation): "0\n" becomes "1\n"; cpu2 is online and keeps its text.
    await layout(['0\n', '1 online already\n', '0\n']);
    const { exitCode, stderr } = await run('--cpuup', 'pause');
    expect(exitCode, stderr).to.equal(0);
    expect(stderr).to.match(/hb: brought 2 CPU\(s\) online/);
    expect(await Promise.all([1, 2, 3].map((i) => readFile(join(cpus(), `cpu${i}`, 'online'), 'utf8')))).to.deep.equal(['1\n', '1 online already\n', '1\n']);
  });

  it('leaves the CPUs alone without hb.cpuup', async () => {
    await layout(['0\n']);
    const { exitCode, stderr } = await run();
    expect(exitCode, stderr).to.equal(0);
    expect(stderr).not.to.contain('online');
    expect(await readFile(join(cpus(), 'cpu1', 'online'), 'utf8')).to.equal('0\n');
  });

  it('reports a CPU it cannot bring up and runs the benchmarks all the same', async () => {
    // /dev/full reads as NUL bytes (not "1", so offline) and refuses every write with ENOSPC.
    await layout(['/dev/full']);
    const { exitCode, stderr } = await run('--cpuup', 'pause');
    expect(exitCode, stderr).to.equal(0);
    expect(stderr).to.match(/hb: bringing CPUs online: writing 1 to .*cpu1\/online: No space left on device; benchmarks that need them are skipped/);
    expect(stderr).to.match(/hb: syscall\.null: 5 samples/);
  });

  it('refuses a method it does not know', async () => {
    const { exitCode, stderr } = await run('--cpuup', 'hotplug');
    expect(exitCode).to.equal(2);
    expect(stderr).to.contain("cpuup: 'hotplug' is not a known method (known: pause)");
  });
});
