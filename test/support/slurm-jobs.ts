import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobRecord, Manifest } from '../../harness/rundir/manifest.js';
import { loadConfig } from '../../harness/config/index.js';
import { jobDirectory } from '../../harness/executor/gather.js';
import type { HostInfo } from '../../harness/host/info.js';
import { planJobs } from '../../harness/jobs/plan.js';
import type { Accel } from '../../harness/units.js';
import { writeTempConfig } from './temp-config.js';
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
export async function slurmRunWithTwoJobs(dir: string, accel: Accel, cpus: [string, string], values: [number[], number[]]) {
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
