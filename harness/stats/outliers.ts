/**
 * Counts outliers so a report can say how heavy a sample's tails are. Nothing is removed: the
 * summaries are median-based and robust to them already, and on a microkernel the "outliers"
 * (an interrupt, a TLB shootdown, a preemption) are part of what the benchmark measures.
 *
 * Two rules, both with their usual constants:
 * - 'mad': Iglewicz & Hoaglin (1993) modified z-score, |x − median| / (1.4826 · MAD) > 3.5, where
 *   MAD is the unscaled median absolute deviation and 1.4826 makes it estimate σ for normal data.
 *   Fences: median ± 3.5 · 1.4826 · MAD.
 * - 'tukey': Tukey (1977) fences Q1 − 1.5·IQR and Q3 + 1.5·IQR, with type 7 quartiles.
 *
 * A value is counted when it lies strictly outside a fence, so the fences returned are exactly
 * the rule applied, with no separate z-score computation to disagree with them by rounding.
 *
 * Spread 0 (MAD 0: at least half the values equal the median; or IQR 0): the fences collapse
 * onto a single value and every value different from it counts as an outlier. That is what the
 * rule says (any deviation is infinitely many MADs), and it is kept rather than switching to
 * another scale estimate so that a count always means the same rule; the description says that
 * the fences collapsed, because with quantised timer ticks it usually means "the data are
 * mostly one tick value", not "the data have many outliers".
 */

import { median, quantile, sortedMedianAbsoluteDeviation } from './quantile.js';
import { sortAscending } from './sort.js';
import { formatValue, requireAllFinite, requireNonEmpty } from './validate.js';

export type OutlierMethod = 'mad' | 'tukey';

export interface OutlierCounts {
  method: OutlierMethod;
  /** Values strictly below lowFence. */
  low: number;
  /** Values strictly above highFence. */
  high: number;
  total: number;
  lowFence: number;
  highFence: number;
  /** One sentence for a report, naming the rule, the fences and the counts. */
  description: string;
}

/** Iglewicz & Hoaglin's constants. */
export const MAD_SCALE = 1.4826;
export const MODIFIED_Z_THRESHOLD = 3.5;
/** Tukey's constant. */
export const TUKEY_FACTOR = 1.5;

export function classifyOutliers(values: ArrayLike<number>, method: OutlierMethod): OutlierCounts {
  const who = 'classifyOutliers';
  requireNonEmpty(values, who);
  requireAllFinite(values, who);
  if (method !== 'mad' && method !== 'tukey') {
    throw new RangeError(`${who}: expected method 'mad' or 'tukey', got ${formatValue(method)}`);
  }
  return classifyOutliersSorted(sortAscending(Float64Array.from(values)), method);
}

/**
 * classifyOutliers() of values already sorted ascending and checked, without a copy. `known` passes
 * the median and MAD when the caller has them (summarizeSorted() computed the same numbers), to
 * spare a pass over a million values.
 */
export function classifyOutliersSorted(sorted: Float64Array, method: OutlierMethod, known?: { median: number; mad: number }): OutlierCounts {
  let lowFence: number;
  let highFence: number;
  let rule: string;
  let collapsed: string | undefined;
  if (method === 'mad') {
    const mid = known?.median ?? median(sorted);
    const mad = known?.mad ?? sortedMedianAbsoluteDeviation(sorted, mid);
    const reach = MODIFIED_Z_THRESHOLD * MAD_SCALE * mad;
    lowFence = mid - reach;
    highFence = mid + reach;
    rule = `the modified z-score fences (|x - median| / (${MAD_SCALE} MAD) > ${MODIFIED_Z_THRESHOLD})`;
    if (mad === 0) {
      collapsed = `MAD is 0 (at least half the values equal the median ${short(mid)}), so the fences collapse onto the median and every other value counts`;
    }
  } else {
    const q1 = quantile(sorted, 0.25);
    const q3 = quantile(sorted, 0.75);
    const iqr = q3 - q1;
    lowFence = q1 - TUKEY_FACTOR * iqr;
    highFence = q3 + TUKEY_FACTOR * iqr;
    rule = `the Tukey fences (Q1 - ${TUKEY_FACTOR} IQR, Q3 + ${TUKEY_FACTOR} IQR)`;
    if (iqr === 0) {
      collapsed = `IQR is 0 (the middle half of the values all equal ${short(q1)}), so the fences collapse onto that value and every other value counts`;
    }
  }

  // Sorted, the values below the low fence are a prefix and those above the high fence a suffix
  // (lowFence <= highFence): bisection counts them, as a pass comparing each value would.
  const low = countBelow(sorted, (x) => x < lowFence);
  const high = sorted.length - countBelow(sorted, (x) => !(x > highFence));
  const total = low + high;
  const counted = `${total} of ${sorted.length} values outside ${rule} [${short(lowFence)}, ${short(highFence)}]: ` + `${low} low, ${high} high; none removed`;
  return {
    method,
    low,
    high,
    total,
    lowFence,
    highFence,
    description: collapsed === undefined ? counted : `${counted}. ${collapsed}`,
  };
}

/** The length of the prefix of `sorted` where `holds` is true (it holds for a prefix, then never). */
function countBelow(sorted: Float64Array, holds: (x: number) => boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (holds(sorted[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Six significant digits: fences like 107.38920000000002 are exact but unreadable in a report. */
function short(x: number): string {
  return formatValue(Number(x.toPrecision(6)));
}
