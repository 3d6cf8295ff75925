import { expect } from 'chai';
import { overheadStability, seriesStability } from '../../harness/stats/stability.js';

const tolerance = { relative: 0.1, absolute: 2 };

describe('stats/stability', () => {
  describe('overheadStability', () => {
    it('accepts a one-tick change of a 20-tick overhead', () => {
      // allowed = max(2, 0.1 · 20) = 2, difference 1.
      expect(overheadStability(20, 21, tolerance)).to.deep.equal({
        stable: true,
        difference: 1,
        allowed: 2,
        message: 'timer overhead went from 20 to 21 ticks, within the 2 allowed',
      });
    });

    it('flags a jump from 20 to 35 ticks', () => {
      expect(overheadStability(20, 35, tolerance)).to.deep.equal({
        stable: false,
        difference: 15,
        allowed: 2,
        message: 'timer overhead went from 20 to 35 ticks (a change of 15), more than the 2 allowed',
      });
    });

    it('bases the relative part on the smaller value, whichever came first', () => {
      // allowed = max(2, 0.1 · 200) = 20 either way; 220 − 200 = 20 is exactly allowed.
      expect(overheadStability(200, 220, tolerance)).to.include({ stable: true, difference: 20, allowed: 20 });
      expect(overheadStability(220, 200, tolerance)).to.include({ stable: true, difference: 20, allowed: 20 });
      expect(overheadStability(200, 221, tolerance)).to.include({ stable: false, allowed: 20 });
    });

    it('uses the absolute floor when the relative part is smaller', () => {
      expect(overheadStability(10, 13, { relative: 0.01, absolute: 3 })).to.include({ stable: true, allowed: 3 });
      expect(overheadStability(10, 13, { relative: 0, absolute: 0 })).to.include({ stable: false, allowed: 0 });
    });

    it('throws a RangeError for negative or non-finite overheads and tolerances', () => {
      expect(() => overheadStability(-1, 20, tolerance)).to.throw(RangeError, /overheadStability: expected before to be a finite overhead >= 0, got -1/);
      expect(() => overheadStability(20, NaN, tolerance)).to.throw(RangeError, /expected after to be a finite overhead >= 0, got NaN/);
      expect(() => overheadStability(20, 20, { relative: -0.1, absolute: 2 })).to.throw(
        RangeError,
        /expected tolerance\.relative to be a finite number >= 0, got -0\.1/,
      );
      expect(() => overheadStability(20, 20, { relative: 0.1, absolute: Infinity })).to.throw(RangeError, /tolerance\.absolute .* got Infinity/);
    });
  });

  describe('seriesStability', () => {
    it('flags the unstable series [20, 20, 21, 35]', () => {
      // min 20, max 35: spread 15 > max(2, 0.1 · 20) = 2.
      expect(seriesStability([20, 20, 21, 35], tolerance)).to.deep.equal({
        stable: false,
        difference: 15,
        allowed: 2,
        message: 'timer overhead varied from 20 to 35 ticks over 4 readings (a spread of 15), more than the 2 allowed',
      });
    });

    it('accepts the stable series [20, 21, 20, 22]', () => {
      expect(seriesStability([20, 21, 20, 22], tolerance)).to.deep.equal({
        stable: true,
        difference: 2,
        allowed: 2,
        message: 'timer overhead stayed between 20 and 22 ticks over 4 readings, within the 2 allowed',
      });
    });

    it('accepts a single reading', () => {
      expect(seriesStability([20], tolerance)).to.deep.equal({
        stable: true,
        difference: 0,
        allowed: 2,
        message: 'timer overhead stayed between 20 and 20 ticks over 1 reading, within the 2 allowed',
      });
    });

    it('computes the allowance from the minimum', () => {
      // 0.1 · 300 = 30 from the minimum; from the maximum (330) it would be 33 and pass.
      expect(seriesStability([330, 300, 315], { relative: 0.1, absolute: 0 })).to.include({ stable: true, allowed: 30 });
      expect(seriesStability([331, 300, 315], { relative: 0.1, absolute: 0 })).to.include({ stable: false, difference: 31 });
    });

    it('throws a RangeError for empty, negative or non-finite readings', () => {
      expect(() => seriesStability([], tolerance)).to.throw(RangeError, /seriesStability: expected at least one value, got an empty array/);
      expect(() => seriesStability([20, NaN], tolerance)).to.throw(RangeError, /finite number at index 1, got NaN/);
      expect(() => seriesStability([20, -3], tolerance)).to.throw(RangeError, /expected value at index 1 to be a finite overhead >= 0, got -3/);
    });
  });
});
