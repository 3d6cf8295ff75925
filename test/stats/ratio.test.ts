import { expect } from 'chai';
import { hierarchicalBootstrapMedianCi } from '../../harness/stats/hierarchical.js';
import { median, quantile } from '../../harness/stats/quantile.js';
import { createRandom } from '../../harness/stats/random.js';
import { bootstrapRatioOfMedians, bootstrapRatioOfMediansSorted, hierarchicalRatioOfMedians } from '../../harness/stats/ratio.js';
import { exponential, lognormal, sample } from './synthetic.js';

/** Build and sort each resample: a then b from one stream, as the implementation documents. */
function naiveRatios(a: readonly number[], b: readonly number[], resamples: number, seed: number): number[] {
  const sortedA = [...a].sort((x, y) => x - y);
  const sortedB = [...b].sort((x, y) => x - y);
  const random = createRandom(seed);
  const draw = (sorted: number[]): number => median(Array.from(sorted, () => sorted[Math.floor(random() * sorted.length)]!).sort((x, y) => x - y));
  return Array.from({ length: resamples }, () => {
    const medianA = draw(sortedA);
    return draw(sortedB) / medianA;
  });
}

describe('stats/ratio', () => {
  describe('bootstrapRatioOfMedians', () => {
    it('reports median(b) / median(a)', () => {
      // median [2, 4, 6] = 4; median [3, 6, 9, 12] = 7.5.
      expect(bootstrapRatioOfMedians([2, 4, 6], [9, 3, 6, 12], { resamples: 200, seed: 1 }).ratio).to.equal(1.875);
    });

    it('gives a point interval for constant samples', () => {
      expect(bootstrapRatioOfMedians([2, 2, 2], [6, 6], { resamples: 200, seed: 1 })).to.deep.equal({ ratio: 3, ci: [3, 3] });
    });

    it('gives the percentile interval of the naive algorithm within Monte Carlo error', () => {
      const a = [5, 7, 6, 9, 5, 30, 6];
      const b = [12, 15, 11, 14, 40, 13];
      const ratios = naiveRatios(a, b, 20_000, 21).sort((x, y) => x - y);
      const { ci } = bootstrapRatioOfMedians(a, b, { resamples: 1000, seed: 21 });
      // The ratio's atoms are a few per cent apart here; 20 000 resamples pin each percentile to one.
      expect(ci[0]).to.be.closeTo(quantile(ratios, 0.025), 0.05 * ci[0]);
      expect(ci[1]).to.be.closeTo(quantile(ratios, 0.975), 0.05 * ci[1]);
    });

    it('equals the percentiles of the ratio over every pair of resamples, for tiny samples', () => {
      const a = [4, 5, 9];
      const b = [10, 11, 12, 20];
      const lawOf = (values: number[]) => {
        const law = new Map<number, number>();
        const n = values.length;
        for (let c = 0; c < n ** n; c++) {
          const draw = Array.from({ length: n }, (_, k) => values[Math.floor(c / n ** k) % n]!).sort((x, y) => x - y);
          law.set(median(draw), (law.get(median(draw)) ?? 0) + 1 / n ** n);
        }
        return law;
      };
      const ratios = new Map<number, number>();
      for (const [x, p] of lawOf(a)) for (const [y, q] of lawOf(b)) ratios.set(y / x, (ratios.get(y / x) ?? 0) + p * q);
      const atoms = [...ratios].sort((x, y) => x[0] - y[0]);
      const percentile = (p: number) => {
        let sum = 0;
        return atoms.find(([, q]) => (sum += q) >= p - 1e-12)![0];
      };
      for (const confidence of [0.95, 0.5, 0.2]) {
        const { ci } = bootstrapRatioOfMedians(a, b, { seed: 1, confidence });
        expect(ci, `confidence ${confidence}`).to.deep.equal([percentile((1 - confidence) / 2), percentile((1 + confidence) / 2)]);
      }
    });

    it('brackets the true ratio of 3 for lognormal samples', () => {
      const random = createRandom(8);
      const a = sample(1000, () => lognormal(random, Math.log(100), 0.3));
      const b = sample(1000, () => lognormal(random, Math.log(300), 0.3));
      const { ratio, ci } = bootstrapRatioOfMedians(a, b, { resamples: 2000, seed: 2 });
      expect(ratio).to.be.closeTo(3, 0.15);
      expect(ci[0]).to.be.below(3);
      expect(ci[1]).to.be.above(3);
      expect(ci[0]).to.be.at.most(ratio);
      expect(ci[1]).to.be.at.least(ratio);
    });

    it('is deterministic for a seed and narrower at lower confidence', () => {
      const a = [5, 7, 6, 9, 5, 30, 6, 8];
      const b = [12, 15, 11, 14, 40, 13, 12];
      const wide = bootstrapRatioOfMedians(a, b, { resamples: 1000, seed: 5 });
      expect(bootstrapRatioOfMedians(a, b, { resamples: 1000, seed: 5 })).to.deep.equal(wide);
      const narrow = bootstrapRatioOfMedians(a, b, { resamples: 1000, seed: 5, confidence: 0.5 });
      expect(narrow.ci[0]).to.be.at.least(wide.ci[0]);
      expect(narrow.ci[1]).to.be.at.most(wide.ci[1]);
    });

    it('throws a RangeError naming a zero median of a', () => {
      expect(() => bootstrapRatioOfMedians([0, 0, 1], [2, 3], { seed: 1 })).to.throw(
        RangeError,
        /bootstrapRatioOfMedians: expected a non-zero median of a \(the denominator\), got 0$/,
      );
    });

    it('throws a RangeError when a resample of a has median 0', () => {
      // Median 1, but two zeros in five make a zero-median resample likely (P ≈ 0.32).
      expect(() => bootstrapRatioOfMedians([0, 0, 1, 1, 1], [2, 3], { resamples: 100, seed: 1 })).to.throw(
        RangeError,
        /expected a non-zero median of a \(the denominator\) in every resample, got 0 with probability 0\.31\d/,
      );
    });

    it('throws a RangeError for bad input or options', () => {
      expect(() => bootstrapRatioOfMedians([], [1], { seed: 1 })).to.throw(RangeError, /\(a\): expected at least one value/);
      expect(() => bootstrapRatioOfMedians([1], [NaN], { seed: 1 })).to.throw(RangeError, /\(b\): expected a finite number at index 0, got NaN/);
      expect(() => bootstrapRatioOfMedians([1], [1], { seed: 1, resamples: -1 })).to.throw(RangeError, /resamples to be an integer >= 1, got -1/);
    });
  });

  it('gives the same figures, bit for bit, for samples sorted beforehand (read in place) as in sample order', () => {
    const random = createRandom(5);
    const a = Float64Array.from({ length: 5001 }, () => 400 + Math.floor(-Math.log(1 - random()) * 3));
    const b = Float64Array.from({ length: 4000 }, () => 60 + Math.floor(-Math.log(1 - random()) * 3) + 0.5);
    const groupsA = [a.subarray(0, 2000), a.subarray(2000)];
    const groupsB = [b.subarray(0, 1500), b.subarray(1500)];
    const sorted = (x: Float64Array) => Float64Array.from(x).sort();
    const options = { resamples: 300, seed: 3 };
    expect(bootstrapRatioOfMedians(sorted(a), sorted(b), options)).to.deep.equal(bootstrapRatioOfMedians(a, b, options));
    expect(bootstrapRatioOfMediansSorted(sorted(a), sorted(b), options)).to.deep.equal(bootstrapRatioOfMedians(a, b, options));
    expect(hierarchicalRatioOfMedians(groupsA.map(sorted), groupsB.map(sorted), options)).to.deep.equal(hierarchicalRatioOfMedians(groupsA, groupsB, options));
    expect(Array.from(a), 'the inputs are in sample order').to.not.deep.equal(Array.from(sorted(a)));
  });

  describe('hierarchicalRatioOfMedians', () => {
    it('reports the ratio of the pooled medians', () => {
      // Pooled a: 1, 2, 3 → 2; pooled b: 4, 5, 6, 8 → 5.5.
      expect(
        hierarchicalRatioOfMedians(
          [[1, 2], [3]],
          [
            [4, 5],
            [6, 8],
          ],
          { resamples: 100, seed: 1 },
        ).ratio,
      ).to.equal(2.75);
    });

    it('gives a point interval for constant groups', () => {
      expect(hierarchicalRatioOfMedians([[2, 2], [2]], [[5], [5, 5]], { resamples: 100, seed: 1 })).to.deep.equal({
        ratio: 2.5,
        ci: [2.5, 2.5],
      });
    });

    it('matches the hierarchical median interval of b when a is the constant 1', () => {
      // Every replicate ratio is then b's resampled median, but a's draws come first in the
      // stream, so the replicates differ from hierarchicalBootstrapMedianCi(groupsB) one by one
      // and the intervals agree only to Monte Carlo noise (about 6 ticks wide here).
      const random = createRandom(12);
      const groupsB = [0, 3, 6].map((shift) => sample(200, () => 50 + shift + 5 * exponential(random)));
      const { ratio, ci } = hierarchicalRatioOfMedians([[1, 1, 1]], groupsB, { resamples: 1000, seed: 3 });
      const [low, high] = hierarchicalBootstrapMedianCi(groupsB, { resamples: 1000, seed: 3 });
      expect(ratio).to.equal(median(groupsB.flat().sort((x, y) => x - y)));
      expect(ci[0]).to.be.at.most(ratio);
      expect(ci[1]).to.be.at.least(ratio);
      expect(ci[0]).to.be.closeTo(low, 0.75);
      expect(ci[1]).to.be.closeTo(high, 0.75);
    });

    it('is wider than the flat ratio interval when boots differ', () => {
      const random = createRandom(13);
      const groupsA = [0, 10, 20].map((shift) => sample(300, () => 100 + shift + 10 * exponential(random)));
      const groupsB = [0, 20, 40].map((shift) => sample(300, () => 200 + shift + 20 * exponential(random)));
      const nested = hierarchicalRatioOfMedians(groupsA, groupsB, { resamples: 1000, seed: 1 });
      const flat = bootstrapRatioOfMedians(groupsA.flat(), groupsB.flat(), { resamples: 1000, seed: 1 });
      expect(nested.ratio).to.equal(flat.ratio);
      expect(nested.ci[1] - nested.ci[0]).to.be.greaterThan(2 * (flat.ci[1] - flat.ci[0]));
    });

    it('throws a RangeError naming a zero pooled median of a, or a bad group', () => {
      expect(() => hierarchicalRatioOfMedians([[0], [0, 1]], [[1]], { seed: 1 })).to.throw(
        RangeError,
        /hierarchicalRatioOfMedians: expected a non-zero median of a \(the denominator\), got 0$/,
      );
      expect(() => hierarchicalRatioOfMedians([[1]], [], { seed: 1 })).to.throw(RangeError, /\(b\): expected at least one group, got none/);
      expect(() => hierarchicalRatioOfMedians([[1], []], [[1]], { seed: 1 })).to.throw(RangeError, /\(a\): expected at least one value in group 1/);
    });
  });
});
