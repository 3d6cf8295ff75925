import { expect } from 'chai';
import { classifyOutliers } from '../../harness/stats/outliers.js';
import { createRandom } from '../../harness/stats/random.js';

describe('stats/outliers', () => {
  // Sorted: −20, 2, 4, 4, 4, 5, 5, 7, 9, 30.
  const values = [2, 4, 30, 4, 4, 5, 5, 7, 9, -20];

  it('counts one low and one high outlier by modified z-score', () => {
    // Median (4 + 5)/2 = 4.5; |x − 4.5| sorted 0.5×5, 2.5, 2.5, 4.5, 24.5, 25.5 → MAD (0.5 + 2.5)/2 = 1.5.
    // Fences 4.5 ± 3.5 · 1.4826 · 1.5 = 4.5 ± 7.78365: only −20 and 30 lie outside.
    const result = classifyOutliers(values, 'mad');
    expect(result).to.include({ method: 'mad', low: 1, high: 1, total: 2 });
    expect(result.lowFence).to.be.closeTo(-3.28365, 1e-12);
    expect(result.highFence).to.be.closeTo(12.28365, 1e-12);
    expect(result.description).to.equal(
      '2 of 10 values outside the modified z-score fences (|x - median| / (1.4826 MAD) > 3.5) [-3.28365, 12.2836]: 1 low, 1 high; none removed',
    );
  });

  it('counts one low and one high outlier by Tukey fences', () => {
    // Type 7: Q1 at h = 2.25 → 4, Q3 at h = 6.75 → 5 + 0.75·2 = 6.5; IQR 2.5; fences 0.25 and 10.25.
    const result = classifyOutliers(values, 'tukey');
    expect(result).to.deep.equal({
      method: 'tukey',
      low: 1,
      high: 1,
      total: 2,
      lowFence: 0.25,
      highFence: 10.25,
      description: '2 of 10 values outside the Tukey fences (Q1 - 1.5 IQR, Q3 + 1.5 IQR) [0.25, 10.25]: 1 low, 1 high; none removed',
    });
  });

  it('lets the two rules disagree where Tukey is stricter', () => {
    // 1..10, 18: median 6, MAD 3 → fences 6 ± 15.5673, nothing outside.
    // Q1 at h = 2.5 → 3.5, Q3 at h = 7.5 → 8.5, IQR 5 → fences −4 and 16: 18 is high.
    const series = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 18];
    expect(classifyOutliers(series, 'mad')).to.include({ low: 0, high: 0, total: 0 });
    expect(classifyOutliers(series, 'tukey')).to.include({ low: 0, high: 1, total: 1, lowFence: -4, highFence: 16 });
  });

  it('collapses the MAD fences onto the median when MAD is 0, and says so', () => {
    // Sorted 99, 100×5, 101, 130: median 100, deviations 0×5, 1, 1, 30 → MAD 0.
    const result = classifyOutliers([100, 100, 101, 100, 99, 100, 130, 100], 'mad');
    expect(result).to.include({ low: 1, high: 2, total: 3, lowFence: 100, highFence: 100 });
    expect(result.description).to.match(/^3 of 8 values outside .* \[100, 100\]: 1 low, 2 high; none removed\. /);
    expect(result.description).to.match(/MAD is 0 \(at least half the values equal the median 100\), so the fences collapse onto the median/);
  });

  it('collapses the Tukey fences when IQR is 0, and says so', () => {
    // 5×7, 6, 9: Q1 (h = 2) and Q3 (h = 6) are both 5.
    const result = classifyOutliers([5, 5, 9, 5, 5, 6, 5, 5, 5], 'tukey');
    expect(result).to.include({ low: 0, high: 2, total: 2, lowFence: 5, highFence: 5 });
    expect(result.description).to.match(/IQR is 0 \(the middle half of the values all equal 5\)/);
  });

  it('finds nothing in a constant series or a single value', () => {
    for (const method of ['mad', 'tukey'] as const) {
      expect(classifyOutliers([7, 7, 7], method)).to.include({ low: 0, high: 0, total: 0, lowFence: 7, highFence: 7 });
      expect(classifyOutliers([3], method)).to.include({ total: 0 });
    }
  });

  it('does not count a value exactly on a fence', () => {
    // Sorted −2, 1, 1, 2, 2, 2, 3, 3, 6: Q1 (h = 2) 1, Q3 (h = 6) 3, IQR 2 → fences −2 and 6, on the extremes.
    expect(classifyOutliers([2, 6, 1, 3, 2, -2, 3, 1, 2], 'tukey')).to.include({ lowFence: -2, highFence: 6, total: 0 });
    expect(classifyOutliers([2, 6.5, 1, 3, 2, -2, 3, 1, 2], 'tukey')).to.include({ lowFence: -2, highFence: 6, high: 1 });
  });

  it('counts what a comparison of every value with the fences counts, with ties on and around them', () => {
    const random = createRandom(12);
    for (let t = 0; t < 500; t++) {
      const values = Array.from({ length: 1 + Math.floor(random() * 300) }, () => 400 + Math.floor(-Math.log(1 - random()) * 3) + (random() < 0.05 ? 900 : 0));
      for (const method of ['mad', 'tukey'] as const) {
        const counts = classifyOutliers(values, method);
        const low = values.filter((x) => x < counts.lowFence).length;
        const high = values.filter((x) => x > counts.highFence).length;
        expect(counts, `${method} of [${values.join(', ')}]`).to.include({ low, high, total: low + high });
      }
    }
  });

  it('does not reorder its input', () => {
    const input = [3, 1, 2, 100];
    classifyOutliers(input, 'mad');
    classifyOutliers(input, 'tukey');
    expect(input).to.deep.equal([3, 1, 2, 100]);
  });

  it('throws a RangeError for empty or non-finite input or an unknown method', () => {
    expect(() => classifyOutliers([], 'mad')).to.throw(RangeError, /classifyOutliers: expected at least one value, got an empty array/);
    expect(() => classifyOutliers([1, NaN], 'tukey')).to.throw(RangeError, /finite number at index 1, got NaN/);
    expect(() => classifyOutliers([1], 'iqr' as 'mad')).to.throw(RangeError, /expected method 'mad' or 'tukey', got "iqr"/);
  });
});
