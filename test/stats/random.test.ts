import { expect } from 'chai';
import { createRandom, randomInt } from '../../harness/stats/random.js';

function take(random: () => number, count: number): number[] {
  return Array.from({ length: count }, () => random());
}

describe('stats/random', () => {
  describe('createRandom (mulberry32)', () => {
    // Reference values from an independent Python mulberry32 with explicit 32-bit masking.
    it('reproduces the reference stream for seed 0', () => {
      expect(take(createRandom(0), 4)).to.deep.equal([0.26642920868471265, 0.0003297457005828619, 0.2232720274478197, 0.1462021479383111]);
    });

    it('reproduces the reference stream for seed 42', () => {
      expect(take(createRandom(42), 4)).to.deep.equal([0.6011037519201636, 0.44829055899754167, 0.8524657934904099, 0.6697340414393693]);
    });

    it('gives the same stream for the same seed and a different one for another seed', () => {
      expect(take(createRandom(7), 100)).to.deep.equal(take(createRandom(7), 100));
      expect(take(createRandom(7), 100)).to.not.deep.equal(take(createRandom(8), 100));
    });

    it('takes seeds modulo 2^32', () => {
      expect(take(createRandom(-1), 10)).to.deep.equal(take(createRandom(4294967295), 10));
      expect(take(createRandom(2 ** 32 + 5), 10)).to.deep.equal(take(createRandom(5), 10));
    });

    it('stays in [0, 1) and averages about 1/2', () => {
      const values = take(createRandom(123), 100_000);
      expect(values.filter((x) => !(x >= 0 && x < 1))).to.deep.equal([]);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      // Standard error of the mean of U(0,1) over 1e5 draws is 0.29/316 ≈ 0.0009.
      expect(mean).to.be.closeTo(0.5, 0.005);
    });

    it('rejects a non-integer seed', () => {
      expect(() => createRandom(1.5)).to.throw(RangeError, /expected an integer seed, got 1\.5/);
      expect(() => createRandom(NaN)).to.throw(RangeError, /got NaN/);
    });
  });

  describe('randomInt', () => {
    it('returns integers in [0, maxExclusive) that cover every value about evenly', () => {
      const random = createRandom(99);
      const counts = new Array<number>(10).fill(0);
      const strays: number[] = [];
      for (let i = 0; i < 100_000; i++) {
        const k = randomInt(random, 10);
        if (!Number.isInteger(k) || k < 0 || k > 9) strays.push(k);
        else counts[k] = (counts[k] ?? 0) + 1;
      }
      expect(strays).to.deep.equal([]);
      // Expected 10000 each, binomial sd ≈ 95; 600 is over 6 sd.
      for (const c of counts) expect(c).to.be.closeTo(10_000, 600);
    });

    it('always returns 0 for maxExclusive 1', () => {
      const random = createRandom(3);
      for (let i = 0; i < 100; i++) expect(randomInt(random, 1)).to.equal(0);
    });

    it('rejects a bound that is not a positive integer', () => {
      const random = createRandom(3);
      expect(() => randomInt(random, 0)).to.throw(RangeError, /maxExclusive to be an integer >= 1, got 0/);
      expect(() => randomInt(random, 2.5)).to.throw(RangeError, /got 2\.5/);
      expect(() => randomInt(random, 2 ** 32 + 1)).to.throw(RangeError, /<= 2\^32/);
    });
  });
});
