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
 * values below `mid` ascend leftwards from it and those of the rest rightwards, two sorted runs
 * whose middle ranks are found by bisection (the k-th smallest of two sorted runs), in O(log n)
 * reads and no allocation for a million values. Each rank is an order statistic of the same
 * deviations, so it is the value merging the runs would reach, whatever the ties.
 */
export function sortedMedianAbsoluteDeviation(sorted: ArrayLike<number>, mid: number): number {
  requireNonEmpty(sorted, 'sortedMedianAbsoluteDeviation');
  const n = sorted.length;
  const { lower, upper, fraction } = quantilePosition(n, 0.5);
  let split = 0;
  for (let hi = n; split < hi;) {
    const m = (split + hi) >>> 1;
    if (sorted[m]! < mid) split = m + 1;
    else hi = m;
  }
  const runs: DeviationRuns = { sorted, mid, split };
  return interpolate(kthDeviation(runs, lower), kthDeviation(runs, upper), fraction);
}

/** The values below `mid` are sorted[0, split); the rest are from split on. */
interface DeviationRuns {
  sorted: ArrayLike<number>;
  mid: number;
  split: number;
}

/**
 * The k-th smallest (from 0) deviation: of left deviations |sorted[split-1-i] - mid| and right ones
 * |sorted[split+j] - mid|, each ascending, the first i (taken from the left among the k+1 smallest)
 * at which no left deviation left out is below a right one taken; the k-th is the larger of the
 * last taken from each side.
 */
function kthDeviation({ sorted, mid, split }: DeviationRuns, k: number): number {
  const leftCount = split;
  const rightCount = sorted.length - split;
  const left = (i: number) => Math.abs(sorted[split - 1 - i]! - mid);
  const right = (j: number) => Math.abs(sorted[split + j]! - mid);
  let lo = Math.max(0, k + 1 - rightCount);
  let hi = Math.min(k + 1, leftCount);
  while (lo < hi) {
    const i = (lo + hi) >>> 1;
    if (left(i) < right(k - i)) lo = i + 1;
    else hi = i;
  }
  const j = k + 1 - lo;
  return Math.max(lo > 0 ? left(lo - 1) : -Infinity, j > 0 ? right(j - 1) : -Infinity);
}
