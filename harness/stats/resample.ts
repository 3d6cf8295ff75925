/**
 * Building blocks for bootstraps that resample through a caller-owned random stream, so that two
 * samples (a ratio) or two levels (boots, then iterations) can share one seed and stay
 * reproducible. They use the counting trick described in bootstrap.ts: a resample of sorted
 * observations is kept as how often each index was drawn, and its median is read off the counts
 * in O(n) without sorting; the result is exactly the median of the sorted resample.
 */

import { interpolate, quantile, quantilePosition } from './quantile.js';

/**
 * Median (type 7) of the multiset holding sorted[i] counts[i] times; `total` must be the sum of
 * the counts. `sorted` must be ascending.
 */
export function medianOfCounts(sorted: ArrayLike<number>, counts: Uint32Array, total: number): number {
  const { lower, upper, fraction } = quantilePosition(total, 0.5);
  let seen = 0;
  let index = 0;
  while (seen + counts[index]! <= lower) seen += counts[index++]!;
  const atLower = sorted[index]!;
  while (seen + counts[index]! <= upper) seen += counts[index++]!;
  return interpolate(atLower, sorted[index]!, fraction);
}

/**
 * Median of one resample of `sorted` (n draws with replacement). Consumes n values of `random`
 * in the same way as resampleMedians() in bootstrap.ts, so from a fresh createRandom(seed) it
 * reproduces that function's first median. `counts` is scratch space of length n.
 */
export function resampledMedian(sorted: Float64Array, counts: Uint32Array, random: () => number): number {
  const n = sorted.length;
  counts.fill(0);
  for (let k = 0; k < n; k++) counts[Math.floor(random() * n)]! += 1;
  return medianOfCounts(sorted, counts, n);
}

/** Percentile interval of bootstrap estimates; sorts `estimates` in place. */
export function percentileInterval(estimates: number[], confidence: number): [number, number] {
  estimates.sort((a, b) => a - b);
  return [quantile(estimates, (1 - confidence) / 2), quantile(estimates, (1 + confidence) / 2)];
}
