import { expect } from 'chai';
import { figureGroups } from '../../harness/analysis/figure-samples.js';
import { guestFigures } from '../../harness/analysis/guest-figures.js';
import { DEFAULT_METHODOLOGY, type RawBoot } from '../../harness/analysis/results.js';
import { createRandom } from '../../harness/stats/random.js';
import type { RawBenchmark } from '../../harness/wire/stream.js';

function raw(metric: string, samples: Uint32Array, opsPerSample = 1): RawBenchmark {
  return {
    metric,
    mechanism: 'm',
    unit: 'tsc-ticks',
    iterations: samples.length,
    warmup: 0,
    opsPerSample,
    vcpus: '0',
    affinity: '0',
    timerOverhead: 20,
    timerOverheadAfter: 21,
    samples,
  };
}

function boot(number: number, benchmarks: RawBenchmark[]): RawBoot {
  return { boot: number, stream: { info: {}, benchmarks, skipped: [], failed: [], peers: [], complete: true } };
}

const random = createRandom(9);
/** A settling start (so MSER-5 drops some), then timer-like noise. */
const ticks = (n: number, floor: number) =>
  Uint32Array.from({ length: n }, (_, i) => (i < 40 ? 3 * floor : floor + Math.floor(-Math.log(1 - random()) * 3) + (random() < 0.01 ? 900 : 0)));
const config = { bootstrap: { resamples: 100, seed: 1 }, methodology: DEFAULT_METHODOLOGY };
const numbers = (groups: readonly Float64Array[] | undefined) => groups?.map((g) => Array.from(g));

describe('the figures of a guest, with the values behind them', () => {
  it('keeps, for each figure, exactly the values figureGroups derives again from the raw samples: settled, sorted', () => {
    const boots = [boot(1, [raw('syscall.null', ticks(3000, 400), 2), raw('ipc', ticks(2000, 900))]), boot(2, [raw('syscall.null', ticks(2500, 410), 2)])];
    const figures = guestFigures({ name: 'linux', os: 'linux' }, 'tcg-icount', boots, config);
    expect(figures.results.map((r) => r.metric)).to.deep.equal(['syscall.null', 'ipc']);
    expect(figures.results[0]!.settling.dropped).to.be.above(0);
    figures.results.forEach((entry, i) => {
      const rawBoots = boots.flatMap((b) => b.stream.benchmarks.filter((x) => x.metric === entry.metric).map((x) => x.samples));
      expect(numbers(figures.groups[i]), entry.metric).to.deep.equal(numbers(figureGroups(entry, rawBoots)));
      for (const group of figures.groups[i]!) expect(Array.from(group)).to.deep.equal(Array.from(group).sort((a, b) => a - b));
    });
  });

  it('keeps none for a figure whose boots announced different operations per sample (figureGroups divides by the first)', () => {
    const boots = [boot(1, [raw('syscall.null', ticks(500, 400), 1)]), boot(2, [raw('syscall.null', ticks(500, 400), 2)])];
    expect(guestFigures({ name: 'linux', os: 'linux' }, 'tcg-icount', boots, config).groups).to.deep.equal([undefined]);
  });
});
