import { expect } from 'chai';
import { execa } from 'execa';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SlurmConfig } from '../../../harness/config/types.js';
import { batchScript, groupSubmissions, logFile, parseSubmitted, sbatchArgv, slurmJobId } from '../../../harness/executor/slurm/sbatch.js';

const defaults: SlurmConfig = { exclusive: true, timeMinutes: 120, array: true, pollSeconds: 5, extraArgs: [] };

describe('sbatch submissions', () => {
  it('groups jobs that ask for the same resources into one array, and keeps the rest apart', () => {
    const jobs = [
      { index: 0, cpus: 2, memoryMiB: 1536 },
      { index: 1, cpus: 1, memoryMiB: 1280 },
      { index: 2, cpus: 2, memoryMiB: 1536 },
    ];
    expect(groupSubmissions(jobs, true)).to.deep.equal([
      { indices: [0, 2], cpus: 2, memoryMiB: 1536 },
      { indices: [1], cpus: 1, memoryMiB: 1280 },
    ]);
    expect(groupSubmissions(jobs, false).map((s) => s.indices)).to.deep.equal([[0], [1], [2]]);
  });

  it("asks for the whole node by default, or for the guest's CPUs and memory when not exclusive", () => {
    const submission = { indices: [0, 2], cpus: 2, memoryMiB: 1536 };
    expect(sbatchArgv(defaults, submission, { jobName: 'harness-r', logDir: '/runs/r/jobs/logs' })).to.deep.equal([
      '--parsable',
      '--job-name=harness-r',
      '--time=120',
      '--nodes=1',
      '--ntasks=1',
      '--exclusive',
      '--array=0,2',
      '--output=/runs/r/jobs/logs/slurm-%A_%a.out',
    ]);
    const shared = {
      ...defaults,
      exclusive: false,
      array: false,
      partition: 'bench',
      constraint: 'skylake|icelake',
      account: 'lab',
      qos: 'long',
      extraArgs: ['--reservation=r1'],
    };
    expect(sbatchArgv(shared, { indices: [1], cpus: 1, memoryMiB: 1280 }, { jobName: 'h', logDir: '/l' })).to.deep.equal([
      '--parsable',
      '--job-name=h',
      '--time=120',
      '--nodes=1',
      '--ntasks=1',
      '--cpus-per-task=1',
      '--mem=1280M',
      '--partition=bench',
      '--constraint=skylake|icelake',
      '--account=lab',
      '--qos=long',
      '--output=/l/slurm-%j.out',
      '--reservation=r1',
    ]);
  });

  it('names each job and its log by Slurm id as --output does', () => {
    expect(slurmJobId('41', 3, true)).to.equal('41_3');
    expect(slurmJobId('41', 3, false)).to.equal('41');
    expect(logFile('/l', '41', 3, true)).to.equal('/l/slurm-41_3.out');
    expect(logFile('/l', '41', 3, false)).to.equal('/l/slurm-41.out');
    expect(parseSubmitted('41\n')).to.equal('41');
    expect(parseSubmitted('41;cluster-a\n')).to.equal('41');
    expect(() => parseSubmitted('sbatch: error: Batch job submission failed')).to.throw(/expected sbatch --parsable to print a job id, got "sbatch: error/);
  });

  it('writes a batch script that sh runs as `harness job RUN_DIR --index I`, quoting paths with spaces and quotes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sbatch-script-'));
    try {
      // A stand-in "node" that prints its arguments, one per line.
      const node = join(dir, "no'de x");
      await writeFile(node, '#!/bin/sh\nfor a in "$@"; do echo "$a"; done\n', { mode: 0o755 });
      const command = { node, harness: '/opt/h/bin/harness.js', runDir: "/runs/it's here" };
      const arrayed = batchScript(command, { indices: [0, 4], cpus: 1, memoryMiB: 1 }, true);
      const single = batchScript(command, { indices: [4], cpus: 1, memoryMiB: 1 }, false);
      const run = async (script: string) => (await execa('sh', ['-c', script], { env: { SLURM_ARRAY_TASK_ID: '4' } })).stdout.split('\n');
      const expected = ['/opt/h/bin/harness.js', 'job', "/runs/it's here", '--index', '4'];
      expect(await run(arrayed)).to.deep.equal(expected);
      expect(await run(single)).to.deep.equal(expected);
      expect(single).to.not.contain('SLURM_ARRAY_TASK_ID');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
