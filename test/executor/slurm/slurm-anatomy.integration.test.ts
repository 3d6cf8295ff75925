import { expect } from 'chai';
import { access, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { AnatomyDocument } from '../../../harness/analysis/anatomy.js';
import type { Manifest } from '../../../harness/rundir/manifest.js';
import { HarnessProcess } from '../../support/processes.js';
import { slurmAvailable, startSlurmCluster, type SlurmCluster } from '../../support/slurm-cluster.js';
import { writeTempConfig } from '../../support/temp-config.js';

/**
 * `harness run --executor slurm --anatomy` on a real single-node Slurm: the flag reaches the jobs
 * (through the run's manifest, which `harness job` reads), the guest's last job does the anatomy
 * boot, and gathering it puts anatomy.json where a local run has it. GNU Mach under tcg-icount, cut
 * into two jobs by benchmark set: two timed boots and one anatomy boot.
 */
const CONFIG = {
  accel: 'tcg-icount',
  timeouts: { bootSeconds: 300, benchmarkSeconds: 300, shutdownSeconds: 30 },
  bootstrap: { resamples: 200, seed: 1 },
  executor: { split: { benchmarks: 'byInclude' }, slurm: { pollSeconds: 0.5 } },
  guests: [
    {
      name: 'gnumach',
      os: 'gnumach',
      vcpus: 1,
      memoryMiB: 256,
      benchmarks: { iterations: 200, warmup: 20, include: ['syscall.null', 'ipc.roundtrip.machmsg.thread.same'] },
    },
  ],
};

const readManifest = async (dir: string) => JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

describe('@guest harness run --executor slurm --anatomy on a real single-node Slurm', function () {
  this.timeout(20 * 60_000);
  let cluster: SlurmCluster | undefined;
  let dir: string | undefined;

  before(async function () {
    const why = slurmAvailable();
    if (why) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
    cluster = await startSlurmCluster();
  });

  after(async () => {
    await cluster?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("does the guest's anatomy boot in its last job and gathers its anatomy.json into the run directory", async () => {
    const config = await writeTempConfig(CONFIG);
    dir = config.dir;
    const run = new HarnessProcess(['run', config.file, '--executor', 'slurm', '--anatomy'], cluster!.env);
    const exit = await run.exited;
    expect(exit.code, run.stderr).to.equal(0);
    const runDir = run.events.find((e) => e.type === 'run-done')!.runDir as string;

    const manifest = await readManifest(runDir);
    expect(manifest.anatomy).to.equal(true);
    expect(manifest.executor!.jobs.map((j) => [j.id, j.state])).to.deep.equal([
      ['gnumach.s1', 'done'],
      ['gnumach.s2', 'done'],
    ]);
    // Each job was told, by the run's manifest; only the last did the boot.
    for (const job of ['gnumach.s1', 'gnumach.s2']) expect((await readManifest(join(runDir, 'jobs', job))).anatomy, job).to.equal(true);
    expect(await exists(join(runDir, 'jobs', 'gnumach.s1', 'guests', 'gnumach', 'anatomy-boot')), 'an anatomy boot by the first job').to.equal(false);

    const guestDir = join(runDir, 'guests', 'gnumach');
    const doc = JSON.parse(await readFile(join(guestDir, 'anatomy.json'), 'utf8')) as AnatomyDocument;
    expect([doc.format, doc.guest, doc.os]).to.deep.equal(['harness-anatomy/1', 'gnumach', 'gnumach']);
    // The last job's benchmark set (docs/anatomy.md).
    expect(doc.metrics.map((m) => m.metric)).to.deep.equal(['ipc.roundtrip.machmsg.thread.same']);
    expect(await exists(join(guestDir, 'anatomy-boot', 'anatomy.json')), "the plugin's own JSON").to.equal(true);
    expect(await exists(join(runDir, 'jobs', 'gnumach.s2', 'guests', 'gnumach', 'anatomy.json')), 'left in the job directory').to.equal(false);
    // The run's manifest names the document, so the reports read it.
    expect(manifest.guests.find((g) => g.name === 'gnumach')!.anatomy).to.deep.equal({ metrics: 1 });
    expect(await readFile(join(runDir, 'report.md'), 'utf8')).to.contain('## Cost anatomy');
  });
});
