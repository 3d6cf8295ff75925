import { expect } from 'chai';
import { empiricalCdf, histogram, niceStep, sortedValues } from '../../../harness/report/html/distribution-data.js';

describe('report.html distribution data', () => {
  it('bins whole ticks over a short range one value per bin, centred on it', () => {
    const h = histogram(sortedValues([5, 3, 3, 4, 3]));
    expect(h.bins).to.deep.equal([
      { x0: 2.5, x1: 3.5, count: 3 },
      { x0: 3.5, x1: 4.5, count: 1 },
      { x0: 4.5, x1: 5.5, count: 1 },
    ]);
    expect([h.below, h.above, h.n]).to.deep.equal([0, 0, 5]);
  });

  it('bins the body, the quartiles widened by 5 IQR, in about 40 nice bins, counting the tail it leaves out', () => {
    const values = Array.from({ length: 1000 }, (_, i) => 1000 + i);
    values.push(1e6, 2e6, 3e6, 4e6);
    const h = histogram(sortedValues(values));
    // Quartiles 1251 and 1752 (nearest rank): the body ends at 1752 + 5 * 501 = 4257, 3257 wide, in bins of 100.
    expect(h.shown).to.deep.equal([1000, 4257]);
    expect([...new Set(h.bins.map((b) => b.x1 - b.x0))]).to.deep.equal([100]);
    expect([h.below, h.above, h.max]).to.deep.equal([0, 4, 4e6]);
    expect(h.bins.reduce((sum, b) => sum + b.count, 0) + h.below + h.above).to.equal(values.length);
  });

  it('bins the central 99% when the quartiles coincide', () => {
    const values = [...Array.from({ length: 990 }, () => 500), ...Array.from({ length: 10 }, (_, i) => 600 + i)];
    const h = histogram(sortedValues(values));
    expect(h.shown).to.deep.equal([500, 605]);
    expect([h.below, h.above]).to.deep.equal([0, 4]);
  });

  it('picks steps of 1, 2, 2.5 or 5 times a power of ten', () => {
    expect([0.7, 1, 1.2, 2.2, 3, 7, 12, 240].map(niceStep)).to.deep.equal([1, 1, 2, 2.5, 5, 10, 20, 250]);
  });

  it('draws a CDF of one repeated value as one step from 0 to 1', () => {
    expect(empiricalCdf(sortedValues([7, 7, 7]))).to.deep.equal([
      { x: 7, p: 0 },
      { x: 7, p: 1 },
    ]);
  });

  it('keeps at most 160 values per CDF curve, with the minimum and the maximum, non-decreasing', () => {
    const values = Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 100_003);
    const points = empiricalCdf(sortedValues(values));
    expect(points.length).to.be.at.most(320);
    expect(points[0]).to.deep.equal({ x: Math.min(...values), p: 0 });
    expect(points[points.length - 1]).to.deep.equal({ x: Math.max(...values), p: 1 });
    for (let i = 1; i < points.length; i++) {
      expect(points[i]!.x).to.be.at.least(points[i - 1]!.x);
      expect(points[i]!.p).to.be.at.least(points[i - 1]!.p);
    }
  });
});
