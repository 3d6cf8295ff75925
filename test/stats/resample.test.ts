import { expect } from 'chai';
import { resampleMedians } from '../../harness/stats/bootstrap.js';
import { median } from '../../harness/stats/quantile.js';
import { createRandom } from '../../harness/stats/random.js';
import { medianOfCounts, percentileInterval, resampledMedian } from '../../harness/stats/resample.js';

describe('stats/resample', () => {
  it('medianOfCounts reads the median of the multiset the counts describe', () => {
    // {1, 1, 1, 4, 9, 9}: sorted middle pair 1 and 4 → 2.5.
    expect(medianOfCounts([1, 4, 7, 9], Uint32Array.from([3, 1, 0, 2]), 6)).to.equal(2.5);
    // {4, 7, 7}: middle 7.
    expect(medianOfCounts([1, 4, 7, 9], Uint32Array.from([0, 1, 2, 0]), 3)).to.equal(7);
    const multiset = [1, 1, 1, 4, 9, 9];
    expect(medianOfCounts([1, 4, 7, 9], Uint32Array.from([3, 1, 0, 2]), 6)).to.equal(median(multiset));
  });

  it('resampledMedian reproduces resampleMedians from bootstrap.ts on a shared stream', () => {
    const sorted = Float64Array.from([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]).sort();
    const counts = new Uint32Array(sorted.length);
    const random = createRandom(31);
    const shared = Array.from({ length: 200 }, () => resampledMedian(sorted, counts, random));
    expect(shared).to.deep.equal(resampleMedians(sorted, 200, 31));
  });

  it('percentileInterval takes the type 7 quantiles of the estimates', () => {
    // 1..11 sorted, p = 0.25 → h = 2.5 → 3.5; p = 0.75 → h = 7.5 → 8.5.
    expect(percentileInterval([11, 1, 10, 2, 9, 3, 8, 4, 7, 5, 6], 0.5)).to.deep.equal([3.5, 8.5]);
  });
});
