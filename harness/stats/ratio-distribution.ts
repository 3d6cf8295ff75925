/**
 * Percentiles of B / A for independent discrete A and B, each given by its distinct values and
 * probabilities (here the exact bootstrap distributions of two medians, exact-median.ts).
 *
 * Method: the distribution function of the ratio is
 *
 *   F(t) = P(B / A ≤ t) = Σ_k P(A = a_k) · P(B / a_k ≤ t),
 *
 * the convolution of the two laws on the ratio's support (Springer 1979, "The Algebra of Random
 * Variables", ch. 4, for a ratio of independent variables). For fixed a_k the computed quotient
 * b / a_k is monotone in b (non-decreasing for a_k > 0, non-increasing for a_k < 0), so P(B / a_k ≤ t)
 * is one bisection into B's cumulative probabilities: F(t) costs O(|A| log |B|), never |A| × |B|.
 * F is a step function whose jumps sit exactly at the computed quotients b / a, so bisecting t
 * over doubles until the bracket closes to adjacent doubles lands on one of them: the p-quantile
 * is the smallest quotient with F ≥ p, the limit of the type 7 quantile of resampled ratios.
 */

import type { DiscreteDistribution } from './exact-median.js';

/** Cumulative probabilities of an ascending distribution: cumulative[k] = P(X ≤ values[k]). */
function cumulativeOf(distribution: DiscreteDistribution): Float64Array {
  const cumulative = new Float64Array(distribution.probabilities.length);
  let sum = 0;
  distribution.probabilities.forEach((p, k) => (cumulative[k] = sum += p));
  return cumulative;
}

/** P(B / a ≤ t) for a ≠ 0, with B's values ascending. */
function quotientCdf(bValues: Float64Array, bCumulative: Float64Array, a: number, t: number): number {
  const n = bValues.length;
  let lo = 0;
  let hi = n;
  if (a > 0) {
    // The number of b with b / a ≤ t: they form a prefix.
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (bValues[mid]! / a <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? 0 : bCumulative[lo - 1]!;
  }
  // a < 0: the b with b / a ≤ t form a suffix; find where it starts.
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (bValues[mid]! / a <= t) hi = mid;
    else lo = mid + 1;
  }
  return lo === 0 ? 1 : 1 - bCumulative[lo - 1]!;
}

export interface RatioLaw {
  /** P(B / A ≤ t). */
  cdf: (t: number) => number;
  /** The smallest and largest quotient b / a over both supports. */
  min: number;
  max: number;
}

/** A must give no probability to 0 (the caller checks, to name it in its own words). */
export function ratioLaw(a: DiscreteDistribution, b: DiscreteDistribution): RatioLaw {
  const bCumulative = cumulativeOf(b);
  const bFirst = b.values[0]!;
  const bLast = b.values[b.values.length - 1]!;
  let min = Infinity;
  let max = -Infinity;
  for (const x of a.values) {
    min = Math.min(min, bFirst / x, bLast / x);
    max = Math.max(max, bFirst / x, bLast / x);
  }
  const cdf = (t: number): number => {
    let sum = 0;
    for (let k = 0; k < a.values.length; k++) sum += a.probabilities[k]! * quotientCdf(b.values, bCumulative, a.values[k]!, t);
    return sum;
  };
  return { cdf, min, max };
}

/** The smallest t with cdf(t) ≥ p, found by bisection over doubles (see the module comment). */
export function ratioQuantile(law: RatioLaw, p: number): number {
  if (law.cdf(law.min) >= p) return law.min;
  // Invariant: cdf(lo) < p ≤ cdf(hi) (cdf(max) is 1 up to rounding; max is then the answer).
  let lo = law.min;
  let hi = law.max;
  for (;;) {
    const mid = lo / 2 + hi / 2;
    if (mid <= lo || mid >= hi) return hi;
    if (law.cdf(mid) >= p) hi = mid;
    else lo = mid;
  }
}
