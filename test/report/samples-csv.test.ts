import { expect } from 'chai';
import type { BootStream } from '../../harness/analysis/figure-samples.js';
import { csvField } from '../../harness/report/results-csv.js';
import { SAMPLES_CSV_CHUNK_BYTES, samplesCsv, samplesCsvChunks } from '../../harness/report/samples-csv.js';
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

function stream(benchmarks: RawBenchmark[]): BootStream['stream'] {
  return { info: {}, benchmarks, skipped: [], failed: [], peers: [], complete: true };
}

const joined = (chunks: Iterable<Uint8Array>) => Buffer.concat([...chunks]).toString('utf8');

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

  describe('in chunks', () => {
    const streams: BootStream[] = [
      {
        guest: 'linux',
        boot: 1,
        stream: stream([
          bench(
            'syscall.null',
            Uint32Array.from({ length: 3000 }, (_, i) => (i * 7919) % 100_003),
          ),
          // Not raw ticks, but what String() writes longest: the chunks must have room for them too.
          bench('odd', Float64Array.from([-0.0000012345678901234567, -1.2345678901234567e-308, 1e21, 0.5, -0, NaN, Infinity, 2 ** 53])),
        ]),
      },
      { guest: 'x'.repeat(300), boot: 2, stream: stream([bench('long prefix', Uint32Array.from([1, 22, 333]))]) },
      { guest: 'sel4', boot: 3, stream: stream([bench('empty', new Uint32Array(0))]) },
    ];

    for (const chunkBytes of [1, 50, 100, 4096, SAMPLES_CSV_CHUNK_BYTES]) {
      it(`of ${chunkBytes} bytes: the same bytes as the whole-string output, each chunk no larger than needed`, () => {
        const chunks = [...samplesCsvChunks(streams, chunkBytes)];
        expect(joined(chunks)).to.equal(joinedLines(streams));
        // A chunk holds at least one line (so tiny chunk sizes give one line each), else at most chunkBytes.
        const longestLine = Math.max(
          ...joinedLines(streams)
            .split('\n')
            .map((line) => line.length + 1),
        );
        for (const chunk of chunks) expect(chunk.length).to.be.at.most(Math.max(chunkBytes, longestLine + 64));
        expect(chunks.every((chunk) => chunk.length > 0)).to.equal(true);
      });
    }

    it('splits a large benchmark into many chunks of about the chunk size, and can be iterated again', () => {
      const big: BootStream[] = [
        {
          guest: 'g',
          boot: 1,
          stream: stream([
            bench(
              'm',
              Uint32Array.from({ length: 100_000 }, (_, i) => i * 31),
            ),
          ]),
        },
      ];
      const chunks = samplesCsvChunks(big, 64 * 1024);
      const first = [...chunks];
      expect(first.length).to.be.above(10);
      for (const chunk of first.slice(0, -1)) expect(chunk.length).to.be.within(64 * 1024 - 100, 64 * 1024);
      expect(joined(chunks)).to.equal(joined(first));
      expect(joined(first)).to.equal(joinedLines(big));
      expect(samplesCsv(big)).to.equal(joinedLines(big));
    });

    it('gives the header alone for no streams', () => {
      expect(joined(samplesCsvChunks([], 1))).to.equal('guest,boot,metric,index,raw_ticks\n');
    });
  });
});
