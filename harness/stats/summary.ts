/**
 * One-call description of a sample, after hyperfine's statistics (min, max, mean, sample
 * standard deviation, median) plus the tail percentiles, a robust spread (MAD) and a bootstrap
 * interval for the median, which is the figure the reports compare across systems.
 */

import { sortedMedianCi } from './bootstrap.js';
import { sortAscending } from './sort.js';
import { resolveBootstrapOptions } from './bootstrap-options.js';
import { median, quantile, sortedMedianAbsoluteDeviation } from './quantile.js';
import { requireAllFinite, requireNonEmpty } from './validate.js';

export interface Summary {
  n: number;
  min: number;
  max: number;
  mean: number;
  /** Sample standard deviation (n-1 denominator); 0 when n === 1. */
  stddev: number;
  median: number;
  p1: number;
  p5: number;
  p25: number;
  p75: number;
  p95: number;
  p99: number;
  /** Median absolute deviation from the median, unscaled (no 1.4826 factor). */
  mad: number;
  /** Bootstrap confidence interval of the median at 95%. */
  ci95: [number, number];
}

export interface SummaryOptions {
  resamples: number;
  seed: number;
}

/**
 * Works on a typed copy of `values`: a Float64Array sorts natively (no comparator calls) and
 * costs 8 bytes a value, where a sorted number[] copy would cost a comparator call per comparison
 * and more memory for a million samples.
 */
export function summarize(values: ArrayLike<number>, options: SummaryOptions): Summary {
  requireNonEmpty(values, 'summarize');
  requireAllFinite(values, 'summarize');
  const { confidence } = resolveBootstrapOptions({ resamples: options.resamples, seed: options.seed, confidence: 0.95 }, 'bootstrapMedianCi');

  return summarizeSorted(sortAscending(Float64Array.from(values)), confidence);
}

/** summarize() of values already sorted ascending and checked: the caller's array is used as is. */
export function summarizeSorted(sorted: Float64Array, confidence = 0.95): Summary {
  const n = sorted.length;
  const min = sorted[0]!;
  const max = sorted[n - 1]!;
  const mean = meanWithin(sorted, min, max);
  const mid = median(sorted);

  return {
    n,
    min,
    max,
    mean,
    stddev: sampleStddev(sorted, mean),
    median: mid,
    p1: quantile(sorted, 0.01),
    p5: quantile(sorted, 0.05),
    p25: quantile(sorted, 0.25),
    p75: quantile(sorted, 0.75),
    p95: quantile(sorted, 0.95),
    p99: quantile(sorted, 0.99),
    mad: sortedMedianAbsoluteDeviation(sorted, mid),
    ci95: sortedMedianCi(sorted, confidence),
  };
}

/**
 * Neumaier-compensated sum, because tick counts in the 1e9 range summed over 1e5 samples lose
 * low digits in a plain sum. The clamp only undoes the final division's rounding, which could put
 * the mean of identical values an ulp away from them and make their stddev non-zero.
 */
function meanWithin(values: Float64Array, min: number, max: number): number {
  let sum = 0;
  let compensation = 0;
  // Indexed rather than for-of: the same additions in the same order, and cheaper before the loop is optimised (a fresh process sums each array once).
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    const t = sum + x;
    compensation += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  return Math.min(Math.max((sum + compensation) / values.length, min), max);
}

/** Two-pass (deviations from the mean) rather than Σx² − n·mean², which cancels catastrophically for large ticks. */
function sampleStddev(values: Float64Array, mean: number): number {
  if (values.length < 2) return 0;
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i]! - mean) ** 2;
  return Math.sqrt(squares / (values.length - 1));
}
