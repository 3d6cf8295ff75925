import { expect } from 'chai';
import { bootstrapMedianCi } from '../../harness/stats/bootstrap.js';
import { betweenBootSpread, createHierarchicalMedianSampler, hierarchicalBootstrapMedianCi, poolGroups } from '../../harness/stats/hierarchical.js';
import { median, quantile } from '../../harness/stats/quantile.js';
import { createRandom } from '../../harness/stats/random.js';
import { exponential, sample } from './synthetic.js';

/**
 * The textbook two-level resample, built and sorted: for each of B draws pick a boot, then draw
 * that boot's n values from it (sorted, as the implementation indexes them). Same stream order.
 */
function naiveHierarchicalMedians(groups: readonly (readonly number[])[], resamples: number, seed: number): number[] {
  const sortedGroups = groups.map((group) => [...group].sort((a, b) => a - b));
  const random = createRandom(seed);
  const medians: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const pooled: number[] = [];
    for (let b = 0; b < groups.length; b++) {
      const boot = sortedGroups[Math.floor(random() * groups.length)]!;
      for (let k = 0; k < boot.length; k++) pooled.push(boot[Math.floor(random() * boot.length)]!);
    }
    medians.push(median(pooled.sort((a, b) => a - b)));
  }
  return medians;
}

/** Unequal boots with ties and a shift between boots. */
const uneven = [[12, 10, 11, 11, 30], [14, 13, 13], [9, 10, 10, 10, 11, 12, 50], [20]];

describe('stats/hierarchical', () => {
  describe('hierarchicalBootstrapMedianCi', () => {
    it('draws from the law of building and sorting each pooled resample', () => {
      // Binomial splitting gives the medians of the naive resample in law, not draw for draw: the
      // empirical distribution functions of 20 000 each agree within 5 sigma (about 0.025).
      const random = createRandom(5);
      const cases = [uneven, [[1, 2]], [[3], [1], [2]], Array.from({ length: 4 }, (_, g) => sample(25 + g, () => g + exponential(random)))];
      for (const [c, groups] of cases.entries()) {
        const sampler = createHierarchicalMedianSampler(poolGroups(groups, 'test'));
        const stream = createRandom(100 + c);
        const split = Array.from({ length: 20_000 }, () => sampler(stream)).sort((x, y) => x - y);
        const naive = naiveHierarchicalMedians(groups, 20_000, 200 + c).sort((x, y) => x - y);
        const cdf = (draws: number[], v: number) => draws.filter((x) => x <= v).length / draws.length;
        for (const v of new Set([...split, ...naive].filter((_, k) => k % 97 === 0))) {
          expect(Math.abs(cdf(split, v) - cdf(naive, v)), `case ${c}, value ${v}`).to.be.below(0.025);
        }
      }
    });

    it('pools boots into the ranks a sort by (value, position in the concatenation) gives', () => {
      const random = createRandom(6);
      const cases = [uneven, [[2, 2, 2], [2, 1], [2]], Array.from({ length: 3 }, (_, g) => sample(40, () => g + Math.floor(5 * random())))];
      for (const [c, groups] of cases.entries()) {
        const values = groups.flat();
        const owner = groups.flatMap((group, g) => group.map(() => g));
        const order = values.map((_, i) => i).sort((i, j) => values[i]! - values[j]! || i - j);
        const expected = groups.map(() => [] as number[]);
        order.forEach((i, rank) => expected[owner[i]!]!.push(rank));
        const pooled = poolGroups(groups, 'test');
        expect(Array.from(pooled.sorted), `case ${c}`).to.deep.equal(order.map((i) => values[i]));
        expect(
          pooled.ranks.map((r) => Array.from(r)),
          `case ${c}`,
        ).to.deep.equal(expected);
      }
    });

    it('gives the percentile interval of the naive algorithm within Monte Carlo error', () => {
      const medians = naiveHierarchicalMedians(uneven, 20_000, 8).sort((a, b) => a - b);
      const [low, high] = hierarchicalBootstrapMedianCi(uneven, { seed: 8, resamples: 20_000 });
      // Both intervals are of discrete medians; they agree to a half-step of the pooled data.
      expect(low).to.be.closeTo(quantile(medians, 0.025), 0.5);
      expect(high).to.be.closeTo(quantile(medians, 0.975), 0.5);
    });

    it('gives [c, c] when every value is c', () => {
      expect(hierarchicalBootstrapMedianCi([[4, 4], [4], [4, 4, 4]], { resamples: 100, seed: 1 })).to.deep.equal([4, 4]);
    });

    it('spans [1, 2] for two one-value boots', () => {
      // Pooled resamples are {1,1}, {1,2}, {2,1}, {2,2}: medians 1, 1.5, 1.5, 2 with 1/4, 1/2, 1/4.
      expect(hierarchicalBootstrapMedianCi([[1], [2]], { resamples: 2000, seed: 3 })).to.deep.equal([1, 2]);
    });

    it('is deterministic for a seed and stays within [min, max]', () => {
      const a = hierarchicalBootstrapMedianCi(uneven, { resamples: 500, seed: 42 });
      expect(hierarchicalBootstrapMedianCi(uneven, { resamples: 500, seed: 42 })).to.deep.equal(a);
      expect(a[0]).to.be.at.least(9);
      expect(a[1]).to.be.at.most(50);
      expect(a[0]).to.be.at.most(a[1]);
    });

    it('is wider than the flat bootstrap when boots differ', () => {
      const random = createRandom(11);
      const groups = [0, 5, 10, 15, 20].map((shift) => sample(400, () => 100 + shift + 10 * exponential(random)));
      const [low, high] = hierarchicalBootstrapMedianCi(groups, { resamples: 1000, seed: 1 });
      const [flatLow, flatHigh] = bootstrapMedianCi(groups.flat(), { resamples: 1000, seed: 1 });
      // Boot medians ~107..127: the boot level alone moves the pooled median by several ticks,
      // while 2000 pooled values pin it to about a tick.
      expect(high - low).to.be.greaterThan(3 * (flatHigh - flatLow));
    });

    it('does not reorder its input', () => {
      const groups = [
        [3, 1, 2],
        [9, 7],
      ];
      hierarchicalBootstrapMedianCi(groups, { resamples: 20, seed: 1 });
      expect(groups).to.deep.equal([
        [3, 1, 2],
        [9, 7],
      ]);
    });

    it('handles 5 boots × 10 000 samples × 2000 resamples in a few seconds of CPU time', function () {
      // Measured in this process's CPU time, which other work on the machine does not stretch as
      // it does the wall clock; the wall-clock timeout only catches a hang.
      this.timeout(120_000);
      const random = createRandom(3);
      const groups = Array.from({ length: 5 }, (_, g) => sample(10_000, () => 100 + g + 10 * exponential(random)));
      const before = process.cpuUsage();
      const [low, high] = hierarchicalBootstrapMedianCi(groups, { resamples: 2000, seed: 1 });
      const { user, system } = process.cpuUsage(before);
      const cpuMs = (user + system) / 1000;
      console.log(`      5 × 10 000 × 2000 resamples: ${Math.round(cpuMs)} ms of CPU`);
      expect(cpuMs).to.be.below(10_000);
      const pooledMedian = median(groups.flat().sort((a, b) => a - b));
      expect(low).to.be.at.most(pooledMedian);
      expect(high).to.be.at.least(pooledMedian);
    });

    it('throws a RangeError for missing groups, empty groups and non-finite values', () => {
      expect(() => hierarchicalBootstrapMedianCi([], { seed: 1 })).to.throw(RangeError, /expected at least one group, got none/);
      expect(() => hierarchicalBootstrapMedianCi([[1], []], { seed: 1 })).to.throw(RangeError, /expected at least one value in group 1, got an empty array/);
      expect(() => hierarchicalBootstrapMedianCi([[1], [2, NaN]], { seed: 1 })).to.throw(
        RangeError,
        /\(group 1\): expected a finite number at index 1, got NaN/,
      );
    });

    it('throws a RangeError for bad options', () => {
      expect(() => hierarchicalBootstrapMedianCi([[1, 2]], { seed: 1, resamples: 0 })).to.throw(RangeError, /resamples to be an integer >= 1, got 0/);
      expect(() => hierarchicalBootstrapMedianCi([[1, 2]], { seed: 1.5 })).to.throw(RangeError, /integer seed, got 1\.5/);
      expect(() => hierarchicalBootstrapMedianCi([[1, 2]], { seed: 1, confidence: 1 })).to.throw(RangeError, /confidence in \(0, 1\), got 1/);
    });
  });

  describe('betweenBootSpread', () => {
    it('describes the boot medians of [[3, 1, 2], [4, 5, 6, 7], [10]]', () => {
      const spread = betweenBootSpread([[3, 1, 2], [4, 5, 6, 7], [10]]);
      expect(spread.boots).to.equal(3);
      expect(spread.bootMedians).to.deep.equal([2, 5.5, 10]);
      expect(spread.min).to.equal(2);
      expect(spread.max).to.equal(10);
      expect(spread.range).to.equal(8);
      expect(spread.relativeRange).to.be.closeTo(8 / 5.5, 1e-12);
      // Mean 17.5/3; squared deviations (2 − 35/6)² + (5.5 − 35/6)² + (10 − 35/6)² = 193/6; / 2.
      expect(spread.stddev).to.be.closeTo(Math.sqrt(193 / 12), 1e-12);
    });

    it('gives stddev 0 and range 0 for one boot', () => {
      expect(betweenBootSpread([[5, 1, 3]])).to.deep.equal({
        boots: 1,
        bootMedians: [3],
        min: 3,
        max: 3,
        range: 0,
        relativeRange: 0,
        stddev: 0,
      });
    });

    it('gives stddev exactly 0 for equal non-representable medians', () => {
      expect(betweenBootSpread([[0.1], [0.1], [0.1]]).stddev).to.equal(0);
    });

    it('gives relativeRange 0 when the median of boot medians is 0', () => {
      const spread = betweenBootSpread([[-1], [0], [2]]);
      expect(spread.range).to.equal(3);
      expect(spread.relativeRange).to.equal(0);
    });

    it('throws a RangeError for no groups or an empty group', () => {
      expect(() => betweenBootSpread([])).to.throw(RangeError, /betweenBootSpread: expected at least one group, got none/);
      expect(() => betweenBootSpread([[1], []])).to.throw(RangeError, /group 1, got an empty array/);
    });
  });
});
