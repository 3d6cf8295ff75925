/**
 * Quantiles by linear interpolation between closest ranks: Hyndman & Fan type 7, the default of
 * R's quantile() and numpy.percentile, so figures can be cross-checked with either tool.
 */

import { formatValue, requireNonEmpty } from './validate.js';

/** Where quantile p falls in a sorted array of length n: two neighbouring ranks and how far between them. */
export interface QuantilePosition {
  lower: number;
  upper: number;
  fraction: number;
}

/**
 * Split out from quantile() so the bootstrap can locate the same ranks in a resample it never
 * materialises, and still agree with quantile() to the last bit.
 */
export function quantilePosition(n: number, p: number): QuantilePosition {
  const h = (n - 1) * p;
  const lower = Math.floor(h);
  return { lower, upper: Math.min(lower + 1, n - 1), fraction: h - lower };
}

/**
 * The clamp only undoes rounding: a + f(b - a) can land an ulp outside [a, b], and a quantile
 * outside the data (or a CI bound beyond max) would look like a bug to whoever reads the report.
 */
export function interpolate(a: number, b: number, fraction: number): number {
  if (fraction === 0 || a === b) return a;
  const value = a + fraction * (b - a);
  return Math.min(Math.max(value, a), b);
}

/**
 * `sorted` must be in ascending order. That is not checked because the summary asks for seven
 * quantiles of the same array and an O(n) check per call would cost more than the lookups.
 */
export function quantile(sorted: ArrayLike<number>, p: number): number {
  requireNonEmpty(sorted, 'quantile');
  if (!(p >= 0 && p <= 1)) {
    throw new RangeError(`quantile: expected p in [0, 1], got ${formatValue(p)}`);
  }
  const { lower, upper, fraction } = quantilePosition(sorted.length, p);
  // Both ranks are within [0, n-1] by construction; the fallbacks exist only for the type checker.
  return interpolate(sorted[lower] ?? NaN, sorted[upper] ?? NaN, fraction);
}

/** With an even count this is the mean of the middle two, as type 7 interpolates half-way between them. */
export function median(sorted: ArrayLike<number>): number {
  requireNonEmpty(sorted, 'median');
  return quantile(sorted, 0.5);
}

/**
 * Median absolute deviation from `mid` (unscaled) of ascending values, equal to
 * median(sort(|x - mid|)) bit for bit but with no array of deviations: the deviations of the
 * values below `mid` ascend leftwards from it and those of the rest rightwards, so the two runs are
 * merged from `mid` outwards up to the middle rank, O(n) and no allocation for a million values.
 */
export function sortedMedianAbsoluteDeviation(sorted: ArrayLike<number>, mid: number): number {
  requireNonEmpty(sorted, 'sortedMedianAbsoluteDeviation');
  const { lower, upper, fraction } = quantilePosition(sorted.length, 0.5);
  let right = 0;
  while (right < sorted.length && sorted[right]! < mid) right += 1;
  let left = right - 1;
  let atLower = NaN;
  for (let rank = 0; rank <= upper; rank++) {
    const fromLeft = left >= 0 ? Math.abs(sorted[left]! - mid) : Infinity;
    const fromRight = right < sorted.length ? Math.abs(sorted[right]! - mid) : Infinity;
    const next = fromLeft < fromRight ? fromLeft : fromRight;
    if (fromLeft < fromRight) left -= 1;
    else right += 1;
    if (rank === lower) atLower = next;
    if (rank === upper) return interpolate(atLower, next, fraction);
  }
  return atLower;
}
