import { expect } from 'chai';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { logTail } from '../../../harness/executor/slurm/run.js';

describe("a Slurm job's log, as a failed job quotes it", () => {
  let runDir: string;
  beforeEach(async () => {
    runDir = await mkdtemp(join(tmpdir(), 'hb-slurm-log-'));
    await mkdir(join(runDir, 'jobs', 'logs'), { recursive: true });
  });
  afterEach(async () => {
    await rm(runDir, { recursive: true, force: true });
  });

  it('quotes the last lines of the log, indented', async () => {
    await writeFile(join(runDir, 'jobs/logs/slurm-1_0.out'), Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n'));
    expect(await logTail(runDir, 'jobs/logs/slurm-1_0.out')).to.equal(Array.from({ length: 8 }, (_, i) => `  | line ${i + 13}`).join('\n'));
    expect(await logTail(runDir, 'jobs/logs/none.out')).to.equal('');
  });

  it('names a log that is a link out of the run, a FIFO, or a path out of the run, reading none of them', async () => {
    const log = join(runDir, 'jobs/logs/slurm-1_0.out');
    await symlink('/etc/passwd', log);
    expect(await logTail(runDir, 'jobs/logs/slurm-1_0.out')).to.equal(
      `  | (not read: expected ${log} to lie inside the run directory ${runDir}, got a link to /etc/passwd)`,
    );
    await rm(log);
    await execa('mkfifo', [log]);
    const started = Date.now();
    expect(await logTail(runDir, 'jobs/logs/slurm-1_0.out')).to.equal(`  | (not read: expected ${log} (a Slurm job's log) to be a regular file, got a FIFO)`);
    expect(Date.now() - started).to.be.below(5000);
    // The log's path comes from the run's manifest, which may have been edited before a resume.
    expect(await logTail(runDir, '../../../etc/passwd')).to.equal(
      `  | (not read: expected a Slurm job's log to be a path inside the run directory ${runDir}, got "../../../etc/passwd")`,
    );
  });
});
