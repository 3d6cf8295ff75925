import { expect } from 'chai';
import { createRandom } from '../../harness/stats/random.js';
import { sortAscending } from '../../harness/stats/sort.js';

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
});
