import { expect } from 'chai';
import { createRandom } from '../../harness/stats/random.js';
import { isSortedAscending, sortAscending, sortedForReading } from '../../harness/stats/sort.js';

describe('stats/sort', () => {
  it('gives exactly what Float64Array#sort gives, by counting or by comparison', () => {
    const random = createRandom(4);
    const cases = [
      Float64Array.from({ length: 10_000 }, () => 400 + Math.floor(random() * 50)), // integers, narrow: counted
      Float64Array.from({ length: 1000 }, () => Math.floor(random() * 2 ** 40)), // integers, wide: compared
      Float64Array.from({ length: 1000 }, () => random() * 100), // fractions: compared
      Float64Array.from([5, -3, 0, 2, 2, -3, 9]), // negatives counted from the minimum
      Float64Array.from([0, -0, 1, -0]), // -0 left to the engine, which puts it first
      new Float64Array(0),
      Float64Array.from([7]),
    ];
    for (const values of cases) {
      const expected = Float64Array.from(values).sort();
      const sorted = sortAscending(values);
      expect(sorted).to.equal(values, 'sorts in place');
      expect(Array.from(sorted).map((x) => (Object.is(x, -0) ? '-0' : x))).to.deep.equal(Array.from(expected).map((x) => (Object.is(x, -0) ? '-0' : x)));
    }
  });

  it('knows values already in the order the sort gives, and no others', () => {
    expect(isSortedAscending(Float64Array.from([1, 2, 2, 3]))).to.equal(true);
    expect(isSortedAscending(Float64Array.from([-0, -0, 0, 0, 1]))).to.equal(true);
    expect(isSortedAscending(new Float64Array(0))).to.equal(true);
    expect(isSortedAscending(Float64Array.from([7]))).to.equal(true);
    expect(isSortedAscending(Float64Array.from([2, 1]))).to.equal(false);
    expect(isSortedAscending(Float64Array.from([0, -0])), 'the sort puts -0 first').to.equal(false);
    expect(isSortedAscending(Float64Array.from([1, NaN])), 'NaN').to.equal(false);
    expect(isSortedAscending(Float64Array.from([NaN]))).to.equal(false);
  });

  it('reads sorted Float64Arrays in place and copies anything else, giving what a sorted copy gives', () => {
    const sorted = Float64Array.from([1, 2, 2, 5]);
    expect(sortedForReading(sorted)).to.equal(sorted);
    for (const values of [Float64Array.from([5, 1, 2, 2]), [1, 2, 2, 5], Uint32Array.from([1, 2, 2, 5]), Float64Array.from([0, -0, 3])]) {
      const read = sortedForReading(values);
      expect(read).to.not.equal(values);
      expect(Array.from(read).map((x) => (Object.is(x, -0) ? '-0' : x))).to.deep.equal(
        Array.from(Float64Array.from(values).sort()).map((x) => (Object.is(x, -0) ? '-0' : x)),
      );
    }
    expect(Array.from(Float64Array.from([5, 1, 2]))).to.deep.equal([5, 1, 2], 'the input is left as it was');
  });
});
