import { expect } from 'chai';
import { summarize } from '../../harness/stats/summary.js';

const options = { resamples: 1000, seed: 2024 };

describe('stats/summary', () => {
  it('summarises a single value', () => {
    expect(summarize([42], options)).to.deep.equal({
      n: 1,
      min: 42,
      max: 42,
      mean: 42,
      stddev: 0,
      median: 42,
      p1: 42,
      p5: 42,
      p25: 42,
      p75: 42,
      p95: 42,
      p99: 42,
      mad: 0,
      ci95: [42, 42],
    });
  });

  it('summarises an even-sized sample: [2, 4, 4, 4, 5, 5, 7, 9]', () => {
    const s = summarize([9, 4, 2, 5, 4, 7, 4, 5], options);
    expect(s.n).to.equal(8);
    expect(s.min).to.equal(2);
    expect(s.max).to.equal(9);
    expect(s.mean).to.equal(5); // 40 / 8
    // Squared deviations 9+1+1+1+0+0+4+16 = 32; sample variance 32/7.
    expect(s.stddev).to.be.closeTo(2.138089935299395, 1e-12);
    expect(s.median).to.equal(4.5); // (4 + 5) / 2
    // |x - 4.5| sorted: 0.5 ×5, 2.5, 2.5, 4.5 → median of the middle two (0.5, 0.5).
    expect(s.mad).to.equal(0.5);
    // h = 7p: p1 h=0.07 → 2+0.07·2; p5 h=0.35 → 2+0.35·2; p25 h=1.75 → 4; p75 h=5.25 → 5+0.25·2;
    // p95 h=6.65 → 7+0.65·2; p99 h=6.93 → 7+0.93·2.
    expect(s.p1).to.be.closeTo(2.14, 1e-12);
    expect(s.p5).to.be.closeTo(2.7, 1e-12);
    expect(s.p25).to.be.closeTo(4, 1e-12);
    expect(s.p75).to.be.closeTo(5.5, 1e-12);
    expect(s.p95).to.be.closeTo(8.3, 1e-12);
    expect(s.p99).to.be.closeTo(8.86, 1e-12);
  });

  it('summarises an odd-sized sample with an outlier: [1, 2, 3, 4, 100]', () => {
    const s = summarize([100, 3, 1, 4, 2], options);
    expect(s.mean).to.equal(22); // 110 / 5
    // Deviations -21, -20, -19, -18, 78; squares 441+400+361+324+6084 = 7610; /4 = 1902.5.
    expect(s.stddev).to.be.closeTo(43.617656975128774, 1e-12);
    expect(s.median).to.equal(3);
    // |x - 3| = 2, 1, 0, 1, 97 → sorted 0, 1, 1, 2, 97.
    expect(s.mad).to.equal(1);
    // h = 4p: p1 h=0.04 → 1.04; p5 h=0.2 → 1.2; p25 h=1 → 2; p75 h=3 → 4; p95 h=3.8 → 4+0.8·96; p99 h=3.96 → 4+0.96·96.
    expect(s.p1).to.be.closeTo(1.04, 1e-12);
    expect(s.p5).to.be.closeTo(1.2, 1e-12);
    expect(s.p25).to.equal(2);
    expect(s.p75).to.equal(4);
    expect(s.p95).to.be.closeTo(80.8, 1e-12);
    expect(s.p99).to.be.closeTo(96.16, 1e-12);
  });

  it('gives MAD 0, stddev 0 and a point CI for equal values', () => {
    const s = summarize([7, 7, 7, 7], options);
    expect(s.mad).to.equal(0);
    expect(s.stddev).to.equal(0);
    expect(s.ci95).to.deep.equal([7, 7]);
  });

  it('keeps the mean of equal non-representable values exact', () => {
    // 0.1 + 0.1 + 0.1 = 0.30000000000000004 and / 3 = 0.10000000000000002 in a naive mean.
    const s = summarize([0.1, 0.1, 0.1], options);
    expect(s.mean).to.equal(0.1);
    expect(s.stddev).to.equal(0);
  });

  it('keeps precision for large tick counts', () => {
    // Mean 1e9 + 2, squared deviations 4+1+0+1+4 = 10, variance 10/4.
    const s = summarize([1e9, 1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 4], options);
    expect(s.mean).to.equal(1e9 + 2);
    expect(s.stddev).to.be.closeTo(Math.sqrt(2.5), 1e-12);
  });

  it('puts the median CI around the median and within [min, max]', () => {
    const values = Array.from({ length: 301 }, (_, i) => 500 + ((i * 61) % 301) + (i % 17 === 0 ? 5000 : 0));
    const s = summarize(values, options);
    expect(s.ci95[0]).to.be.at.most(s.median);
    expect(s.ci95[1]).to.be.at.least(s.median);
    expect(s.ci95[0]).to.be.at.least(s.min);
    expect(s.ci95[1]).to.be.at.most(s.max);
  });

  it('is deterministic for a seed', () => {
    const values = Array.from({ length: 99 }, (_, i) => (i * 13) % 40);
    expect(summarize(values, options)).to.deep.equal(summarize(values, options));
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    summarize(values, options);
    expect(values).to.deep.equal([3, 1, 2]);
  });

  it('throws a RangeError for empty input', () => {
    expect(() => summarize([], options)).to.throw(RangeError, /summarize: expected at least one value, got an empty array/);
  });

  it('throws a RangeError naming the index of a non-finite value', () => {
    expect(() => summarize([1, 2, NaN], options)).to.throw(RangeError, /summarize: expected a finite number at index 2, got NaN/);
    expect(() => summarize([-Infinity, 1], options)).to.throw(RangeError, /index 0, got -Infinity/);
  });

  it('throws a RangeError for a bad resample count', () => {
    expect(() => summarize([1, 2], { resamples: 0, seed: 1 })).to.throw(RangeError, /resamples to be an integer >= 1, got 0/);
  });
});
