/**
 * The bootstrap distribution of the sample median, computed exactly from the order statistics
 * instead of estimated from random resamples.
 *
 * Odd n (Maritz & Jarrett 1978, "A note on estimating the variance of the sample median", JASA
 * 73:194–196; Efron 1982, "The Jackknife, the Bootstrap and Other Resampling Plans", §10.2): a
 * resample draws n indices uniformly from the sorted observations x[0] ≤ … ≤ x[n-1]. With N_j the
 * number of draws at indices ≤ j, N_j ~ Bin(n, (j+1)/n), and the resample's element of rank r
 * (0-based) is x[j] for the first j with N_j > r. So
 *
 *   P(rank-r element is x[j]) = P(N_j ≥ r+1) − P(N_{j-1} ≥ r+1) = ∫_{j/n}^{(j+1)/n} β(u) du,
 *
 * β the Beta(r+1, n−r) density: the binomial tail P(Bin(n, p) ≥ r+1) is the Beta(r+1, n−r)
 * distribution function at p (Abramowitz & Stegun 26.5.24). The median is rank r = (n−1)/2.
 *
 * Even n: the type 7 median is (x[I] + x[J]) / 2 with I, J the indices of ranks r = n/2 − 1 and
 * r+1, so it needs their joint law, which is exact in closed form (derived here from the same
 * multinomial; it reduces to the odd-n formula summed over J):
 *
 *   P(I = i, J = j > i) = P(N_i = r+1) · (1 − (i/(i+1))^{r+1}) · [(1 − m/q)^s − (1 − (m+1)/q)^s]
 *
 * with m = j−i−1 empty cells between them, q = n−i−1 cells above i and s = n−r−1 draws above
 * rank r: given N_i = r+1, the r+1 draws at or below i are uniform on those i+1 cells (one must
 * land on i), and the other s are uniform on the q cells above i (the first of them hit must be j).
 * P(I = J = i) = P(I = i) − P(N_i = r+1)(1 − (i/(i+1))^{r+1}), and
 * P(N_i = r+1) = β((i+1)/n) · ((i+1)/n) / (r+1) (binomial pmf written with the Beta density).
 *
 * Numerics: β is integrated over each cell [j/n, (j+1)/n] by 8-point Gauss–Legendre, exact for the
 * polynomial densities of n ≤ 16 and within rounding for larger n, where β varies on a scale of
 * 1/√n ≫ 1/n. It is evaluated relative to its mode, and the normalising constant is the sum of the
 * cells, so no log-gamma is needed. Cells whose mass is below 1e-20 of the modal cell's are left
 * out (β is unimodal, so everything beyond them is smaller still), and a row's walk over j stops
 * once the probability left beyond it (about e^{-m} of the row) is below 1e-20: the omitted mass is
 * below 1e-15. The work is O(√n) cells, independent of any resample count: a million samples take
 * milliseconds.
 */

import { interpolate } from './quantile.js';
import { endOfRun } from './sort.js';

/** A discrete distribution: ascending distinct values with their probabilities (summing to 1 within rounding). */
export interface DiscreteDistribution {
  values: Float64Array;
  probabilities: Float64Array;
}

/** Cells (and gaps) below this fraction of the largest are left out. */
const NEGLIGIBLE = 1e-20;

// 8-point Gauss–Legendre nodes and weights on [-1, 1] (Abramowitz & Stegun table 25.4).
const GL_NODES = [
  -0.9602898564975363, -0.7966664774136267, -0.525532409916329, -0.1834346424956498, 0.1834346424956498, 0.525532409916329, 0.7966664774136267,
  0.9602898564975363,
];
const GL_WEIGHTS = [
  0.1012285362903763, 0.2223810344533745, 0.3137066458778873, 0.362683783378362, 0.362683783378362, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763,
];

/**
 * The Beta(a, b) density up to a constant, relative to its value at the mode, for a, b ≥ 1.
 * log1p keeps the exponent accurate near the mode, where u/mode is close to 1 and a, b are large.
 */
function relativeBetaDensity(a: number, b: number): (u: number) => number {
  const mode = a + b > 2 ? (a - 1) / (a + b - 2) : 0.5;
  return (u) => {
    if (u <= 0) return a === 1 ? (b === 1 ? 1 : Math.exp((b - 1) * Math.log1p(-u))) : 0;
    if (u >= 1) return b === 1 ? Math.exp((a - 1) * Math.log(u)) : 0;
    const up = a === 1 ? 0 : (a - 1) * Math.log1p((u - mode) / mode);
    const down = b === 1 ? 0 : (b - 1) * Math.log1p((mode - u) / (1 - mode));
    return Math.exp(up + down);
  };
}

/**
 * Unnormalised mass of each cell [j/n, (j+1)/n] under Beta(a, b), for the cells from `from` up to
 * but excluding `to`, where every cell outside is negligible.
 */
interface CellMasses {
  from: number;
  to: number;
  /** mass[k] is cell from + k. */
  mass: Float64Array;
  /** Sum of every mass: the normalising constant. */
  total: number;
  density: (u: number) => number;
}

function cellMasses(n: number, a: number, b: number): CellMasses {
  const density = relativeBetaDensity(a, b);
  const cell = (j: number): number => {
    let sum = 0;
    for (let k = 0; k < 8; k++) sum += GL_WEIGHTS[k]! * density((j + 0.5 + 0.5 * GL_NODES[k]!) / n);
    return sum / 2;
  };
  const modeCell = Math.min(n - 1, Math.max(0, Math.floor(((a - 1) / Math.max(1, a + b - 2)) * n)));
  const peak = cell(modeCell);
  // Walk out from the mode while cells matter, keeping each cell's mass (the density is unimodal).
  const below: number[] = [];
  for (let j = modeCell - 1; j >= 0; j--) {
    const m = cell(j);
    if (m < peak * NEGLIGIBLE) break;
    below.push(m);
  }
  const above: number[] = [];
  for (let j = modeCell + 1; j < n; j++) {
    const m = cell(j);
    if (m < peak * NEGLIGIBLE) break;
    above.push(m);
  }
  const from = modeCell - below.length;
  const to = modeCell + 1 + above.length;
  const mass = Float64Array.from([...below.reverse(), peak, ...above]);
  let total = 0;
  for (const m of mass) total += m;
  return { from, to, mass, total, density };
}

/**
 * Exact bootstrap distribution of the type 7 median of n = sorted.length values, as index pairs:
 * the median is (sorted[lower[k]] + sorted[upper[k]]) / 2 with probability probability[k]
 * (lower = upper for odd n). `sorted` must be ascending.
 */
export interface MedianIndexLaw {
  lower: Uint32Array;
  upper: Uint32Array;
  probability: Float64Array;
}

/**
 * With `sorted`, the pairs of one row whose upper values are equal (ties, the rule in timer data)
 * are one entry, which keeps the law short without changing the distribution of values.
 */
export function medianIndexLaw(n: number, sorted?: ArrayLike<number>): MedianIndexLaw {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`medianIndexLaw: expected a count >= 1, got ${n}`);
  const r = Math.floor((n - 1) / 2);
  const cells = cellMasses(n, r + 1, n - r);
  if (n % 2 === 1) {
    const count = cells.to - cells.from;
    const index = new Uint32Array(count);
    const probability = new Float64Array(count);
    for (let k = 0; k < count; k++) {
      index[k] = cells.from + k;
      probability[k] = cells.mass[k]! / cells.total;
    }
    return { lower: index, upper: index, probability };
  }
  return evenMedianLaw(n, r, cells, sorted);
}

/** The joint law of the indices of ranks r and r+1 for even n (see the module comment). */
function evenMedianLaw(n: number, r: number, cells: CellMasses, sorted: ArrayLike<number> | undefined): MedianIndexLaw {
  const lower: number[] = [];
  const upper: number[] = [];
  const probability: number[] = [];
  const s = n - r - 1;
  for (let i = cells.from; i < cells.to; i++) {
    const atI = cells.mass[i - cells.from]! / cells.total;
    const p = (i + 1) / n;
    // P(N_i = r+1) with c_i ≥ 1: the binomial pmf through the Beta density, times "one lands on i".
    // total is n times the integral of the relative density (cells hold (1/2)Σ w·g, not (h/2)Σ w·g).
    const exactlyAtI = i === n - 1 ? 0 : (((n * cells.density(p)) / cells.total) * p * (1 - (i / (i + 1)) ** (r + 1))) / (r + 1);
    lower.push(i);
    upper.push(i);
    probability.push(Math.max(0, atI - exactlyAtI));
    const q = n - i - 1;
    // P(no draw in cells i+1 .. j-1 | N_i = r+1) = (1 − (j−i−1)/q)^s; the first draw above i lands
    // in a run of equal values [j, end) with the difference of that at j and at end. A run is one
    // entry, and the walk stops once what lies beyond is negligible.
    let noneBefore = 1;
    for (let j = i + 1; j < n && exactlyAtI * noneBefore >= NEGLIGIBLE;) {
      const end = sorted === undefined ? j + 1 : endOfRun(sorted, j);
      const noneThrough = end >= n ? 0 : (1 - (end - i - 1) / q) ** s;
      lower.push(i);
      upper.push(j);
      probability.push(exactlyAtI * (noneBefore - noneThrough));
      noneBefore = noneThrough;
      j = end;
    }
  }
  return { lower: Uint32Array.from(lower), upper: Uint32Array.from(upper), probability: Float64Array.from(probability) };
}

/**
 * The exact bootstrap distribution of the type 7 median of `sorted` (ascending), on its distinct
 * values. Each value is interpolate(x[i], x[j], 1/2), the same arithmetic as median(), so the
 * distribution's atoms are bit for bit the medians a resample could give.
 */
export function medianDistribution(sorted: Float64Array): DiscreteDistribution {
  const law = medianIndexLaw(sorted.length, sorted);
  const count = law.probability.length;
  const raw = new Float64Array(count);
  for (let k = 0; k < count; k++) raw[k] = interpolate(sorted[law.lower[k]!]!, sorted[law.upper[k]!]!, law.lower[k] === law.upper[k] ? 0 : 0.5);
  // Distinct values, ascending; each pair's probability is added to its value's (found by bisection).
  const values = uniqueSorted(Float64Array.from(raw).sort());
  const probabilities = new Float64Array(values.length);
  // Pairs come row by row (i ascending, then j ascending), so their values mostly ascend: search
  // forward from the previous pair's position and bisect only when a value falls back.
  let at = 0;
  for (let k = 0; k < count; k++) {
    const x = raw[k]!;
    if (at >= values.length || values[at]! > x) at = lowerBound(values, x);
    while (values[at]! < x) at += 1;
    probabilities[at]! += law.probability[k]!;
  }
  return { values, probabilities };
}

function uniqueSorted(sorted: Float64Array): Float64Array {
  let distinct = 0;
  for (let k = 0; k < sorted.length; k++) if (k === 0 || sorted[k] !== sorted[distinct - 1]) sorted[distinct++] = sorted[k]!;
  return sorted.slice(0, distinct);
}

/** First index k with values[k] >= x (values ascending). */
function lowerBound(values: Float64Array, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The p-quantile of a discrete distribution: its smallest value whose cumulative probability
 * reaches p. This is the limit of the type 7 quantile of ever more resampled medians, so the
 * percentile interval is the one the resampling bootstrap approaches as its resample count grows.
 */
export function distributionQuantile(distribution: DiscreteDistribution, p: number): number {
  const { values, probabilities } = distribution;
  let cumulative = 0;
  for (let k = 0; k < values.length; k++) {
    cumulative += probabilities[k]!;
    if (cumulative >= p) return values[k]!;
  }
  // Rounding can leave the total a hair under 1.
  return values[values.length - 1]!;
}

/** Percentile interval [(1-c)/2, (1+c)/2] of a discrete distribution. */
export function distributionInterval(distribution: DiscreteDistribution, confidence: number): [number, number] {
  return [distributionQuantile(distribution, (1 - confidence) / 2), distributionQuantile(distribution, (1 + confidence) / 2)];
}
