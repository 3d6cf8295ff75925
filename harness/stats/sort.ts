/**
 * Ascending sort of a Float64Array in place, with the same result as Float64Array.prototype.sort().
 *
 * Timer samples are integers (ticks, or instructions under icount) over a range that is small next
 * to their count: a million syscall samples span a few thousand ticks. A counting sort (Knuth, TAOCP
 * vol. 3, §5.2, "distribution counting") orders those in two linear passes, several times faster
 * than the comparison sort the engine uses, and every integer below 2^53 is written back exactly,
 * so the array is bit for bit what the comparison sort gives. Anything else (fractions after a
 * division by operations per sample, or a range wider than the count allows) takes the engine's sort.
 */

/** Counting pays when the range is within a few times the count; the constant keeps small arrays on it too. */
const RANGE_PER_VALUE = 4;
const RANGE_SLACK = 4096;

export function sortAscending(values: Float64Array): Float64Array {
  const n = values.length;
  if (n < 2) return values;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    // -0 is left to the engine's sort, which orders it before +0; a counting sort would make it +0.
    // (1 / x < 0 is -0's test, cheaper per value than Object.is.)
    if (!Number.isInteger(x) || (x === 0 && 1 / x < 0)) return values.sort();
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const range = max - min;
  if (range > RANGE_PER_VALUE * n + RANGE_SLACK) return values.sort();
  const counts = new Uint32Array(range + 1);
  for (let i = 0; i < n; i++) counts[values[i]! - min]! += 1;
  let at = 0;
  for (let k = 0; k <= range; k++) {
    const c = counts[k]!;
    if (c !== 0) {
      values.fill(min + k, at, at + c);
      at += c;
    }
  }
  return values;
}

/**
 * Whether `values` is already in the order sortAscending (and Float64Array.prototype.sort) gives:
 * then the sort changes nothing, and a caller that would copy and sort may use the values as they
 * are. NaN (sorted last by the engine) and a +0 before a -0 (sorted after it) count as unsorted.
 */
export function isSortedAscending(values: ArrayLike<number>): boolean {
  for (let i = 1; i < values.length; i++) {
    const before = values[i - 1]!;
    const x = values[i]!;
    if (!(before < x || (before === x && !(x === 0 && Object.is(x, -0) && !Object.is(before, -0))))) return false;
  }
  return values.length === 0 || !Number.isNaN(values[0]);
}

/**
 * `values` sorted ascending, to be read only: the values themselves when they are a Float64Array
 * already in order (figures' groups are sorted once where they are made, and a copy of 8 bytes a
 * sample for each use was most of a report's memory), else a sorted copy. Either way the same
 * numbers in the same order as sortAscending(Float64Array.from(values)).
 */
export function sortedForReading(values: ArrayLike<number>): Float64Array {
  return values instanceof Float64Array && isSortedAscending(values) ? values : sortAscending(Float64Array.from(values));
}

/** Every boot's values in one array (what `groups.flat()` was for number[][]). */
export function pooledValues(groups: readonly ArrayLike<number>[]): Float64Array {
  const all = new Float64Array(groups.reduce((sum, g) => sum + g.length, 0));
  let at = 0;
  for (const g of groups) {
    all.set(g, at);
    at += g.length;
  }
  return all;
}

/** The first index after j whose value differs from sorted[j] (n if none), by galloping then bisecting. */
export function endOfRun(sorted: ArrayLike<number>, j: number): number {
  const x = sorted[j];
  const n = sorted.length;
  let step = 1;
  let lo = j;
  while (lo + step < n && sorted[lo + step] === x) {
    lo += step;
    step *= 2;
  }
  let hi = Math.min(lo + step, n);
  // sorted[lo] === x; sorted[hi] differs (or hi = n).
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] === x) lo = mid;
    else hi = mid;
  }
  return hi;
}
