import { expect } from 'chai';
import { execa } from 'execa';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Manifest } from '../../../harness/rundir/manifest.js';
import { regenerateRunFiles } from '../../../harness/report/regenerate.js';
import { contentText } from '../../../harness/report/run-file-content.js';
import { HarnessProcess } from '../../support/processes.js';
import { clusterProcesses, slurmAvailable, startSlurmCluster, type SlurmCluster } from '../../support/slurm-cluster.js';
import { writeTempConfig } from '../../support/temp-config.js';

/**
 * Issue 9: `harness run --executor slurm` against a real single-node Slurm (slurmctld and slurmd on
 * loopback with their own munge, started and stopped here). The matrix is one Linux guest cut into
 * three jobs by benchmark set; under tcg-icount its figures are deterministic, so the Slurm run, the
 * same config run locally and a cancelled-then-resumed Slurm run must give the same medians.
 */

const CONFIG = {
  accel: 'tcg-icount',
  timeouts: { bootSeconds: 120, benchmarkSeconds: 60, shutdownSeconds: 30 },
  bootstrap: { resamples: 300, seed: 3 },
  executor: { split: { benchmarks: 'byInclude' }, slurm: { pollSeconds: 0.5 } },
  guests: [
    {
      name: 'linux',
      os: 'linux',
      vcpus: 1,
      memoryMiB: 256,
      benchmarks: { iterations: 300, warmup: 30, include: ['syscall.null', 'ipc.roundtrip.futex.thread.same', 'ctxswitch.yield'] },
    },
  ],
};

type Doc = {
  complete: boolean;
  results: Array<{ guest: string; metric: string; median: number; n: number }>;
  failed: Array<{ guest: string; reason: string }>;
};
const readDoc = async (runDir: string) => JSON.parse(await readFile(join(runDir, 'results.json'), 'utf8')) as Doc;
const readManifest = async (runDir: string) => JSON.parse(await readFile(join(runDir, 'manifest.json'), 'utf8')) as Manifest;
const medians = (doc: Doc) => Object.fromEntries(doc.results.map((r) => [`${r.guest} ${r.metric}`, r.median]));

/** Every file of a run directory, relative, but for the Slurm jobs' own folder. */
async function layout(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  const files: string[] = [];
  for (const entry of entries) {
    if (entry === 'jobs' || entry.startsWith('jobs/')) continue;
    if ((await stat(join(dir, entry))).isFile()) files.push(entry);
  }
  return files.sort();
}

describe('@guest harness run --executor slurm on a real single-node Slurm', function () {
  this.timeout(20 * 60_000);
  let cluster: SlurmCluster | undefined;
  let file: string;
  let dir: string;
  let local: { runDir: string; doc: Doc };

  before(async function () {
    const why = slurmAvailable();
    if (why) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
    ({ dir, file } = await writeTempConfig(CONFIG));
    cluster = await startSlurmCluster();
    // The reference: the same config, run here by the local executor.
    const run = new HarnessProcess(['run', file]);
    const exit = await run.exited;
    expect(exit.code, run.stderr).to.equal(0);
    const done = run.events.find((e) => e.type === 'run-done')!;
    local = { runDir: done.runDir as string, doc: await readDoc(done.runDir as string) };
    expect(local.doc.results.map((r) => r.metric).sort()).to.deep.equal(['ctxswitch.yield', 'ipc.roundtrip.futex.thread.same', 'syscall.null']);
  });

  after(async () => {
    if (cluster) {
      const { stdout } = await execa('squeue', ['--noheader', '--format=%i %T'], { env: cluster.env });
      const left = clusterProcesses(cluster.dir);
      await cluster.stop();
      expect(stdout.trim(), 'Slurm jobs left in the queue after the tests').to.equal('');
      expect(
        left.filter((p) => p.comm === 'slurmstepd' || p.comm === 'qemu-system-x86'),
        'job processes left',
      ).to.deep.equal([]);
      expect(clusterProcesses(cluster.dir), 'daemons left after stop').to.deep.equal([]);
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('runs the three jobs as Slurm jobs and gathers them into a run equal to the local one', async () => {
    const run = new HarnessProcess(['run', file, '--executor', 'slurm'], cluster!.env);
    const exit = await run.exited;
    expect(exit.code, run.stderr).to.equal(0);
    const runDir = run.events.find((e) => e.type === 'run-done')!.runDir as string;
    const doc = await readDoc(runDir);
    expect(doc.complete).to.equal(true);
    expect(medians(doc)).to.deep.equal(medians(local.doc));
    expect(doc.results.map((r) => r.n)).to.deep.equal(local.doc.results.map((r) => r.n));

    const manifest = await readManifest(runDir);
    expect(manifest.executor?.kind).to.equal('slurm');
    const jobs = manifest.executor!.jobs;
    expect(jobs.map((j) => [j.id, j.state, j.slurm?.state])).to.deep.equal([
      ['linux.s1', 'done', 'COMPLETED'],
      ['linux.s2', 'done', 'COMPLETED'],
      ['linux.s3', 'done', 'COMPLETED'],
    ]);
    // One job array: ids N_0, N_1, N_2 of one submission.
    const arrayIds = jobs.map((j) => j.slurm!.jobId.split('_'));
    expect(arrayIds.map(([, task]) => task)).to.deep.equal(['0', '1', '2']);
    expect(new Set(arrayIds.map(([id]) => id)).size).to.equal(1);
    for (const job of jobs) {
      expect(job.host?.cpuModel, `${job.id}'s node CPU`).to.be.a('string').and.not.equal('');
      expect(job.slurm!.node).to.equal(cluster!.node);
      expect(job.accel).to.equal('tcg-icount');
      expect(await readFile(join(runDir, job.slurm!.log), 'utf8')).to.contain(`job ${job.id} done: 1 figure(s) in ${join(runDir, 'jobs', job.id)}`);
    }
    expect(manifest.guests[0]!.boots.map((b) => [b.boot, b.job])).to.deep.equal([
      [1, 'linux.s1'],
      [2, 'linux.s2'],
      [3, 'linux.s3'],
    ]);
    expect(manifest.accel.chosen).to.equal('tcg-icount');
    // The same run-directory layout as the local run (Slurm's logs and job manifests under jobs/ besides).
    expect(await layout(runDir)).to.deep.equal(await layout(local.runDir));
    // And the reports are those its raw data gives.
    for (const regenerated of await regenerateRunFiles(runDir)) {
      expect(contentText(regenerated.content), regenerated.name).to.equal(await readFile(join(runDir, regenerated.name), 'utf8'));
    }
  });

  it('reports jobs cancelled with scancel (one running, one pending) as cancelled, keeps the other, and --resume completes the run', async () => {
    const run = new HarnessProcess(['run', file, '--executor', 'slurm'], cluster!.env);
    // Exclusive jobs on one node run one at a time: while the second runs, the third is queued.
    await run.waitFor((e) => e.type === 'job-state' && e.job === 'linux.s2' && e.state === 'running', 180_000);
    const submitted = run.events.filter((e) => e.type === 'job-submitted');
    const ids = Object.fromEntries(submitted.map((e) => [e.job as string, e.slurmJobId as string]));
    // Cancelled once its guest boots, so the job is stopped mid-run (QEMU up), not before it starts.
    const runDirNow = run.events.find((e) => e.type === 'run-start')!.runDir as string;
    const log = join(runDirNow, submitted.find((e) => e.job === 'linux.s2')!.log as string);
    for (let i = 0; !(await readFile(log, 'utf8').catch(() => '')).includes('booting'); i++) {
      if (i > 1200) throw new Error(`expected ${log} to show the guest booting within 120 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await execa('scancel', [ids['linux.s2']!, ids['linux.s3']!], { env: cluster!.env });
    const exit = await run.exited;
    expect(exit.code, run.stderr).to.equal(1);
    const runDir = run.events.find((e) => e.type === 'run-done')!.runDir as string;
    const ended = (job: string) => run.events.filter((e) => e.type === 'job-state' && e.job === job).pop();
    // Running: Slurm says CANCELLED. Pending array task: Slurm drops it, and without accounting only its never having started tells.
    expect(ended('linux.s2'), JSON.stringify(ended('linux.s2'))).to.include({ state: 'cancelled', slurmState: 'CANCELLED' });
    expect(ended('linux.s3'), JSON.stringify(ended('linux.s3'))).to.include({ state: 'cancelled' });

    const doc = await readDoc(runDir);
    expect(doc.complete).to.equal(false);
    const reasons = doc.failed.map((f) => f.reason.split('\n')[0]!);
    expect(reasons, JSON.stringify(reasons)).to.have.length(2);
    expect(reasons[0]).to.match(new RegExp(`^job linux\\.s2 cancelled: Slurm job ${ids['linux.s2']!} CANCELLED`));
    expect(reasons[1]).to.match(new RegExp(`^job linux\\.s3 cancelled: Slurm job ${ids['linux.s3']!} (CANCELLED|left the queue without starting)`));
    // The job that ran is kept: its figure is the local run's.
    expect(medians(doc)).to.deep.equal({ 'linux syscall.null': medians(local.doc)['linux syscall.null'] });
    const report = await readFile(join(runDir, 'report.md'), 'utf8');
    expect(report).to.contain(`job linux.s2 cancelled: Slurm job ${ids['linux.s2']!} CANCELLED`).and.to.contain('job linux.s3 cancelled');
    const manifest = await readManifest(runDir);
    expect(manifest.executor!.jobs.map((j) => j.state)).to.deep.equal(['done', 'cancelled', 'cancelled']);
    // The job stopped mid-run wrote its own manifest, marked interrupted by the SIGTERM scancel sent.
    const own = await readManifest(join(runDir, 'jobs', 'linux.s2'));
    expect(own.interrupted?.signal).to.equal('SIGTERM');

    const resume = new HarnessProcess(['run', '--resume', runDir], cluster!.env);
    const resumed = await resume.exited;
    expect(resumed.code, resume.stderr).to.equal(0);
    // Only the missing jobs went to Slurm again.
    expect(resume.events.filter((e) => e.type === 'job-submitted').map((e) => e.job)).to.deep.equal(['linux.s2', 'linux.s3']);
    const final = await readDoc(runDir);
    expect(final.complete).to.equal(true);
    expect(final.failed).to.deep.equal([]);
    expect(medians(final)).to.deep.equal(medians(local.doc));
    const after = await readManifest(runDir);
    expect(after.executor!.jobs.map((j) => j.state)).to.deep.equal(['done', 'done', 'done']);
    expect(after.resumes?.[0]?.reused).to.deep.equal(['linux boot-1']);
    expect(after.guests[0]!.boots.map((b) => [b.boot, b.job, b.status])).to.deep.equal([
      [1, 'linux.s1', 'done'],
      [2, 'linux.s2', 'done'],
      [3, 'linux.s3', 'done'],
    ]);
    expect(after.executor!.jobs[1]!.slurm!.log).to.match(/^jobs\/logs\/slurm-\d+_1\.out$/);
  });

  it('cancels its jobs still in Slurm on SIGINT, marks the run interrupted, and --resume runs them again', async () => {
    const run = new HarnessProcess(['run', file, '--executor', 'slurm'], cluster!.env);
    await run.waitFor((e) => e.type === 'job-state' && e.job === 'linux.s1' && e.state === 'running', 180_000);
    run.kill('SIGINT');
    const exit = await run.exited;
    expect(exit.code, run.stderr).to.equal(130);
    const runDir = run.events.find((e) => e.type === 'run-start')!.runDir as string;
    const { stdout } = await execa('squeue', ['--noheader', '--array', '--states=PENDING,RUNNING,COMPLETING', '--format=%i %T'], { env: cluster!.env });
    expect(stdout.trim(), 'jobs of the interrupted run still in Slurm').to.equal('');
    const manifest = await readManifest(runDir);
    expect(manifest.interrupted?.signal).to.equal('SIGINT');
    expect(manifest.executor!.jobs.map((j) => j.state)).to.deep.equal(['interrupted', 'interrupted', 'interrupted']);
    expect(manifest.executor!.jobs[0]!.reason).to.equal('cancelled: the run was interrupted by SIGINT');

    const resume = new HarnessProcess(['run', '--resume', runDir], cluster!.env);
    const resumed = await resume.exited;
    expect(resumed.code, resume.stderr).to.equal(0);
    expect(resume.events.filter((e) => e.type === 'job-submitted').map((e) => e.job)).to.deep.equal(['linux.s1', 'linux.s2', 'linux.s3']);
    expect(medians(await readDoc(runDir))).to.deep.equal(medians(local.doc));
  });

  it("records jobs sbatch refuses (no such partition) as failed with sbatch's message, and exits 1", async () => {
    const { dir: other, file: refused } = await writeTempConfig({ ...CONFIG, executor: { ...CONFIG.executor, slurm: { partition: 'no-such-partition' } } });
    try {
      const run = new HarnessProcess(['run', refused, '--executor', 'slurm'], cluster!.env);
      const exit = await run.exited;
      expect(exit.code, run.stderr).to.equal(1);
      const runDir = run.events.find((e) => e.type === 'run-done')!.runDir as string;
      const doc = await readDoc(runDir);
      expect(doc.failed.map((f) => f.reason)).to.have.length(3);
      expect(doc.failed[0]!.reason).to.match(
        /^job linux\.s1 failed: not submitted: expected sbatch to accept the job \(sbatch .*--partition=no-such-partition.*\), got exit code 1: sbatch: error: .*[Ii]nvalid partition/,
      );
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});
