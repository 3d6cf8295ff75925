import { expect } from 'chai';
import type { BootStream } from '../../harness/analysis/figure-samples.js';
import { csvField } from '../../harness/report/results-csv.js';
import { samplesCsv } from '../../harness/report/samples-csv.js';
import type { RawBenchmark } from '../../harness/wire/stream.js';

/** The line-per-string version samples.csv was written with before. */
function joinedLines(streams: readonly BootStream[]): string {
  const lines = ['guest,boot,metric,index,raw_ticks'];
  for (const { guest, boot, stream } of streams) {
    for (const bench of stream.benchmarks) {
      const prefix = `${csvField(guest)},${boot},${csvField(bench.metric)},`;
      bench.samples.forEach((value, index) => lines.push(`${prefix}${index},${value}`));
    }
  }
  return lines.join('\n') + '\n';
}

function bench(metric: string, samples: Uint32Array | Float64Array): RawBenchmark {
  return {
    metric,
    mechanism: 'm',
    unit: 'tsc-ticks',
    iterations: samples.length,
    warmup: 0,
    opsPerSample: 1,
    vcpus: '0',
    affinity: '0',
    timerOverhead: 0,
    timerOverheadAfter: 0,
    samples,
  };
}

describe('samples.csv', () => {
  it('writes the text a line per sample joined would, across index digit boundaries and wide values', () => {
    const streams: BootStream[] = [
      {
        guest: 'linux',
        boot: 1,
        stream: {
          info: {},
          benchmarks: [
            bench(
              'syscall.null',
              Uint32Array.from({ length: 1001 }, (_, i) => (i * 7919) % 100_003),
            ),
            bench('ipc.roundtrip', Float64Array.from([0, 9, 10, 2 ** 32, 2 ** 53 - 1, 123_456_789_012])),
          ],
          skipped: [],
          failed: [],
          peers: [],
          complete: true,
        },
      },
      {
        guest: 'sel4, "quoted"',
        boot: 2,
        stream: { info: {}, benchmarks: [bench('x', new Uint32Array(0))], skipped: [], failed: [], peers: [], complete: true },
      },
    ];
    expect(samplesCsv(streams)).to.equal(joinedLines(streams));
  });
});
