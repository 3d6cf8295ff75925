import { expect } from 'chai';
import { subtractOverhead, type OverheadCorrected } from '../../harness/stats/overhead.js';

/** The result with its typed values as a plain array, for deep equality. */
function plain(result: OverheadCorrected): { values: number[]; clamped: number } {
  return { values: Array.from(result.values), clamped: result.clamped };
}

describe('stats/overhead', () => {
  it('subtracts the overhead once per sample and divides by the operations', () => {
    // (110-10)/10, (120-10)/10, (135-10)/10
    expect(plain(subtractOverhead([110, 120, 135], 10, 10))).to.deep.equal({ values: [10, 11, 12.5], clamped: 0 });
  });

  it('clamps samples below the overhead at 0 and counts them', () => {
    // 5-10 < 0 → clamped; 10-10 = 0 is not clamped; (20-10)/2 = 5; 3-10 < 0 → clamped.
    expect(plain(subtractOverhead([5, 10, 20, 3], 10, 2))).to.deep.equal({ values: [0, 0, 5, 0], clamped: 2 });
  });

  it('returns a copy when there is nothing to subtract', () => {
    const raw = [4, 8, 15];
    const result = subtractOverhead(raw, 0, 1);
    expect(plain(result)).to.deep.equal({ values: [4, 8, 15], clamped: 0 });
    expect(result.values).to.not.equal(raw);
  });

  it('accepts an empty sample list', () => {
    expect(plain(subtractOverhead([], 3, 1))).to.deep.equal({ values: [], clamped: 0 });
  });

  it('rejects opsPerSample that is not an integer >= 1', () => {
    expect(() => subtractOverhead([1], 0, 0)).to.throw(RangeError, /opsPerSample to be an integer >= 1, got 0/);
    expect(() => subtractOverhead([1], 0, 2.5)).to.throw(RangeError, /got 2\.5/);
    expect(() => subtractOverhead([1], 0, NaN)).to.throw(RangeError, /got NaN/);
  });

  it('rejects a negative or non-finite overhead', () => {
    expect(() => subtractOverhead([1], -1, 1)).to.throw(RangeError, /expected a finite overhead >= 0, got -1/);
    expect(() => subtractOverhead([1], NaN, 1)).to.throw(RangeError, /got NaN/);
    expect(() => subtractOverhead([1], Infinity, 1)).to.throw(RangeError, /got Infinity/);
  });

  it('rejects non-finite samples, naming the index', () => {
    expect(() => subtractOverhead([1, 2, NaN], 0, 1)).to.throw(RangeError, /finite number at index 2, got NaN/);
  });
});
