/**
 * The few hundred numbers a distribution plot needs, computed here rather than by vega, so that a
 * figure of 10^5 samples puts a few kilobytes into report.html instead of every sample.
 */
import { endOfRun, sortedForReading } from '../../stats/index.js';

export interface HistogramBin {
  /** Lower edge (inclusive). */
  x0: number;
  /** Upper edge (exclusive). */
  x1: number;
  count: number;
}

export interface Histogram {
  bins: HistogramBin[];
  /** The range the bins cover (see bodyRange): the body of the distribution, or all of it when few samples. */
  shown: [number, number];
  /** Samples outside `shown`, left out of the bins and stated under the plot. */
  below: number;
  above: number;
  min: number;
  max: number;
  n: number;
  /** Bin width, and the lower edge of bin index 0: bin i is [start + i * step, start + (i + 1) * step). */
  step: number;
  start: number;
  /** One bin per integer value, centred on it (whole ticks over a short range). */
  discrete: boolean;
}

/**
 * A histogram shows the body of a distribution; a tail of interrupts at 3x the median would
 * squeeze it into one bar, so bins cover the quartiles widened by BODY_IQRS interquartile ranges
 * (7σ either side for normal data: nothing of the body is cut). The CDF beside it shows the tail.
 */
export const BODY_IQRS = 5;
/** When the quartiles coincide (deterministic counts), the body is the central 99% instead. */
export const SHOWN_QUANTILES: [number, number] = [0.005, 0.995];
/** Below this many samples every sample is binned: there is no tail worth cutting. */
export const MIN_SAMPLES_TO_TRIM = 200;
const TARGET_BINS = 40;

/** The values sorted ascending, to be read only: a sorted copy, or the values when already in order (see sortedForReading). */
export function sortedValues(values: ArrayLike<number>): Float64Array {
  return sortedForReading(values);
}

/** A step of 1, 2, 2.5 or 5 times a power of ten, at least `raw`: bin edges a reader can read off the axis. */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw * (1 - 1e-12));
  return step ?? 10 * power;
}

/** The range a histogram bins: see BODY_IQRS and SHOWN_QUANTILES. */
export function bodyRange(sorted: Float64Array): [number, number] {
  const n = sorted.length;
  const min = sorted[0]!;
  const max = sorted[n - 1]!;
  if (n < MIN_SAMPLES_TO_TRIM) return [min, max];
  const at = (p: number) => sorted[Math.round(p * (n - 1))]!;
  const iqr = at(0.75) - at(0.25);
  if (iqr > 0) return [Math.max(min, at(0.25) - BODY_IQRS * iqr), Math.min(max, at(0.75) + BODY_IQRS * iqr)];
  return [sorted[Math.floor(SHOWN_QUANTILES[0] * (n - 1))]!, sorted[Math.ceil(SHOWN_QUANTILES[1] * (n - 1))]!];
}

/** Histogram of sorted samples: integer bins when they are integers over a short range, else about 40 nice bins. */
export function histogram(sorted: Float64Array): Histogram {
  const n = sorted.length;
  if (n === 0) return { bins: [], shown: [0, 0], below: 0, above: 0, min: 0, max: 0, n, step: 1, start: 0, discrete: false };
  const min = sorted[0]!;
  const max = sorted[n - 1]!;
  const [lo, hi] = bodyRange(sorted);
  // Whole ticks over a short range: one bin per value, centred on it, as the data are discrete.
  const discrete = hi - lo <= TARGET_BINS * 1.5 && everyRun(sorted, (v) => Number.isInteger(v));
  const step = discrete ? 1 : niceStep((hi - lo) / TARGET_BINS);
  const start = discrete ? lo - 0.5 : Math.floor(lo / step) * step;
  const counts = new Map<number, number>();
  let below = 0;
  let above = 0;
  // A run of equal values at a time (found by galloping): each lands where its first does, and
  // timer samples are a few thousand distinct values over millions.
  for (let i = 0; i < n;) {
    const v = sorted[i]!;
    const end = endOfRun(sorted, i);
    if (v < lo) below += end - i;
    else if (v > hi) above += end - i;
    else {
      const index = Math.floor((v - start) / step);
      counts.set(index, (counts.get(index) ?? 0) + end - i);
    }
    i = end;
  }
  // Empty bins draw nothing; leaving them out keeps the SVG small.
  const bins = [...counts.entries()].sort((a, b) => a[0] - b[0]).map(([index, count]) => ({ x0: start + index * step, x1: start + (index + 1) * step, count }));
  return { bins, shown: [lo, hi], below, above, min, max, n, step, start, discrete };
}

/** Whether `test` holds for every value of `sorted`, asked once per run of equal values. */
function everyRun(sorted: Float64Array, test: (v: number) => boolean): boolean {
  for (let i = 0; i < sorted.length; i = endOfRun(sorted, i)) if (!test(sorted[i]!)) return false;
  return true;
}

export interface CdfPoint {
  x: number;
  /** Fraction of samples ≤ x (or < x for the first point of a step). */
  p: number;
}

/** At most this many distinct values per curve: the curve looks the same and the file stays small. */
export const CDF_POINTS = 160;

/** Number of values < x (strict) or ≤ x in a sorted array. */
function rank(sorted: Float64Array, x: number, inclusive: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (inclusive ? sorted[mid]! <= x : sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The empirical CDF at up to CDF_POINTS values picked at evenly spaced ranks (always the minimum
 * and the maximum), each as a vertical step from the fraction below it to the fraction at or
 * below it, so a figure whose samples all agree still draws its one step.
 */
export function empiricalCdf(sorted: Float64Array): CdfPoint[] {
  const n = sorted.length;
  if (n === 0) return [];
  const m = Math.min(n, CDF_POINTS);
  const xs: number[] = [];
  for (let k = 0; k < m; k++) {
    const x = sorted[m === 1 ? 0 : Math.round((k * (n - 1)) / (m - 1))]!;
    if (xs[xs.length - 1] !== x) xs.push(x);
  }
  return xs.flatMap((x) => [
    { x, p: rank(sorted, x, false) / n },
    { x, p: rank(sorted, x, true) / n },
  ]);
}
