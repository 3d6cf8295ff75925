/**
 * Confidence interval of the median for measurements nested as boots × iterations.
 *
 * Iterations within one boot share that boot's cache layout, frequency, interrupt pattern and
 * page placement, so they are not independent draws: a flat bootstrap over the pooled samples
 * treats 5 boots of 10 000 iterations as 50 000 independent values and gives an interval far too
 * narrow whenever boots differ. The two-level (hierarchical) bootstrap resamples what actually
 * varied independently (Davison & Hinkley 1997, §3.8; Ren et al. 2010, "Nonparametric bootstrapping
 * for hierarchical data"):
 *
 *   1. draw groups.length boots with replacement;
 *   2. within each drawn boot, draw that boot's n samples with replacement;
 *   3. pool everything drawn and take its median;
 *
 * and reports the percentile interval of those medians, as bootstrapMedianCi does. Resampling at
 * both levels slightly overstates the within-boot part of the variance while drawing boots from
 * only a handful understates the between-boot part by about (B-1)/B; with few boots the interval
 * is therefore approximate, but it is honest about boot-to-boot variation, which the flat one
 * is not.
 *
 * Deterministic for a seed: one createRandom(seed) stream, consumed per resample as one draw for
 * each boot followed immediately by that boot's n draws.
 */

import { resolveBootstrapOptions } from './bootstrap-options.js';
import type { BootstrapOptions } from './bootstrap.js';
import { median } from './quantile.js';
import { createRandom } from './random.js';
import { sortAscending } from './sort.js';
import { medianOfCounts, percentileInterval } from './resample.js';
import { requireAllFinite } from './validate.js';

/**
 * All boots' values merged into one ascending array, with each boot's values recorded as ranks
 * into it. Resampling then only increments counts over the merged array, and the pooled median
 * is read off the counts in O(total) instead of sorting up to 2000 pooled resamples of 50 000.
 */
export interface PooledGroups {
  sorted: Float64Array;
  /** ranks[g] lists the positions of boot g's values in `sorted`, ascending (boot g sorted). */
  ranks: Uint32Array[];
}

export function poolGroups(groups: readonly ArrayLike<number>[], who: string): PooledGroups {
  if (groups.length === 0) {
    throw new RangeError(`${who}: expected at least one group, got none`);
  }
  let total = 0;
  groups.forEach((group, g) => {
    if (group.length === 0) {
      throw new RangeError(`${who}: expected at least one value in group ${g}, got an empty array`);
    }
    requireAllFinite(group, `${who} (group ${g})`);
    total += group.length;
  });

  const sorted = new Float64Array(total);
  let at = 0;
  for (const group of groups) {
    sorted.set(group, at);
    at += group.length;
  }
  sortAscending(sorted);
  // Each boot's values, sorted, take the next free rank of their value: ties go to earlier boots
  // first, the order a sort by (value, position in the concatenation) gives, with no comparator.
  const used = new Uint32Array(total);
  const ranks = groups.map((group) => {
    const own = sortAscending(Float64Array.from(group));
    const boot = new Uint32Array(own.length);
    let start = firstAtLeast(sorted, own[0]!);
    own.forEach((x, k) => {
      while (sorted[start]! < x) start += 1;
      boot[k] = start + used[start]!++;
    });
    return boot;
  });
  return { sorted, ranks };
}

/** First index k with sorted[k] >= x. */
function firstAtLeast(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Returns a function drawing the median of one two-level resample from `random`. `counts` is
 * reused between calls, so one sampler must not be shared between concurrent consumers.
 */
export function createHierarchicalMedianSampler(pooled: PooledGroups): (random: () => number) => number {
  const { sorted, ranks } = pooled;
  const boots = ranks.length;
  const counts = new Uint32Array(sorted.length);
  return (random) => {
    counts.fill(0);
    let total = 0;
    for (let b = 0; b < boots; b++) {
      const boot = ranks[Math.floor(random() * boots)]!;
      const n = boot.length;
      for (let k = 0; k < n; k++) counts[boot[Math.floor(random() * n)]!]! += 1;
      total += n;
    }
    // Boots may differ in size, so each pooled resample has its own total and its own median ranks.
    return medianOfCounts(sorted, counts, total);
  };
}

export function hierarchicalBootstrapMedianCi(groups: readonly ArrayLike<number>[], options: BootstrapOptions): [number, number] {
  const who = 'hierarchicalBootstrapMedianCi';
  const pooled = poolGroups(groups, who);
  const { resamples, seed, confidence } = resolveBootstrapOptions(options, who);

  const { sorted } = pooled;
  const first = sorted[0]!;
  // Every resample of equal values is that value; skip the work.
  if (sorted[sorted.length - 1] === first) return [first, first];

  const sample = createHierarchicalMedianSampler(pooled);
  const random = createRandom(seed);
  const medians = new Array<number>(resamples);
  for (let r = 0; r < resamples; r++) medians[r] = sample(random);
  return percentileInterval(medians, confidence);
}

export interface BetweenBootSpread {
  boots: number;
  /** Median of each boot, in the order the groups were given. */
  bootMedians: number[];
  min: number;
  max: number;
  range: number;
  /**
   * range / |median of bootMedians|: the boot-to-boot spread as a fraction of the typical value,
   * comparable across operations that cost 50 or 5000 ticks. 0 when that median is 0, where no
   * fraction is meaningful; `range` still shows the spread.
   */
  relativeRange: number;
  /** Sample standard deviation (n-1 denominator) of bootMedians; 0 for one boot. */
  stddev: number;
}

/**
 * How much the per-boot medians disagree. A large spread next to a narrow within-boot interval is
 * the signature of boot-level effects, and the reason to prefer the hierarchical interval.
 */
export function betweenBootSpread(groups: readonly ArrayLike<number>[]): BetweenBootSpread {
  const who = 'betweenBootSpread';
  if (groups.length === 0) {
    throw new RangeError(`${who}: expected at least one group, got none`);
  }
  const sorted = groups.map((group, g) => {
    if (group.length === 0) {
      throw new RangeError(`${who}: expected at least one value in group ${g}, got an empty array`);
    }
    requireAllFinite(group, `${who} (group ${g})`);
    return sortAscending(Float64Array.from(group));
  });
  return betweenBootSpreadSorted(sorted);
}

/** betweenBootSpread() of groups each already sorted ascending and checked, without copies. */
export function betweenBootSpreadSorted(groups: readonly Float64Array[]): BetweenBootSpread {
  const bootMedians = groups.map((group) => median(group));
  const sorted = [...bootMedians].sort((a, b) => a - b);
  const min = sorted[0]!;
  const max = sorted[sorted.length - 1]!;
  const range = max - min;
  const typical = Math.abs(median(sorted));
  return {
    boots: groups.length,
    bootMedians,
    min,
    max,
    range,
    relativeRange: typical === 0 ? 0 : range / typical,
    stddev: sampleStddev(bootMedians, min, max),
  };
}

/**
 * Two-pass, like summary.ts, because boot medians of large tick counts would cancel in Σx² − n·mean².
 * The clamp keeps the mean of equal medians equal to them (3 × 0.1 / 3 is not 0.1), so identical
 * boots give exactly 0.
 */
function sampleStddev(values: readonly number[], min: number, max: number): number {
  if (values.length < 2) return 0;
  const mean = Math.min(Math.max(values.reduce((sum, x) => sum + x, 0) / values.length, min), max);
  let squares = 0;
  for (const x of values) squares += (x - mean) ** 2;
  return Math.sqrt(squares / (values.length - 1));
}
