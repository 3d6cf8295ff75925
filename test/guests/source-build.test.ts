import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileTail, runLoggedStep } from '../../harness/guests/source-build.js';

describe('source builds: logged steps', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hb-source-build-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("appends a step's stdout and stderr to its log, not to memory", async () => {
    const logFile = join(dir, 'build.log');
    await writeFile(logFile, 'earlier step\n');
    await runLoggedStep({ what: 'a step', file: 'sh', args: ['-c', 'echo out; echo err >&2'], cwd: dir, env: { PATH: process.env.PATH }, logFile });
    const log = await readFile(logFile, 'utf8');
    expect(log.split('\n').filter(Boolean).sort()).to.deep.equal(['earlier step', 'err', 'out']);
  });

  it("fails naming the step and the log, with the log's last lines (the build's error)", async () => {
    const logFile = join(dir, 'build.log');
    const script = 'i=0; while [ $i -lt 5000 ]; do echo "line $i"; i=$((i+1)); done; echo "*** Failed target: dependall-llvm" >&2; exit 2';
    const failed = await runLoggedStep({ what: "build.sh to build MINIX's tools", file: 'sh', args: ['-c', script], cwd: dir, env: { PATH: process.env.PATH }, logFile }).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(failed?.message).to.match(/^expected build\.sh to build MINIX's tools to succeed, it failed \(log .*build\.log\); its last output:\n/);
    expect(failed?.message).to.contain('*** Failed target: dependall-llvm').and.to.contain('line 4999').and.not.to.contain('line 4900\n');
    expect(failed?.cause).to.be.an('error');
  });

  it('reads at most the last 64 KiB of a long log for its tail', async () => {
    const logFile = join(dir, 'long.log');
    await writeFile(logFile, `${'x'.repeat(200 * 1024)}\nfirst\nsecond\n`);
    expect(await fileTail(logFile, 2)).to.equal('first\nsecond');
    expect((await fileTail(logFile, 1000)).length).to.be.at.most(64 * 1024);
  });
});
