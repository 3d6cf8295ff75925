import { expect } from 'chai';
import { binomial, logFactorial } from '../../harness/stats/binomial.js';
import { createRandom } from '../../harness/stats/random.js';

describe('stats/binomial', () => {
  it('gives ln k! to 1e-13 relative, by table and by Stirling', () => {
    let sum = 0;
    for (let k = 1; k <= 5000; k++) {
      sum += Math.log(k);
      expect(logFactorial(k), `k = ${k}`).to.be.closeTo(sum, sum * 1e-13);
    }
  });

  it('draws the binomial law: frequencies against the pmf for n = 12, mean and variance for large n', () => {
    const random = createRandom(2);
    const n = 12;
    const p = 0.3;
    const counts = new Array<number>(n + 1).fill(0);
    for (let i = 0; i < 100_000; i++) counts[binomial(random, n, p)]! += 1;
    counts.forEach((c, k) => {
      const pmf = Math.exp(logFactorial(n) - logFactorial(k) - logFactorial(n - k)) * p ** k * (1 - p) ** (n - k);
      expect(c / 100_000, `k = ${k}`).to.be.closeTo(pmf, 0.005);
    });
    for (const [size, q] of [
      [1000, 0.01],
      [100_000, 0.5],
      [1_000_000, 0.8],
    ] as const) {
      let sum = 0;
      let squares = 0;
      for (let i = 0; i < 20_000; i++) {
        const x = binomial(random, size, q);
        sum += x;
        squares += x * x;
      }
      const mean = sum / 20_000;
      const variance = squares / 20_000 - mean * mean;
      const sd = Math.sqrt(size * q * (1 - q));
      expect(mean, `n = ${size}`).to.be.closeTo(size * q, (5 * sd) / Math.sqrt(20_000));
      expect(variance / (sd * sd), `n = ${size}`).to.be.closeTo(1, 0.05);
    }
  });

  it('handles the edges: n = 0, p = 0, p = 1', () => {
    const random = createRandom(1);
    expect(binomial(random, 0, 0.5)).to.equal(0);
    expect(binomial(random, 10, 0)).to.equal(0);
    expect(binomial(random, 10, 1)).to.equal(10);
  });
});
