/**
 * A run directory as the runner leaves it, with a synthetic data.bin of n samples encoded in the
 * real wire format (the tests' encoder, test/wire/encode.ts): one GNU Mach guest, one boot, two
 * benchmarks of n/2 samples each (so the cross-OS table takes a ratio of two medians). The samples
 * look like timer data: a floor, a few ticks of jitter, and a 1% tail of interrupts.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { sha256Hex } from '../../harness/hash.js';
import { join } from 'node:path';
import { createRandom } from '../../harness/stats/random.js';
import { encodeRecord, fields, samples } from '../../test/wire/encode.js';

/** Samples per SAMPLES record: at most 3 varint bytes each (values < 2^21) stays under the 64 KiB payload limit. */
const CHUNK = 16_384;

const INFO = { payload: 'hb-gnumach 1', guest_os: 'gnumach', kernel: 'GNU Mach (synthetic)', cpus_online: 1, timer: 'rdtscp+lfence', tsc_hz: 0 };

/** How the samples spread: `jitter` scales the exponential part (3 ticks by default, like icount data with a little noise). */
export interface SyntheticShape {
  jitter?: number;
  boots?: number;
}

function benchmarkRecords(
  metric: string,
  floor: number,
  count: number,
  random: () => number,
  jitterScale: number,
): [Parameters<typeof encodeRecord>[0], Buffer][] {
  const begin = fields({
    metric,
    mechanism: 'synthetic',
    unit: 'tsc-ticks',
    iterations: count,
    warmup: 0,
    ops_per_sample: 1,
    vcpus: '0',
    affinity: '0',
    timer_overhead: 20,
  });
  const records: [Parameters<typeof encodeRecord>[0], Buffer][] = [['BENCH_BEGIN', begin]];
  for (let first = 0; first < count; first += CHUNK) {
    const values = Array.from({ length: Math.min(CHUNK, count - first) }, () => {
      const jitter = Math.floor(-Math.log(1 - random()) * jitterScale);
      return floor + jitter + (random() < 0.01 ? Math.floor(random() * 5000) : 0);
    });
    records.push(['SAMPLES', samples(first, values)]);
  }
  records.push(['BENCH_END', fields({ metric, samples: count, timer_overhead_after: 20 })]);
  return records;
}

/** The data channel of one boot: n samples over two benchmarks. */
export function syntheticDataChannel(n: number, seed = 1, jitter = 3): Buffer {
  const random = createRandom(seed);
  const half = n / 2;
  const records = [
    ['STREAM_BEGIN', fields(INFO)] as [Parameters<typeof encodeRecord>[0], Buffer],
    ...benchmarkRecords('syscall.null', 400, half, random, jitter),
    ...benchmarkRecords('syscall.null.invalidtrap', 60, half, random, jitter),
    ['STREAM_END', fields({ benchmarks: 2 })] as [Parameters<typeof encodeRecord>[0], Buffer],
  ];
  return Buffer.concat(records.map(([type, payload], seq) => encodeRecord(type, seq, payload)));
}

function configYaml(iterations: number, boots: number): string {
  return [
    'accel: tcg-icount',
    'guests:',
    '  - name: gnumach',
    '    os: gnumach',
    '    vcpus: 1',
    '    memoryMiB: 512',
    '    pin: [0]',
    '    benchmarks:',
    `      boots: ${boots}`,
    `      iterations: ${iterations}`,
    '      warmup: 0',
    '      include: ["*"]',
    '    image:',
    '      package: gnumach-image-1.8-486',
    '',
  ].join('\n');
}

/** Writes the run directory (n samples per boot) and returns the bytes of its (first boot's) data.bin. */
export async function writeSyntheticRun(dir: string, n: number, shape: SyntheticShape = {}): Promise<number> {
  if (n % 2 !== 0) throw new RangeError(`expected an even sample count, got ${n}`);
  const boots = Array.from({ length: shape.boots ?? 1 }, (_, b) => b + 1);
  const sizes: number[] = [];
  for (const b of boots) {
    const data = syntheticDataChannel(n, b, shape.jitter);
    const bootDir = join(dir, 'guests', 'gnumach', `boot-${b}`);
    await mkdir(bootDir, { recursive: true });
    await writeFile(join(bootDir, 'data.bin'), data);
    sizes.push(data.length);
  }
  const config = configYaml(n / 2, boots.length);
  await writeFile(join(dir, 'config.yaml'), config);
  const runId = `bench-${n}`;
  const guestInfo = Object.fromEntries(Object.entries(INFO).map(([k, v]) => [k, String(v)]));
  const manifest = {
    schemaVersion: 1,
    runId,
    complete: true,
    startedAt: '2026-01-01T00:00:00.000Z',
    command: ['bench'],
    host: { hostname: 'bench', kernel: 'Linux', cpuModel: 'synthetic', cpuFlags: [], logicalCpus: 2, memoryBytes: 0 },
    project: { commit: 'bench', dirty: false, nodeVersion: process.version },
    // The copy's hash, as the runner records it: harness report checks the copy against it.
    config: { file: 'config.yaml', sha256: sha256Hex(config), copy: 'config.yaml' },
    accel: { requested: 'tcg-icount', chosen: 'tcg-icount', reason: 'synthetic' },
    bootstrap: { resamples: 2000, seed: 1, method: 'percentile bootstrap of the median' },
    guests: [
      {
        name: 'gnumach',
        os: 'gnumach',
        status: 'done',
        accel: 'tcg-icount',
        vcpusConfigured: 1,
        vcpusUsed: 1,
        boots: boots.map((boot) => ({
          boot,
          status: 'done',
          argv: [],
          hostAffinity: [],
          guestInfo,
          guestAffinity: {},
          seconds: 0,
          dataBytes: sizes[boot - 1]!,
        })),
      },
    ],
  };
  const results = { $schema: 'results.schema.json', schemaVersion: 2, runId, complete: true, results: [], skipped: [], failed: [], peers: [] };
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  return sizes[0]!;
}
