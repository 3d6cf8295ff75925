import { expect } from 'chai';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobRecord, Manifest } from '../../harness/rundir/manifest.js';
import { loadConfig } from '../../harness/config/index.js';
import { gatheredOutcome, gatherJob, jobDirectory, readFinishedJob } from '../../harness/executor/gather.js';
import type { HostInfo } from '../../harness/host/info.js';
import { planJobs } from '../../harness/jobs/plan.js';
import { regenerateRunFiles } from '../../harness/report/regenerate.js';
import { contentText } from '../../harness/report/run-file-content.js';
import { writeRunOutputs } from '../../harness/report/write.js';
import type { Accel } from '../../harness/units.js';
import { writeTempConfig } from '../support/temp-config.js';
import { sampleStream } from '../wire/encode.js';

const host = (cpuModel: string): HostInfo => ({
  hostname: cpuModel.split(' ')[0]!.toLowerCase(),
  kernel: 'Linux 6.1',
  cpuModel,
  cpuFlags: [],
  logicalCpus: 8,
  memoryBytes: 2 ** 34,
});

/**
 * A run directory whose two jobs (one boot each) ran on nodes `cpus[0]` and `cpus[1]` under `accel`,
 * left in jobs/ID/ as `harness job` leaves them, each boot's data a stream of one benchmark.
 */
async function slurmRunWithTwoJobs(dir: string, accel: Accel, cpus: [string, string], values: [number[], number[]]) {
  const { file } = await writeTempConfig({
    accel: 'auto',
    bootstrap: { resamples: 200, seed: 1 },
    executor: { kind: 'slurm', split: { bootsPerJob: 1 } },
    guests: [{ name: 'linux', os: 'linux', vcpus: 1, benchmarks: { boots: 2, iterations: 5, warmup: 10, include: ['*'] } }],
  });
  const config = await loadConfig(file);
  const runDir = join(dir, 'run');
  await mkdir(runDir, { recursive: true });
  await writeFile(join(runDir, 'config.yaml'), config.text);
  const records: JobRecord[] = planJobs(config).map((job) => ({ ...job, executor: 'slurm', state: 'running' }));
  const base = {
    schemaVersion: 1 as const,
    command: [],
    project: { commit: 'test', dirty: false, nodeVersion: process.version },
    config: { file, sha256: config.sha256, copy: 'config.yaml' },
    bootstrap: { resamples: 200, seed: 1, method: 'percentile bootstrap of the median' },
  };
  const manifest: Manifest = {
    ...base,
    runId: 'run-1',
    complete: false,
    startedAt: '2026-11-27T00:00:00Z',
    host: host('Submit Host CPU'),
    accel: { requested: 'auto' },
    executor: { kind: 'slurm', jobs: records },
    guests: [],
  };
  for (const [i, record] of records.entries()) {
    const data = sampleStream(values[i]);
    const bootDir = join(jobDirectory(runDir, record.id), 'guests', 'linux', `boot-${record.boots[0]}`);
    await mkdir(bootDir, { recursive: true });
    await writeFile(join(bootDir, 'data.bin'), data);
    const boot = {
      boot: record.boots[0]!,
      status: 'done' as const,
      argv: [],
      hostAffinity: [],
      guestInfo: {},
      guestAffinity: {},
      seconds: 1,
      dataBytes: data.length,
      job: record.id,
    };
    const job: Manifest = {
      ...base,
      runId: `run-1/${record.id}`,
      complete: true,
      startedAt: '2026-11-27T00:00:00Z',
      finishedAt: '2026-11-27T00:01:00Z',
      host: host(cpus[i]!),
      accel: { requested: 'auto', chosen: accel, reason: 'test' },
      executor: { kind: 'local', jobs: [{ ...record, executor: 'local', state: 'done', accel }] },
      guests: [
        {
          name: 'linux',
          os: 'linux',
          status: 'done',
          accel,
          vcpusConfigured: 1,
          vcpusUsed: 1,
          boots: [boot],
          qemuVersion: `QEMU 7.2.${i}`,
          hostConditions: {
            cpus: [0],
            governors: { 0: 'powersave' },
            turbo: undefined,
            smtSiblings: {},
            isolated: '',
            nohzFull: '',
            loadBefore: {},
            warnings: [`CPU 0 governor is powersave (${cpus[i]})`],
          },
        },
      ],
    };
    await writeFile(join(jobDirectory(runDir, record.id), 'manifest.json'), JSON.stringify(job));
  }
  return { runDir, manifest, config, records };
}

describe('gathering jobs into the run directory', () => {
  let dir: string;
  beforeEach(async () => {
    dir = (await writeTempConfig({ guests: [{ name: 'x', os: 'linux' }] })).dir;
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("moves each finished job's boots into guests/ and pools them when they ran on one CPU model", async () => {
    const { runDir, manifest, config, records } = await slurmRunWithTwoJobs(
      dir,
      'kvm',
      ['Intel Xeon Gold 6130', 'Intel Xeon Gold 6130'],
      [
        [100, 200, 300, 400, 500],
        [600, 700, 800, 900, 1000],
      ],
    );
    for (const record of records) {
      const job = await readFinishedJob(runDir, record.id);
      if (typeof job === 'string') throw new Error(job);
      await gatherJob(runDir, manifest, record, job);
    }
    expect(await readdir(join(runDir, 'guests', 'linux'))).to.deep.equal(['boot-1', 'boot-2']);
    expect(await readdir(join(jobDirectory(runDir, 'linux.b1'), 'guests', 'linux'))).to.deep.equal([]);
    expect(records.map((r) => [r.state, r.accel, r.host?.cpuModel])).to.deep.equal([
      ['done', 'kvm', 'Intel Xeon Gold 6130'],
      ['done', 'kvm', 'Intel Xeon Gold 6130'],
    ]);
    expect(manifest.guests[0]!.boots.map((b) => [b.boot, b.job])).to.deep.equal([
      [1, 'linux.b1'],
      [2, 'linux.b2'],
    ]);
    // Each node's QEMU and CPU conditions stay with its job; the guest shows every node's warnings.
    expect(records.map((r) => [r.qemuVersion, r.hostConditions?.warnings])).to.deep.equal([
      ['QEMU 7.2.0', ['CPU 0 governor is powersave (Intel Xeon Gold 6130)']],
      ['QEMU 7.2.1', ['CPU 0 governor is powersave (Intel Xeon Gold 6130)']],
    ]);
    expect(manifest.guests[0]!.hostConditions!.warnings).to.deep.equal([
      'CPU 0 governor is powersave (Intel Xeon Gold 6130)',
      'job linux.b2 on intel: CPU 0 governor is powersave (Intel Xeon Gold 6130)',
    ]);
    const outcome = await gatheredOutcome(runDir, manifest, config);
    expect(outcome.results.map((r) => [r.guest, r.metric, r.n, r.boots])).to.deep.equal([['linux', 'syscall.null', 10, 2]]);
    // Samples 100…1000 less the overhead of 20: the median of the ten.
    expect(outcome.results[0]!.median).to.equal(530);
  });

  it('never pools KVM figures from two CPU models: each model is its own guest in results and reports, and regenerates the same', async () => {
    const { runDir, manifest, config, records } = await slurmRunWithTwoJobs(
      dir,
      'kvm',
      ['Intel Xeon Gold 6130', 'AMD EPYC 7763'],
      [
        [100, 100, 100, 100, 100],
        [300, 300, 300, 300, 300],
      ],
    );
    for (const record of records) await gatherJob(runDir, manifest, record, (await readFinishedJob(runDir, record.id)) as Manifest);
    Object.assign(manifest, { complete: true, finishedAt: '2026-11-27T00:02:00Z' });
    const outcome = await gatheredOutcome(runDir, manifest, config);
    expect(outcome.results.map((r) => [r.guest, r.median, r.n])).to.deep.equal([
      ['linux [Intel Xeon Gold 6130]', 80, 5],
      ['linux [AMD EPYC 7763]', 280, 5],
    ]);
    expect([...new Set(outcome.streams.map((s) => s.guest))]).to.deep.equal(['linux [Intel Xeon Gold 6130]', 'linux [AMD EPYC 7763]']);
    await writeRunOutputs(runDir, { manifest, ...outcome, bootstrap: config.bootstrap });
    const report = await readFile(join(runDir, 'report.md'), 'utf8');
    expect(report).to.contain('## linux [Intel Xeon Gold 6130]').and.to.contain('## linux [AMD EPYC 7763]');
    expect(report).to.contain('Executor: Slurm, 2 job(s): 2 done; jobs per node: intel (Intel Xeon Gold 6130): 1; amd (AMD EPYC 7763): 1 (manifest.json');
    for (const file of await regenerateRunFiles(runDir)) {
      expect(contentText(file.content), file.name).to.equal(await readFile(join(runDir, file.name), 'utf8'));
    }
  });

  it('pools tcg-icount figures across CPU models, guest instructions not depending on the host', async () => {
    const { runDir, manifest, config, records } = await slurmRunWithTwoJobs(
      dir,
      'tcg-icount',
      ['Intel Xeon Gold 6130', 'AMD EPYC 7763'],
      [
        [100, 100, 100, 100, 100],
        [100, 100, 100, 100, 100],
      ],
    );
    for (const record of records) await gatherJob(runDir, manifest, record, (await readFinishedJob(runDir, record.id)) as Manifest);
    const outcome = await gatheredOutcome(runDir, manifest, config);
    expect(outcome.results.map((r) => [r.guest, r.n])).to.deep.equal([['linux', 10]]);
  });

  it('fails the guest for a job that failed on its node, and not once that job, resubmitted, succeeds', async () => {
    const { runDir, manifest, records } = await slurmRunWithTwoJobs(
      dir,
      'kvm',
      ['A', 'A'],
      [
        [1, 2, 3, 4, 5],
        [1, 2, 3, 4, 5],
      ],
    );
    const file = join(jobDirectory(runDir, records[1]!.id), 'manifest.json');
    const good = JSON.parse(await readFile(file, 'utf8')) as Manifest;
    const failedJob: Manifest = {
      ...good,
      executor: { kind: 'local', jobs: [{ ...good.executor!.jobs[0]!, state: 'failed', reason: 'expected a kernel package, got none' }] },
      guests: [{ ...good.guests[0]!, status: 'failed', reason: 'expected a kernel package, got none', boots: [] }],
    };
    await writeFile(file, JSON.stringify(failedJob));
    await gatherJob(runDir, manifest, records[0]!, (await readFinishedJob(runDir, records[0]!.id)) as Manifest);
    await gatherJob(runDir, manifest, records[1]!, (await readFinishedJob(runDir, records[1]!.id)) as Manifest);
    expect(records.map((r) => r.state)).to.deep.equal(['done', 'failed']);
    expect(manifest.guests[0]).to.include({ status: 'failed', reason: 'expected a kernel package, got none' });
    // Resubmitted (the run clears its reason on submission), it runs and is gathered again.
    delete records[1]!.reason;
    await writeFile(file, JSON.stringify(good));
    await gatherJob(runDir, manifest, records[1]!, (await readFinishedJob(runDir, records[1]!.id)) as Manifest);
    expect(records.map((r) => [r.state, r.reason])).to.deep.equal([
      ['done', undefined],
      ['done', undefined],
    ]);
    expect(manifest.guests[0]!.status).to.equal('done');
    expect(manifest.guests[0]!.reason).to.equal(undefined);
    expect(manifest.guests[0]!.boots.map((b) => b.boot)).to.deep.equal([1, 2]);
  });

  it('does not gather a job that never finished, and says why', async () => {
    const { runDir, records } = await slurmRunWithTwoJobs(
      dir,
      'kvm',
      ['A', 'A'],
      [
        [1, 2, 3, 4, 5],
        [1, 2, 3, 4, 5],
      ],
    );
    const file = join(jobDirectory(runDir, records[0]!.id), 'manifest.json');
    const job = JSON.parse(await readFile(file, 'utf8')) as Manifest;
    await writeFile(file, JSON.stringify({ ...job, finishedAt: undefined, interrupted: { signal: 'SIGTERM', at: 'x', reason: 'interrupted by SIGTERM' } }));
    expect(await readFinishedJob(runDir, records[0]!.id)).to.equal('the job was interrupted by SIGTERM');
    await rm(file);
    expect(await readFinishedJob(runDir, records[0]!.id)).to.equal(`expected the job's manifest at ${file}, got none`);
  });
});
