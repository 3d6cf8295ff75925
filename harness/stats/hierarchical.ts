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
 * each boot, then the binomial draws that locate the pooled median (createHierarchicalMedianSampler).
 */

import { resolveBootstrapOptions } from './bootstrap-options.js';
import type { BootstrapOptions } from './bootstrap.js';
import { createRandom } from './random.js';
import { sortAscending, sortedForReading } from './sort.js';
import { binomial } from './binomial.js';
import { interpolate, median, quantilePosition } from './quantile.js';
import { percentileInterval } from './resample.js';
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
  return {
    sorted,
    ranks: rankGroups(
      sorted,
      groups.map((group) => sortedForReading(group)),
    ),
  };
}

/**
 * Each boot's positions in the merged array, for boots each sorted ascending and `sorted` their
 * union, sorted. Each boot's values take the next free rank of their value: ties go to earlier boots
 * first, the order a sort by (value, position in the concatenation) gives, with no comparator.
 */
function rankGroups(sorted: Float64Array, sortedGroups: readonly Float64Array[]): Uint32Array[] {
  const used = new Uint32Array(sorted.length);
  return sortedGroups.map((own) => {
    const boot = new Uint32Array(own.length);
    let start = firstAtLeast(sorted, own[0]!);
    own.forEach((x, k) => {
      while (sorted[start]! < x) start += 1;
      boot[k] = start + used[start]!++;
    });
    return boot;
  });
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
 * Returns a function drawing the median of one two-level resample from `random`.
 *
 * The boot level is drawn as it always was: one uniform per boot. The iterations within the drawn
 * boots are not drawn one by one (resamples × n draws, 2·10^9 for a million samples) but only as
 * far as the median needs (binomial splitting; Devroye 1986, "Non-Uniform Random Variate
 * Generation", §XIV.4 on generating order statistics by bisection): copy c of boot g holds n_g draws
 * uniform over boot g's positions in the merged sorted array; halving a position interval, the
 * number of a copy's draws in the left half is Bin(k, share of g's positions there), and the descent
 * follows the half that holds the median's ranks. That is the same law as drawing every sample and
 * counting, at about log2(N) binomial draws per drawn boot per resample. Scratch arrays are reused
 * between calls, so one sampler must not be shared between concurrent consumers.
 */
export function createHierarchicalMedianSampler(pooled: PooledGroups): (random: () => number) => number {
  const { sorted, ranks } = pooled;
  const boots = ranks.length;
  const drawn = new Int32Array(boots);
  const scratch = { counts: new Float64Array(boots), left: new Float64Array(boots), inner: new Float64Array(boots) };
  return (random) => {
    let total = 0;
    for (let c = 0; c < boots; c++) {
      const g = Math.floor(random() * boots);
      drawn[c] = g;
      scratch.counts[c] = ranks[g]!.length;
      total += ranks[g]!.length;
    }
    // Boots may differ in size, so each pooled resample has its own total and its own median ranks.
    const { lower, upper, fraction } = quantilePosition(total, 0.5);
    const split = { ranks, drawn, random };
    const [atLower, atUpper] = selectPair(split, scratch, sorted.length, lower, upper);
    return interpolate(sorted[atLower]!, sorted[atUpper]!, fraction);
  };
}

interface Split {
  ranks: Uint32Array[];
  drawn: Int32Array;
  random: () => number;
}

interface Scratch {
  counts: Float64Array;
  left: Float64Array;
  inner: Float64Array;
}

/** Positions of boot g in [lo, hi) of the merged array. */
function owned(ranks: Uint32Array, lo: number, hi: number): number {
  return firstAtLeastRank(ranks, hi) - firstAtLeastRank(ranks, lo);
}

function firstAtLeastRank(ranks: Uint32Array, x: number): number {
  let lo = 0;
  let hi = ranks.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ranks[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Draws into `left` each copy's share of `counts` in [lo, mid) of [lo, hi); returns their sum. */
function splitCounts(split: Split, counts: Float64Array, left: Float64Array, lo: number, mid: number, hi: number): number {
  let sum = 0;
  for (let c = 0; c < counts.length; c++) {
    const k = counts[c]!;
    if (k === 0) {
      left[c] = 0;
      continue;
    }
    const g = split.drawn[c]!;
    const share = owned(split.ranks[g]!, lo, mid) / owned(split.ranks[g]!, lo, hi);
    left[c] = binomial(split.random, k, share);
    sum += left[c]!;
  }
  return sum;
}

/** Positions of the pooled ranks a ≤ b (b ≤ a + 1), descending together until they part. */
function selectPair(split: Split, scratch: Scratch, n: number, a: number, b: number): [number, number] {
  const { counts, left, inner } = scratch;
  let lo = 0;
  let hi = n;
  let ra = a;
  let rb = b;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    const inLeft = splitCounts(split, counts, left, lo, mid, hi);
    if (rb < inLeft) {
      counts.set(left);
      hi = mid;
    } else if (ra >= inLeft) {
      for (let c = 0; c < counts.length; c++) counts[c]! -= left[c]!;
      ra -= inLeft;
      rb -= inLeft;
      lo = mid;
    } else {
      // The ranks part: the two halves' draws are independent given their counts.
      for (let c = 0; c < counts.length; c++) counts[c]! -= left[c]!;
      const atA = selectOne(split, left, inner, lo, mid, ra);
      return [atA, selectOne(split, counts, inner, mid, hi, rb - inLeft)];
    }
  }
  return [lo, lo];
}

/** Position of rank r among the draws `counts` hold in [lo, hi); `counts` is consumed. */
function selectOne(split: Split, counts: Float64Array, left: Float64Array, from: number, to: number, r: number): number {
  let lo = from;
  let hi = to;
  let rank = r;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    const inLeft = splitCounts(split, counts, left, lo, mid, hi);
    if (rank < inLeft) {
      counts.set(left);
      hi = mid;
    } else {
      for (let c = 0; c < counts.length; c++) counts[c]! -= left[c]!;
      rank -= inLeft;
      lo = mid;
    }
  }
  return lo;
}

export function hierarchicalBootstrapMedianCi(groups: readonly ArrayLike<number>[], options: BootstrapOptions): [number, number] {
  const who = 'hierarchicalBootstrapMedianCi';
  const pooled = poolGroups(groups, who);
  return pooledInterval(pooled, resolveBootstrapOptions(options, who));
}

/**
 * The same interval for boots already checked and each sorted ascending, with `sorted` their union
 * sorted (resultEntry has both): no copies beyond the ranks, 4 bytes a sample.
 */
export function hierarchicalBootstrapMedianCiSorted(sortedGroups: readonly Float64Array[], sorted: Float64Array, options: BootstrapOptions): [number, number] {
  const resolved = resolveBootstrapOptions(options, 'hierarchicalBootstrapMedianCi');
  return pooledInterval({ sorted, ranks: rankGroups(sorted, sortedGroups) }, resolved);
}

function pooledInterval(pooled: PooledGroups, { resamples, seed, confidence }: { resamples: number; seed: number; confidence: number }): [number, number] {
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
