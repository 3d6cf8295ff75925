import { expect } from 'chai';
import { bootstrapMedianCi, DEFAULT_RESAMPLES, resampleMedians } from '../../harness/stats/bootstrap.js';
import { median, quantile } from '../../harness/stats/quantile.js';
import { createRandom, randomInt } from '../../harness/stats/random.js';

/** A skewed, unsorted sample with ties, like timer data with a tail. */
function skewedSample(n: number): number[] {
  return Array.from({ length: n }, (_, i) => 1000 + (((i * 37) % n) % 13) ** 3 + (i % 5));
}

/** The textbook algorithm: build each resample, sort it, take its median. */
function naiveResampleMedians(values: readonly number[], resamples: number, seed: number): number[] {
  // Draws index the sorted observations, as the implementation does, so both consume the stream alike.
  const sorted = [...values].sort((a, b) => a - b);
  const random = createRandom(seed);
  const medians: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const resample = Array.from({ length: sorted.length }, () => sorted[randomInt(random, sorted.length)] ?? NaN);
    medians.push(median(resample.sort((a, b) => a - b)));
  }
  return medians;
}

describe('stats/bootstrap', () => {
  it('documents 2000 as the default resample count', () => {
    expect(DEFAULT_RESAMPLES).to.equal(2000);
  });

  it('gives [x, x] for a single value', () => {
    expect(bootstrapMedianCi([42], { resamples: 100, seed: 1 })).to.deep.equal([42, 42]);
  });

  it('gives [c, c] for a constant array', () => {
    expect(bootstrapMedianCi([3.5, 3.5, 3.5, 3.5, 3.5], { resamples: 500, seed: 1 })).to.deep.equal([3.5, 3.5]);
    expect(bootstrapMedianCi([0.1, 0.1, 0.1], { seed: 9 })).to.deep.equal([0.1, 0.1]);
  });

  it('spans both values for [0, 1]', () => {
    // Resample medians are 0, 0.5 or 1 with probability 1/4, 1/2, 1/4; with 2000 resamples the
    // 2.5% and 97.5% points (ranks ~50 and ~1950) fall inside the ~500 zeros and ~500 ones.
    expect(bootstrapMedianCi([1, 0], { resamples: 2000, seed: 5 })).to.deep.equal([0, 1]);
  });

  it('spans all three values for [1, 2, 3]', () => {
    // P(median = 1) = P(median = 3) = 3·(1/3)²·(2/3) + (1/3)³ = 7/27 ≈ 26%, well above 2.5%.
    expect(bootstrapMedianCi([3, 1, 2], { resamples: 2000, seed: 5 })).to.deep.equal([1, 3]);
  });

  it('is deterministic for a seed', () => {
    const values = skewedSample(101);
    const a = bootstrapMedianCi(values, { resamples: 1000, seed: 1234 });
    const b = bootstrapMedianCi(values, { resamples: 1000, seed: 1234 });
    expect(a).to.deep.equal(b);
  });

  it('does not depend on the seed or the resample count: the interval is exact', () => {
    const values = Array.from({ length: 60 }, (_, i) => (i * 7919) % 1000);
    const intervals = new Set([1, 2, 3, 4, 5, 6].map((seed) => JSON.stringify(bootstrapMedianCi(values, { resamples: 100 * seed, seed }))));
    expect(intervals.size).to.equal(1);
  });

  it('contains the sample median and lies within [min, max]', () => {
    for (const n of [2, 3, 10, 51, 200]) {
      const values = skewedSample(n);
      const sorted = [...values].sort((a, b) => a - b);
      const [low, high] = bootstrapMedianCi(values, { resamples: 1000, seed: n });
      const mid = median(sorted);
      expect(low, `n = ${n}`).to.be.at.most(mid);
      expect(high, `n = ${n}`).to.be.at.least(mid);
      expect(low, `n = ${n}`).to.be.at.least(sorted[0] ?? NaN);
      expect(high, `n = ${n}`).to.be.at.most(sorted[n - 1] ?? NaN);
    }
  });

  it('nests a lower-confidence interval inside a higher-confidence one', () => {
    const values = skewedSample(75);
    const [low50, high50] = bootstrapMedianCi(values, { resamples: 1000, seed: 3, confidence: 0.5 });
    const [low95, high95] = bootstrapMedianCi(values, { resamples: 1000, seed: 3 });
    const [low99, high99] = bootstrapMedianCi(values, { resamples: 1000, seed: 3, confidence: 0.99 });
    expect(low95).to.be.at.most(low50);
    expect(high95).to.be.at.least(high50);
    expect(low99).to.be.at.most(low95);
    expect(high99).to.be.at.least(high95);
  });

  it('counting resample medians equals sorting each resample, exactly', () => {
    for (const n of [2, 3, 4, 7, 50, 51]) {
      const values = skewedSample(n).map((x, i) => x + (i % 3) / 7);
      const sorted = Float64Array.from(values).sort();
      expect(resampleMedians(sorted, 300, 77 + n), `n = ${n}`).to.deep.equal(naiveResampleMedians(values, 300, 77 + n));
    }
  });

  it('gives the interval of the naive algorithm within Monte Carlo error', () => {
    // The resampling interval jitters by a rank or two at 20 000 resamples; the exact one is its limit.
    const values = skewedSample(40);
    const medians = naiveResampleMedians(values, 20_000, 11).sort((a, b) => a - b);
    const sorted = [...values].sort((a, b) => a - b);
    const [low, high] = bootstrapMedianCi(values, { seed: 11 });
    const rankOf = (x: number) => sorted.findIndex((v) => v >= x);
    expect(Math.abs(rankOf(low) - rankOf(quantile(medians, 0.025)))).to.be.at.most(1);
    expect(Math.abs(rankOf(high) - rankOf(quantile(medians, 0.975)))).to.be.at.most(1);
  });

  it('handles a million samples', () => {
    const values = skewedSample(1_000_000);
    const [low, high] = bootstrapMedianCi(values, { resamples: 200, seed: 1 });
    const sorted = [...values].sort((a, b) => a - b);
    const mid = median(sorted);
    expect(low).to.be.at.most(mid);
    expect(high).to.be.at.least(mid);
  });

  it('does not reorder its input', () => {
    const values = [5, 1, 4, 2, 3];
    bootstrapMedianCi(values, { resamples: 50, seed: 1 });
    expect(values).to.deep.equal([5, 1, 4, 2, 3]);
  });

  it('throws a RangeError for empty or non-finite input', () => {
    expect(() => bootstrapMedianCi([], { seed: 1 })).to.throw(RangeError, /expected at least one value, got an empty array/);
    expect(() => bootstrapMedianCi([1, NaN], { seed: 1 })).to.throw(RangeError, /finite number at index 1, got NaN/);
    expect(() => bootstrapMedianCi([Infinity], { seed: 1 })).to.throw(RangeError, /index 0, got Infinity/);
  });

  it('throws a RangeError for bad options', () => {
    expect(() => bootstrapMedianCi([1, 2], { seed: 1, resamples: 0 })).to.throw(RangeError, /resamples to be an integer >= 1, got 0/);
    expect(() => bootstrapMedianCi([1, 2], { seed: 1, resamples: 10.5 })).to.throw(RangeError, /got 10\.5/);
    expect(() => bootstrapMedianCi([1, 2], { seed: 0.5 })).to.throw(RangeError, /integer seed, got 0\.5/);
    expect(() => bootstrapMedianCi([1, 2], { seed: 1, confidence: 0 })).to.throw(RangeError, /confidence in \(0, 1\), got 0/);
    expect(() => bootstrapMedianCi([1, 2], { seed: 1, confidence: 1 })).to.throw(RangeError, /got 1$/);
    expect(() => bootstrapMedianCi([1, 2], { seed: 1, confidence: 95 })).to.throw(RangeError, /got 95/);
  });
});
