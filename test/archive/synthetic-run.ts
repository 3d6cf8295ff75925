import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Manifest } from '../../harness/rundir/manifest.js';
import { loadConfig } from '../../harness/config/index.js';
import { guestFigures } from '../../harness/analysis/guest-figures.js';
import type { BootStream } from '../../harness/analysis/figure-samples.js';
import { writeRunOutputs } from '../../harness/report/write.js';
import { readDataChannel } from '../../harness/wire/data-channel.js';
import { sampleStream } from '../wire/encode.js';
import type { AnatomyDocument } from '../../harness/analysis/anatomy.js';

export const SYNTHETIC_RUN_ID = '2026-01-02T03-04-05Z-synthetic-abc123';

/** Deterministic, slightly noisy samples, different per boot. */
function values(boot: number, length: number): number[] {
  return Array.from({ length }, (_, i) => 300 + boot * 3 + ((i * 37 + boot * 11) % 23));
}

/**
 * A run directory as the runner would leave it after one Linux guest booted twice under
 * tcg-icount, built without QEMU: data.bin from the test wire encoder, the reports written by the
 * runner's own writer from figures computed the runner's way, so regenerating them matches. With
 * `anatomy`, the guest has that anatomy document too, recorded in the manifest.
 */
export async function writeSyntheticRun(
  root: string,
  options: { complete?: boolean; os?: 'linux' | 'linux-disk'; anatomy?: AnatomyDocument; samplesPerBoot?: number } = {},
): Promise<string> {
  // The config's iterations: every boot sends that many samples of its one benchmark.
  const iterations = options.samplesPerBoot ?? 60;
  // `linux-disk`: a run from before os, reach and variant were kept apart, which recorded the
  // earlier spelling in its config copy and manifest (the payload's STREAM_BEGIN says linux either way).
  const os = options.os ?? 'linux';
  const runDir = join(root, SYNTHETIC_RUN_ID);
  await mkdir(runDir, { recursive: true });
  const configText = stringify({
    accel: 'tcg-icount',
    resultsDir: root,
    cacheDir: join(root, '.cache'),
    bootstrap: { resamples: 200, seed: 7 },
    guests: [{ name: 'linux', os, vcpus: 1, benchmarks: { iterations, warmup: 10, boots: 2 } }],
  });
  await writeFile(join(runDir, 'config.yaml'), configText);
  const config = await loadConfig(join(runDir, 'config.yaml'), { hostCpus: 64 });

  const streams: BootStream[] = [];
  const boots: Manifest['guests'][number]['boots'] = [];
  for (const boot of [1, 2]) {
    const bytes = sampleStream(values(boot, iterations));
    const bootDir = join(runDir, 'guests', 'linux', `boot-${boot}`);
    await mkdir(bootDir, { recursive: true });
    await writeFile(join(bootDir, 'data.bin'), bytes);
    await writeFile(join(bootDir, 'console.log'), `[    0.000000] Linux version 6.1 (synthetic boot ${boot})\nhb: done\n`);
    streams.push({ guest: 'linux', boot, stream: readDataChannel(bytes).stream });
    boots.push({
      boot,
      status: 'done',
      argv: ['qemu-system-x86_64', '-accel', 'tcg,icount=shift=0'],
      hostAffinity: [],
      guestInfo: streams.at(-1)!.stream.info,
      guestAffinity: {},
      qemuExit: { exitCode: 0 },
      seconds: 1.5,
      dataBytes: bytes.length,
    });
  }
  const complete = options.complete ?? true;
  const manifest: Manifest = {
    schemaVersion: 1,
    runId: SYNTHETIC_RUN_ID,
    complete,
    startedAt: '2026-01-02T03:04:05.678Z',
    ...(complete ? { finishedAt: '2026-01-02T03:04:09.000Z' } : {}),
    command: ['/checkout/bin/harness.js', 'run', '/configs/synthetic.yaml'],
    host: { hostname: 'testhost', kernel: 'Linux 6.1', cpuModel: 'Test CPU', cpuFlags: ['tsc'], logicalCpus: 2, memoryBytes: 2 ** 33 },
    project: { commit: '0123456789abcdef0123456789abcdef01234567', dirty: false, nodeVersion: 'v20.0.0' },
    config: { file: '/configs/synthetic.yaml', sha256: config.sha256, copy: 'config.yaml' },
    accel: { requested: 'tcg-icount', chosen: 'tcg-icount', reason: 'tcg-icount was asked for' },
    bootstrap: { resamples: 200, seed: 7, method: 'percentile bootstrap of the median' },
    guests: [
      {
        name: 'linux',
        os,
        status: complete ? 'done' : 'failed',
        ...(complete ? {} : { reason: 'boot 3 timed out (synthetic)' }),
        accel: 'tcg-icount',
        vcpusConfigured: 1,
        vcpusUsed: 1,
        qemuVersion: 'QEMU emulator version 7.2.0',
        provenance: { kernelPackage: 'linux-image-test', kernelSha256: 'ab'.repeat(32) },
        boots,
        ...(options.anatomy ? { anatomy: { metrics: options.anatomy.metrics.length } } : {}),
      },
    ],
  };
  // As the anatomy boot writes it (harness/executor/run-guest.ts), before the reports that read it.
  if (options.anatomy) await writeFile(join(runDir, 'guests', 'linux', 'anatomy.json'), `${JSON.stringify(options.anatomy, null, 1)}\n`);
  const figures = guestFigures({ name: 'linux', os }, 'tcg-icount', streams, config);
  await writeRunOutputs(runDir, {
    manifest,
    results: figures.results,
    skipped: streams.flatMap((s) => s.stream.skipped.map((k) => ({ guest: 'linux', metric: k.metric, reason: k.reason }))),
    failed: [...figures.failed, ...(complete ? [] : [{ guest: 'linux', reason: 'boot 3 timed out (synthetic)' }])],
    peers: figures.peers,
    streams,
    bootstrap: config.bootstrap,
    baseline: config.report.baseline,
  });
  return runDir;
}
