import { expect } from 'chai';
import { mkdir, mkdtemp, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { logTail, settle } from '../../../harness/executor/slurm/run.js';
import type { JobRecord } from '../../../harness/rundir/manifest.js';
import { slurmRunWithTwoJobs } from '../../support/slurm-jobs.js';

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

describe('a Slurm job that COMPLETED but cannot be gathered', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hb-slurm-settle-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is recorded failed, naming the file, while the run goes on with the jobs gathered', async () => {
    const { runDir, manifest, records } = await slurmRunWithTwoJobs(
      dir,
      'kvm',
      ['A', 'A'],
      [
        [100, 200, 300, 400, 500],
        [600, 700, 800, 900, 1000],
      ],
    );
    const [first, second] = records as [JobRecord, JobRecord];
    first.slurm = { jobId: '41_0', state: 'RUNNING', log: 'jobs/logs/slurm-41_0.out' };
    second.slurm = { jobId: '41_1', state: 'RUNNING', log: 'jobs/logs/slurm-41_1.out' };
    await settle(runDir, manifest, first, { jobId: '41_0', state: 'COMPLETED' }, 'RUNNING');
    expect(first.state).to.equal('done');
    // Between the two, the run's guest folder is replaced by a link out of the run: the second job cannot be moved there.
    const outside = join(dir, 'outside');
    await mkdir(outside);
    await rename(join(runDir, 'guests', 'linux'), join(outside, 'linux'));
    await symlink(join(outside, 'linux'), join(runDir, 'guests', 'linux'));
    await settle(runDir, manifest, second, { jobId: '41_1', state: 'COMPLETED' }, 'RUNNING');
    expect(second.state).to.equal('failed');
    expect(second.reason).to.equal(
      `Slurm job 41_1 COMPLETED, but expected ${join(runDir, 'guests/linux')} (the folder of guest linux in the run) to be a folder inside ${runDir}, got a symbolic link to ${join(outside, 'linux')}; log jobs/logs/slurm-41_1.out, ending:\n`,
    );
    expect(manifest.guests[0]!.boots.map((b) => [b.boot, b.job])).to.deep.equal([[1, 'linux.b1']]);
    expect(await readdir(join(outside, 'linux'))).to.deep.equal(['boot-1']);
  });
});
