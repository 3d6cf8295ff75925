import { expect } from 'chai';
import { bootstrapMedianCi } from '../../harness/stats/bootstrap.js';
import { hierarchicalBootstrapMedianCi } from '../../harness/stats/hierarchical.js';
import { createRandom } from '../../harness/stats/random.js';
import { exponential, lognormal, sample, standardNormal } from './synthetic.js';

/**
 * Median of the population behind the hierarchical trials: X = e^(σZ) · E with Z standard normal
 * (the boot's multiplicative effect) and E exponential(1) (the iteration). Its CDF is
 * ∫ φ(z) (1 − exp(−m e^(−σz))) dz, integrated by Simpson's rule over z in [−8, 8], and the median
 * is where that CDF crosses 1/2, found by bisection.
 */
function mixtureMedian(sigma: number): number {
  const cdf = (m: number): number => {
    const steps = 4000;
    const h = 16 / steps;
    let sum = 0;
    for (let i = 0; i <= steps; i++) {
      const z = -8 + i * h;
      const weight = i === 0 || i === steps ? 1 : i % 2 === 1 ? 4 : 2;
      sum += (weight * Math.exp((-z * z) / 2) * (1 - Math.exp(-m * Math.exp(-sigma * z)))) / Math.sqrt(2 * Math.PI);
    }
    return (sum * h) / 3;
  };
  let low = 0;
  let high = 10;
  for (let i = 0; i < 60; i++) {
    const mid = (low + high) / 2;
    if (cdf(mid) < 0.5) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

function width([low, high]: [number, number]): number {
  return high - low;
}

describe('stats: bootstrap interval properties', function () {
  // Monte Carlo checks: a few seconds in all, beyond mocha's default 2 s per test.
  this.timeout(20_000);

  it('narrows by about √10 for every tenfold increase in samples', () => {
    // Lognormal(0, 0.5): skewed like timer data. The median's standard error scales as 1/√n.
    const random = createRandom(7);
    const widths = [100, 1000, 10_000].map((n) =>
      width(
        bootstrapMedianCi(
          sample(n, () => lognormal(random, 0, 0.5)),
          { resamples: 2000, seed: n },
        ),
      ),
    );
    console.log(`      CI widths for n = 100, 1000, 10000: ${widths.map((w) => w.toFixed(4)).join(', ')}`);
    for (let i = 1; i < widths.length; i++) {
      const shrink = widths[i - 1]! / widths[i]!;
      expect(widths[i]).to.be.lessThan(widths[i - 1]!);
      expect(shrink, `width ratio ${i}`).to.be.within(Math.sqrt(10) / 2, Math.sqrt(10) * 2);
    }
  });

  it('covers the true median in about 95% of trials (exponential, n = 200)', () => {
    const trials = 1000;
    const random = createRandom(2024);
    let covered = 0;
    for (let trial = 0; trial < trials; trial++) {
      const values = sample(200, () => exponential(random));
      const [low, high] = bootstrapMedianCi(values, { resamples: 400, seed: trial });
      if (low <= Math.LN2 && Math.LN2 <= high) covered += 1;
    }
    const coverage = covered / trials;
    console.log(`      bootstrapMedianCi 95% coverage: ${coverage.toFixed(3)} over ${trials} trials`);
    // Binomial sd at 0.95 over 1000 trials is 0.007, so the band is about ±4 sd.
    expect(coverage).to.be.within(0.92, 0.98);
  });

  it('covers the population median with boot-level effects, where the flat bootstrap does not', () => {
    // 8 boots × 100 iterations; each boot scales its iterations by e^(0.2 Z). The flat bootstrap
    // sees 800 independent values and ignores that the 8 boot effects do not average out.
    const sigma = 0.2;
    const truth = mixtureMedian(sigma);
    const trials = 300;
    const random = createRandom(99);
    let hierarchical = 0;
    let flat = 0;
    for (let trial = 0; trial < trials; trial++) {
      const groups = Array.from({ length: 8 }, () => {
        const effect = Math.exp(sigma * standardNormal(random));
        return sample(100, () => effect * exponential(random));
      });
      const [low, high] = hierarchicalBootstrapMedianCi(groups, { resamples: 400, seed: trial });
      if (low <= truth && truth <= high) hierarchical += 1;
      const [flatLow, flatHigh] = bootstrapMedianCi(groups.flat(), { resamples: 400, seed: trial });
      if (flatLow <= truth && truth <= flatHigh) flat += 1;
    }
    console.log(
      `      hierarchicalBootstrapMedianCi 95% coverage: ${(hierarchical / trials).toFixed(3)} over ${trials} trials ` +
        `(flat bootstrap on the same data: ${(flat / trials).toFixed(3)}; true median ${truth.toFixed(4)})`,
    );
    // Looser than the flat case: only 8 boots, and the two-level resample is approximate (see hierarchical.ts).
    expect(hierarchical / trials).to.be.within(0.85, 0.99);
    expect(flat).to.be.lessThan(hierarchical);
  });
});
