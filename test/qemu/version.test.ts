import { expect } from 'chai';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { ExitCode } from '../../harness/cli/exit-codes.js';
import { HostToolError } from '../../harness/errors/host-tool-error.js';
import { projectRoot } from '../../harness/paths.js';
import { checkQemu, MIN_QEMU_VERSION, parseQemuVersion } from '../../harness/qemu/version.js';
import { HARNESS_BIN } from '../support/processes.js';
import { writeTempConfig } from '../support/temp-config.js';

/** A directory holding a fake `qemu-system-x86_64` that prints `text` for --version and exits with `code`. */
async function fakeQemu(text: string, code = 0): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hb-fake-qemu-'));
  const script = join(dir, 'qemu-system-x86_64');
  await writeFile(script, `#!/bin/sh\nprintf '%s\\n' '${text}'\nexit ${code}\n`);
  await chmod(script, 0o755);
  return dir;
}

describe('QEMU version check', function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('reads the version from `--version`', () => {
    expect(parseQemuVersion('QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\nCopyright')).to.deep.equal({
      version: '7.2.22',
      major: 7,
      minor: 2,
    });
    expect(parseQemuVersion('QEMU emulator version 10.0')).to.deep.equal({ version: '10.0', major: 10, minor: 0 });
    expect(parseQemuVersion('something else')).to.equal(undefined);
    expect(MIN_QEMU_VERSION).to.deep.equal([7, 2]);
  });

  it('@host accepts the installed QEMU', async () => {
    expect(await checkQemu('qemu-system-x86_64')).to.match(/^QEMU emulator version \d+\.\d+/);
  });

  it('refuses a QEMU older than 7.2, naming expected, got and where it was found', async () => {
    const dir = await fakeQemu('QEMU emulator version 6.2.0 (Debian 1:6.2+dfsg-2ubuntu6)');
    dirs.push(dir);
    let error: Error | undefined;
    await checkQemu('qemu-system-x86_64', `${dir}${delimiter}${process.env.PATH}`).catch((e: Error) => (error = e));
    expect(error?.name).to.equal('QemuUnavailableError');
    expect(error).to.be.instanceOf(HostToolError).and.to.include({ tool: 'qemu-system-x86_64' });
    expect(error?.message).to.equal(
      `expected QEMU 7.2 or later, got 6.2.0 (${join(dir, 'qemu-system-x86_64')} --version: "QEMU emulator version 6.2.0 (Debian 1:6.2+dfsg-2ubuntu6)"); install QEMU 7.2 or later (Debian 12 has 7.2)`,
    );
    await checkQemu('qemu-system-x86_64', dir).catch((e: Error) => (error = e));
    expect(error?.message).to.match(/^expected QEMU 7\.2 or later, got 6\.2\.0/);
  });

  it('refuses a binary that does not say it is QEMU, or fails', async () => {
    const odd = await fakeQemu('not an emulator');
    const failing = await fakeQemu('broken', 3);
    dirs.push(odd, failing);
    let error: Error | undefined;
    await checkQemu('qemu-system-x86_64', odd).catch((e: Error) => (error = e));
    expect(error?.message).to.equal(`expected ${join(odd, 'qemu-system-x86_64')} --version to print "QEMU emulator version X.Y", got "not an emulator"`);
    await checkQemu('qemu-system-x86_64', failing).catch((e: Error) => (error = e));
    expect(error?.message).to.match(/--version to print a QEMU version, got .*exit code 3/);
  });

  it('refuses when QEMU is not on PATH', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'hb-no-qemu-'));
    dirs.push(empty);
    let error: Error | undefined;
    await checkQemu('qemu-system-x86_64', empty).catch((e: Error) => (error = e));
    expect(error?.message).to.equal(
      `expected qemu-system-x86_64 (QEMU 7.2 or later) on PATH, got none: install QEMU (Debian: apt-get install qemu-system-x86) or put it on PATH (PATH=${empty})`,
    );
  });

  describe('harness run (the CLI)', () => {
    const run = async (path: string) => {
      const { dir, file } = await writeTempConfig({ accel: 'tcg-icount', guests: [{ name: 'linux', os: 'linux', vcpus: 1 }] });
      dirs.push(dir);
      const result = await execa(process.execPath, [HARNESS_BIN, 'run', file], { reject: false, cwd: projectRoot, env: { ...process.env, PATH: path } });
      const results = await readdir(join(dir, 'results')).catch(() => [] as string[]);
      return { result, results };
    };

    it('refuses an old QEMU before writing or booting anything, exit code 3 (host tool)', async () => {
      const fake = await fakeQemu('QEMU emulator version 5.2.0');
      dirs.push(fake);
      const { result, results } = await run(`${fake}${delimiter}${process.env.PATH}`);
      expect(result.exitCode, result.stderr).to.equal(ExitCode.HOST_TOOL);
      expect(result.stderr).to.match(/^harness: expected QEMU 7\.2 or later, got 5\.2\.0 \(/m);
      expect(result.stderr).not.to.match(/booting/);
      expect(results).to.deep.equal([]);
    });

    it('refuses when no QEMU is on PATH, exit code 3 (host tool)', async () => {
      const empty = join(await mkdtemp(join(tmpdir(), 'hb-no-qemu-')), 'bin');
      await mkdir(empty);
      dirs.push(join(empty, '..'));
      const { result, results } = await run(empty);
      expect(result.exitCode, result.stderr).to.equal(ExitCode.HOST_TOOL);
      expect(result.stderr).to.contain('harness: expected qemu-system-x86_64 (QEMU 7.2 or later) on PATH, got none');
      expect(results).to.deep.equal([]);
    });
  });
});
