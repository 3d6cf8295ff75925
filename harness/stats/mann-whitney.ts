/**
 * Mann–Whitney U test (Wilcoxon rank-sum), two-sided: do values from `a` tend to be larger or
 * smaller than values from `b`? It compares ranks rather than means, so it suits skewed timer
 * samples with a tail and makes no normality assumption.
 *
 * u is U for `a`: the number of pairs (x from a, y from b) with x > y, ties counting one half;
 * U for b is a.length · b.length − u. Computed as R_a − n_a(n_a + 1)/2 from midranks.
 *
 * p always comes from the normal approximation, with the tie correction of the variance
 *   σ² = n_a n_b / 12 · ((N + 1) − Σ(t³ − t) / (N (N − 1)))   (t: size of each tie group)
 * and a continuity correction of 0.5 towards the mean, as R's wilcox.test(exact = FALSE,
 * correct = TRUE) and scipy's mannwhitneyu(method = 'asymptotic') compute it. No exact
 * distribution is used, even for small samples: below about 8 per side the approximation is
 * rough, so treat p there as indicative. Against scipy's exact p (no ties) it was within 0.031
 * for 4 to 7 values per side and within 0.09 for 2 or 3. Samples of benchmark iterations are in
 * the hundreds or thousands, where it is accurate.
 *
 * When every value is tied (σ = 0) there is no evidence of a difference: z = 0 and p = 1.
 */

import { twoSidedNormalP } from './normal.js';
import { sortAscending } from './sort.js';
import { requireAllFinite, requireNonEmpty } from './validate.js';

export interface MannWhitney {
  /** U for `a`; U for `b` is a.length · b.length − u. */
  u: number;
  /** Continuity-corrected standard score of u; positive when `a` tends to be larger. */
  z: number;
  /** Two-sided p-value from the normal approximation. */
  p: number;
}

export function mannWhitneyU(a: ArrayLike<number>, b: ArrayLike<number>): MannWhitney {
  const who = 'mannWhitneyU';
  requireNonEmpty(a, `${who} (a)`);
  requireNonEmpty(b, `${who} (b)`);
  requireAllFinite(a, `${who} (a)`);
  requireAllFinite(b, `${who} (b)`);

  const na = a.length;
  const nb = b.length;
  const n = na + nb;
  const { rankSumA, tieTerm } = rankSums(a, b);

  const u = rankSumA - (na * (na + 1)) / 2;
  const mean = (na * nb) / 2;
  const variance = ((na * nb) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (!(variance > 0)) return { u, z: 0, p: 1 };
  const deviation = u - mean;
  const z = (deviation - Math.sign(deviation) * 0.5) / Math.sqrt(variance);
  return { u, z, p: twoSidedNormalP(z) };
}

/**
 * Σ of a's midranks in the pooled sample and Σ(t³ − t) over its tie groups. Both samples are sorted
 * (typed arrays: no object per value) and merged one tie group at a time, in ascending order, so
 * the sums add the same terms in the same order as a sort of the pooled values would.
 */
function rankSums(a: ArrayLike<number>, b: ArrayLike<number>): { rankSumA: number; tieTerm: number } {
  const sortedA = sortAscending(Float64Array.from(a));
  const sortedB = sortAscending(Float64Array.from(b));
  let i = 0;
  let j = 0;
  let rankSumA = 0;
  let tieTerm = 0;
  while (i < sortedA.length || j < sortedB.length) {
    const value = Math.min(i < sortedA.length ? sortedA[i]! : Infinity, j < sortedB.length ? sortedB[j]! : Infinity);
    const start = i + j;
    let inA = 0;
    while (i < sortedA.length && sortedA[i] === value) {
      i += 1;
      inA += 1;
    }
    while (j < sortedB.length && sortedB[j] === value) j += 1;
    const end = i + j;
    // Ranks start+1 .. end share their average.
    const midrank = (start + 1 + end) / 2;
    const t = end - start;
    tieTerm += t * t * t - t;
    for (let k = 0; k < inA; k++) rankSumA += midrank;
  }
  return { rankSumA, tieTerm };
}
