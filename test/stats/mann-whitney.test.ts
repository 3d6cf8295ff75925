import { expect } from 'chai';
import { mannWhitneyU } from '../../harness/stats/mann-whitney.js';
import { createRandom } from '../../harness/stats/random.js';
import { exponential, sample } from './synthetic.js';

// p-values cross-checked with scipy.stats.mannwhitneyu(a, b, alternative='two-sided',
// method='asymptotic', use_continuity=True), which equals R's wilcox.test(exact = FALSE, correct = TRUE).
describe('stats/mann-whitney', () => {
  const a = [19, 22, 16, 29, 24];
  const b = [20, 11, 17, 12];

  it('gives U = 17 for a and 3 for b in the textbook example', () => {
    // Pooled ranks: 11 12 16 17 19 20 22 24 29 → a holds ranks 3, 5, 7, 8, 9 = 32; U = 32 − 5·6/2 = 17.
    const result = mannWhitneyU(a, b);
    expect(result.u).to.equal(17);
    expect(mannWhitneyU(b, a).u).to.equal(3);
    // μ = 10, σ² = 20/12 · 10 = 50/3, z = (17 − 10 − 0.5)/σ.
    expect(result.z).to.be.closeTo(6.5 / Math.sqrt(50 / 3), 1e-12);
    // scipy asymptotic: 0.11134688653314041 (exact: 0.1111, so the approximation holds even at 5 vs 4).
    expect(result.p).to.be.closeTo(0.11134688653314041, 1e-6);
  });

  it('is symmetric: swapping the samples mirrors U and z and keeps p', () => {
    const forward = mannWhitneyU(a, b);
    const backward = mannWhitneyU(b, a);
    expect(backward.u).to.equal(a.length * b.length - forward.u);
    expect(backward.z).to.equal(-forward.z);
    expect(backward.p).to.equal(forward.p);
  });

  it('uses midranks and the tie correction', () => {
    // Pooled: 1a 2a 2a 3a 3a 3a 3b 4a 4b 4b 5b 5b 6b. Midranks 1, 2.5, 5.5, 9, 11.5, 13;
    // R_a = 1 + 2·2.5 + 3·5.5 + 9 = 31.5, U = 31.5 − 28 = 3.5. Ties t = 2, 4, 3, 2: Σ(t³ − t) = 96;
    // σ² = 42/12 · (14 − 96/156); z = (3.5 − 21 + 0.5)/σ.
    const result = mannWhitneyU([1, 2, 2, 3, 3, 3, 4], [3, 4, 4, 5, 5, 6]);
    expect(result.u).to.equal(3.5);
    expect(result.z).to.be.closeTo(-17 / Math.sqrt(3.5 * (14 - 96 / 156)), 1e-12);
    expect(result.p).to.be.closeTo(0.012999854364387305, 1e-6); // scipy
  });

  it('gives p = 1 for identical samples', () => {
    const values = [5, 1, 4, 4, 2, 9];
    expect(mannWhitneyU(values, [...values])).to.deep.equal({ u: 18, z: 0, p: 1 });
  });

  it('gives p = 1 when every value is tied', () => {
    expect(mannWhitneyU([5, 5], [5])).to.deep.equal({ u: 1, z: 0, p: 1 });
  });

  it('still gives a p-value for one value per side', () => {
    // U = 0, μ = 0.5, σ² = 1/12 · 3: the continuity correction cancels the whole deviation.
    expect(mannWhitneyU([1], [2])).to.deep.equal({ u: 0, z: 0, p: 1 });
  });

  it('gives p < 0.001 for clearly shifted samples', () => {
    const random = createRandom(4);
    const fast = sample(200, () => 100 + 10 * exponential(random));
    const slow = sample(200, () => 110 + 10 * exponential(random));
    const result = mannWhitneyU(fast, slow);
    expect(result.p).to.be.lessThan(0.001);
    expect(result.z).to.be.lessThan(0);
  });

  it('gives p < 0.001 for completely separated small samples', () => {
    // 10 vs 10, no overlap: U = 0, σ² = 100/12 · 21 = 175, z = −49.5/√175 ≈ −3.74; scipy 1.8267e-4.
    const low = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const result = mannWhitneyU(
      low,
      low.map((x) => x + 10),
    );
    expect(result.u).to.equal(0);
    expect(result.p).to.be.lessThan(0.001);
    // The tail is accurate to the erfc approximation's 1.2e-7 relative error, not just "small".
    expect(result.p).to.be.closeTo(0.00018267179110955002, 1e-10);
  });

  it('throws a RangeError for an empty or non-finite sample', () => {
    expect(() => mannWhitneyU([], [1])).to.throw(RangeError, /mannWhitneyU \(a\): expected at least one value, got an empty array/);
    expect(() => mannWhitneyU([1], [])).to.throw(RangeError, /mannWhitneyU \(b\): expected at least one value/);
    expect(() => mannWhitneyU([1], [2, Infinity])).to.throw(RangeError, /\(b\): expected a finite number at index 1, got Infinity/);
  });
});

describe('stats/mann-whitney on typed arrays', () => {
  /** The object-per-value version this module had before: sort the pooled values, walk tie groups. */
  function pooledSortSums(a: number[], b: number[]): { u: number; tieTerm: number } {
    const pooled = [...a.map((value) => ({ value, fromA: true })), ...b.map((value) => ({ value, fromA: false }))].sort((x, y) => x.value - y.value);
    let rankSumA = 0;
    let tieTerm = 0;
    for (let start = 0; start < pooled.length;) {
      let end = start + 1;
      while (end < pooled.length && pooled[end]!.value === pooled[start]!.value) end += 1;
      const t = end - start;
      tieTerm += t * t * t - t;
      for (let i = start; i < end; i++) if (pooled[i]!.fromA) rankSumA += (start + 1 + end) / 2;
      start = end;
    }
    return { u: rankSumA - (a.length * (a.length + 1)) / 2, tieTerm };
  }

  it('gives the U of a sort of the pooled values, exactly, with ties and without', () => {
    const random = createRandom(17);
    for (const [na, nb, spread] of [
      [5, 7, 3],
      [200, 150, 20],
      [1000, 1000, 1e9],
    ] as const) {
      const a = Array.from({ length: na }, () => Math.floor(random() * spread));
      const b = Array.from({ length: nb }, () => Math.floor(random() * spread) + 1);
      expect(mannWhitneyU(Float64Array.from(a), b).u).to.equal(pooledSortSums(a, b).u);
    }
  });
});
