import { expect } from 'chai';
import { resampleMedians } from '../../harness/stats/bootstrap.js';
import { distributionInterval, medianDistribution, medianIndexLaw } from '../../harness/stats/exact-median.js';
import { median, quantile } from '../../harness/stats/quantile.js';
import { createRandom } from '../../harness/stats/random.js';
import { lognormal, sample } from './synthetic.js';

/** Every one of the n^n equally likely resamples of `sorted`, by its median. */
function enumerate(sorted: readonly number[]): Map<number, number> {
  const n = sorted.length;
  const law = new Map<number, number>();
  const draw = new Array<number>(n).fill(0);
  const total = n ** n;
  for (let c = 0; c < total; c++) {
    let rest = c;
    for (let k = 0; k < n; k++) {
      draw[k] = sorted[rest % n]!;
      rest = Math.floor(rest / n);
    }
    const m = median([...draw].sort((a, b) => a - b));
    law.set(m, (law.get(m) ?? 0) + 1 / total);
  }
  return law;
}

describe('stats/exact-median', () => {
  it('has total probability 1 and O(√n) support for a million', () => {
    for (const n of [1, 2, 3, 10, 11, 1000, 1001, 1_000_000]) {
      const law = medianIndexLaw(n);
      const total = law.probability.reduce((a, b) => a + b, 0);
      expect(total, `n = ${n}`).to.be.closeTo(1, 1e-12);
      // Cells within about ten standard deviations of the middle (and, for even n, a few dozen gaps each).
      if (n === 1_000_000) expect(law.probability.length).to.be.below(n / 2);
    }
  });

  it('equals brute-force enumeration of every resample for n = 1 to 7', () => {
    for (let n = 1; n <= 7; n++) {
      // Distinct values, then with ties, so both index and value aggregation are checked.
      for (const sorted of [Array.from({ length: n }, (_, k) => 10 + k * k), Array.from({ length: n }, (_, k) => Math.floor(k / 2))]) {
        const exact = medianDistribution(Float64Array.from(sorted));
        const brute = enumerate(sorted);
        expect([...exact.values], `n = ${n}`).to.deep.equal([...brute.keys()].sort((a, b) => a - b));
        exact.values.forEach((v, k) => expect(exact.probabilities[k], `n = ${n}, value ${v}`).to.be.closeTo(brute.get(v)!, 1e-11));
      }
    }
  });

  it('agrees with the resampling bootstrap within Monte Carlo error for moderate n', () => {
    const random = createRandom(3);
    for (const n of [201, 200, 2001, 2000]) {
      const sorted = Float64Array.from(sample(n, () => lognormal(random, Math.log(1000), 0.4))).sort();
      const exact = medianDistribution(sorted);
      const resampled = resampleMedians(sorted, 20_000, 7).sort((a, b) => a - b);
      // P(median ≤ v) at a few values: a Monte Carlo proportion of 20 000 has σ ≤ 0.0035.
      for (const p of [0.025, 0.25, 0.5, 0.75, 0.975]) {
        const v = quantile(resampled, p);
        let exactCdf = 0;
        exact.values.forEach((x, k) => (exactCdf += x <= v ? exact.probabilities[k]! : 0));
        const mcCdf = resampled.filter((x) => x <= v).length / resampled.length;
        expect(exactCdf, `n = ${n}, p = ${p}`).to.be.closeTo(mcCdf, 0.015);
      }
      const [low, high] = distributionInterval(exact, 0.95);
      const spread = quantile(resampled, 0.975) - quantile(resampled, 0.025);
      expect(low, `n = ${n}`).to.be.closeTo(quantile(resampled, 0.025), spread * 0.1);
      expect(high, `n = ${n}`).to.be.closeTo(quantile(resampled, 0.975), spread * 0.1);
    }
  });

  it('takes the smallest value whose cumulative probability reaches each percentile', () => {
    // n = 3: P(median = x[0]) = P(x[1]) ... computed by hand: 7/27, 13/27, 7/27.
    const law = medianDistribution(Float64Array.from([1, 2, 3]));
    [7, 13, 7].forEach((x, k) => expect(law.probabilities[k]! * 27).to.be.closeTo(x, 1e-9));
    expect(distributionInterval(law, 0.95)).to.deep.equal([1, 3]);
    expect(distributionInterval(law, 0.2)).to.deep.equal([2, 2]);
  });
});
