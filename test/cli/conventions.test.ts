import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { expect } from 'chai';
import { execa } from 'execa';

import { ExitCode } from '../../harness/cli/exit-codes.js';
import { projectRoot } from '../../harness/paths.js';

// The package's own bin, as `npx harness` runs it (npm test compiles dist/ first).
const harness = (args: string[]) => execa('node', [join(projectRoot, 'bin', 'harness.js'), ...args], { reject: false, cwd: projectRoot });

describe('CLI conventions', function () {
  this.timeout(60_000);

  it('exits 2 with the help on stderr when no command is given (a usage error)', async () => {
    const result = await harness([]);
    expect(result.exitCode).to.equal(ExitCode.USAGE);
    expect(result.stdout).to.equal('');
    expect(result.stderr).to.match(/^Usage: harness \[options\] \[command\]/);
    expect(result.stderr).to.include('Exit codes:');
  });

  it('exits 0 for --help and `help`', async () => {
    expect((await harness(['--help'])).exitCode).to.equal(ExitCode.OK);
    expect((await harness(['help'])).exitCode).to.equal(ExitCode.OK);
  });

  it("prints package.json's version for --version and -V, and exits 0", async () => {
    const { version } = JSON.parse(await readFile(join(projectRoot, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const result = await harness([flag]);
      expect(result.exitCode, result.stderr).to.equal(ExitCode.OK);
      expect(result.stdout).to.equal(version);
    }
  });

  const missing: { args: string[]; what: string }[] = [
    { args: ['run', '--resume', 'no-such-run'], what: 'a run directory to resume at no-such-run' },
    { args: ['report', 'no-such-run'], what: 'a run directory at no-such-run' },
    { args: ['archive', 'no-such-run'], what: 'a run directory at no-such-run' },
    { args: ['verify', 'no-such.tar.gz'], what: 'an archive written by harness archive at no-such.tar.gz' },
    { args: ['compare', 'no-such-run', '--guests', 'a,b'], what: 'a run directory (runA) at no-such-run' },
  ];
  for (const c of missing) {
    it(`exits 2 naming the file for \`harness ${c.args.join(' ')}\` (nothing at that path), as for a missing config`, async () => {
      const result = await harness(c.args);
      expect(result.exitCode, result.stderr).to.equal(ExitCode.USAGE);
      expect(result.stderr).to.match(new RegExp(`^harness: expected ${c.what.replace(/[()]/g, '\\$&')}, got no such file or directory \\(${projectRoot}/`));
    });
  }

  it('exits 2 naming the file for a config that does not exist', async () => {
    const result = await harness(['run', 'no-such.yaml']);
    expect(result.exitCode).to.equal(ExitCode.USAGE);
    expect(result.stderr).to.include(`${join(projectRoot, 'no-such.yaml')}: (file): expected a readable YAML file, got no such file`);
  });
});
