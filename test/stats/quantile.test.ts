import { expect } from 'chai';
import { median, quantile, sortedMedianAbsoluteDeviation } from '../../harness/stats/quantile.js';
import { createRandom } from '../../harness/stats/random.js';

// Expected values are h = (n-1)p, then x[floor h] + frac(h)·(x[floor h + 1] − x[floor h]),
// worked out by hand; they agree with numpy.percentile's default ('linear').
describe('stats/quantile', () => {
  describe('quantile', () => {
    it('matches the type 7 table for [15, 20, 35, 40, 50]', () => {
      const xs = [15, 20, 35, 40, 50];
      const table: Array<[number, number]> = [
        [0, 15],
        [0.05, 16], // h = 0.2: 15 + 0.2·5
        [0.1, 17], // h = 0.4: 15 + 0.4·5
        [0.25, 20], // h = 1
        [0.3, 23], // h = 1.2: 20 + 0.2·15
        [0.4, 29], // h = 1.6: 20 + 0.6·15
        [0.5, 35], // h = 2
        [0.75, 40], // h = 3
        [0.9, 46], // h = 3.6: 40 + 0.6·10
        [1, 50],
      ];
      for (const [p, expected] of table) {
        expect(quantile(xs, p), `p = ${p}`).to.be.closeTo(expected, 1e-12);
      }
    });

    it('matches the type 7 table for [1..10]', () => {
      const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
      const table: Array<[number, number]> = [
        [0, 1],
        [0.01, 1.09], // h = 0.09
        [0.1, 1.9], // h = 0.9
        [0.25, 3.25], // h = 2.25
        [0.5, 5.5], // h = 4.5
        [0.75, 7.75], // h = 6.75
        [0.9, 9.1], // h = 8.1
        [0.99, 9.91], // h = 8.91
        [1, 10],
      ];
      for (const [p, expected] of table) {
        expect(quantile(xs, p), `p = ${p}`).to.be.closeTo(expected, 1e-12);
      }
    });

    it('returns the only value for n = 1 whatever p is', () => {
      for (const p of [0, 0.01, 0.5, 0.99, 1]) expect(quantile([7], p)).to.equal(7);
    });

    it('returns the constant for equal values, exactly', () => {
      const xs = [0.1, 0.1, 0.1, 0.1];
      for (const p of [0, 0.3, 0.5, 0.7, 1]) expect(quantile(xs, p)).to.equal(0.1);
    });

    it('never leaves [min, max] of the data', () => {
      const xs = [0.1, 0.2 + 1e-16, 0.30000000000000004, 1e15, 1e15 + 2];
      for (let i = 0; i <= 1000; i++) {
        const q = quantile(xs, i / 1000);
        expect(q).to.be.at.least(0.1);
        expect(q).to.be.at.most(1e15 + 2);
      }
    });

    it('throws a RangeError for an empty array', () => {
      expect(() => quantile([], 0.5)).to.throw(RangeError, /expected at least one value, got an empty array/);
    });

    it('throws a RangeError for p outside [0, 1] or NaN', () => {
      expect(() => quantile([1, 2], -0.1)).to.throw(RangeError, /expected p in \[0, 1\], got -0\.1/);
      expect(() => quantile([1, 2], 1.5)).to.throw(RangeError, /expected p in \[0, 1\], got 1\.5/);
      expect(() => quantile([1, 2], NaN)).to.throw(RangeError, /got NaN/);
    });
  });

  describe('median', () => {
    it('is the middle value for odd n', () => {
      expect(median([1, 2, 3])).to.equal(2);
      expect(median([15, 20, 35, 40, 50])).to.equal(35);
    });

    it('is the mean of the middle two for even n', () => {
      expect(median([1, 2, 3, 4])).to.equal(2.5);
      expect(median([10, 20])).to.equal(15);
      expect(median([-3, -1, 4, 8])).to.equal(1.5);
    });

    it('is the value itself for n = 1', () => {
      expect(median([42])).to.equal(42);
    });

    it('throws a RangeError for an empty array', () => {
      expect(() => median([])).to.throw(RangeError, /median: expected at least one value/);
    });
  });
});

describe('stats/quantile sortedMedianAbsoluteDeviation', () => {
  it('equals the median of the sorted absolute deviations, bit for bit', () => {
    const random = createRandom(9);
    for (const n of [1, 2, 3, 4, 5, 10, 11, 100, 101]) {
      for (const values of [
        Array.from({ length: n }, () => Math.floor(random() * 20)),
        Array.from({ length: n }, () => random() * 1e9),
        Array.from({ length: n }, () => 7),
      ]) {
        const sorted = [...values].sort((a, b) => a - b);
        const mid = median(sorted);
        const naive = median(sorted.map((x) => Math.abs(x - mid)).sort((a, b) => a - b));
        expect(sortedMedianAbsoluteDeviation(sorted, mid), `n = ${n}`).to.equal(naive);
      }
    }
  });

  it('equals it too about any centre, with heavy ties and centres outside the values', () => {
    const random = createRandom(11);
    for (let t = 0; t < 2000; t++) {
      const n = 1 + Math.floor(random() * 40);
      const sorted = Array.from({ length: n }, () => (t % 2 ? Math.floor(random() * 4) : random() * 100 - 50)).sort((a, b) => a - b);
      for (const mid of [median(sorted), sorted[0]!, sorted[n - 1]!, random() * 200 - 100, -1e300, 1e300]) {
        const naive = median(sorted.map((x) => Math.abs(x - mid)).sort((a, b) => a - b));
        if (!Object.is(sortedMedianAbsoluteDeviation(sorted, mid), naive)) expect.fail(`[${sorted.join(', ')}] about ${mid}: expected ${naive}`);
      }
    }
  });
});
