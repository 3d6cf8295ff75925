/**
 * Finds where a series of samples reaches its steady state, so that warm-up (cold caches and
 * TLBs, lazily mapped pages, branch predictors, frequency ramp-up) can be left out of the
 * statistics by a stated rule instead of a hand-picked count.
 *
 * Method: MSER-5, the Marginal Standard Error Rule on batch means of 5 (White 1997; White,
 * Cobb & Spratt 2000; Franklin & White 2008). The samples are cut into k = floor(n / 5) batches
 * and replaced by the batch means Z_1..Z_k; the leftover n mod 5 samples at the end belong to no
 * batch and are kept. For each truncation point d (in batches), with Z̄(d) the mean of the
 * remaining batch means,
 *
 *   MSER(d) = 1 / (k − d)² · Σ_{j = d+1..k} (Z_j − Z̄(d))²,
 *
 * the squared standard error of their mean, up to a constant. Dropping a warm-up batch removes
 * a large deviation and lowers it; dropping steady-state batches only shrinks k − d and raises
 * it, so the minimum marks the end of the transient. Batching by 5 smooths the single-sample
 * noise that would otherwise make the minimum jumpy.
 *
 * Cap: d is searched only up to floor(k / 2), i.e. at most half the data is dropped. MSER is
 * unreliable near the end of a series, where few batches remain and their spread can be small by
 * chance; the usual practice is to restrict the search to the first half and treat a minimum at
 * the restriction as "no steady state found", reported here as `atCap`.
 *
 * Ties go to the smallest d, so a constant series (every MSER(d) 0) is not truncated at all.
 */

import { formatValue, requireAllFinite, requireInteger, requireNonEmpty } from './validate.js';

export interface SettlingOptions {
  /** Samples per batch; defaults to 5 (MSER-5). 1 gives plain MSER. */
  batchSize?: number;
  /** Largest fraction of the batches that may be dropped, in (0, 1); defaults to 0.5. */
  maxTruncation?: number;
}

export interface Settling {
  /** Index of the first sample of the steady state; also how many samples precede it. */
  settledAt: number;
  /** Samples to leave out: equal to settledAt, named for the caller that reports it. */
  dropped: number;
  /**
   * True when the minimum was at the cap: the series may still have been drifting at the cap
   * and should not be taken as settled.
   */
  atCap: boolean;
  /** One sentence for a report: the rule, the cap and the outcome. */
  policy: string;
}

export function detectSettling(values: ArrayLike<number>, options: SettlingOptions = {}): Settling {
  const who = 'detectSettling';
  const { batchSize = 5, maxTruncation = 0.5 } = options;
  requireNonEmpty(values, who);
  requireAllFinite(values, who);
  requireInteger(batchSize, who, 'batchSize', 1);
  if (!(maxTruncation > 0 && maxTruncation < 1)) {
    throw new RangeError(`${who}: expected maxTruncation in (0, 1), got ${formatValue(maxTruncation)}`);
  }

  const rule = `MSER-${batchSize}`;
  const k = Math.floor(values.length / batchSize);
  const cap = Math.floor(k * maxTruncation);
  if (k < 2 || cap === 0) {
    return {
      settledAt: 0,
      dropped: 0,
      atCap: false,
      policy: `${rule}: ${values.length} samples make ${k} batches of ${batchSize}, too few to search for a warm-up; nothing dropped`,
    };
  }

  const means = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let sum = 0;
    for (let i = j * batchSize; i < (j + 1) * batchSize; i++) sum += values[i]!;
    means[j] = sum / batchSize;
  }

  let best = 0;
  let bestStatistic = Infinity;
  if (!means.every((z) => z === means[0])) {
    // Welford's update, adding batches from the end, gives the spread of every suffix in one
    // O(k) pass and without the cancellation of Σz² − (Σz)²/m on large tick counts.
    let count = 0;
    let mean = 0;
    let squares = 0;
    for (let j = k - 1; j >= 0; j--) {
      const z = means[j]!;
      count += 1;
      const delta = z - mean;
      mean += delta / count;
      squares += delta * (z - mean);
      if (j > cap) continue;
      const statistic = squares / (count * count);
      // `<=` while walking down keeps the smallest d among equal minima.
      if (statistic <= bestStatistic) {
        bestStatistic = statistic;
        best = j;
      }
    }
  }

  const settledAt = best * batchSize;
  const atCap = best === cap;
  const outcome = best === 0 ? 'no warm-up found, nothing dropped' : `dropped the first ${best} batches (${settledAt} of ${values.length} samples)`;
  const warning = atCap ? '; the minimum is at the cap, so the series may not have settled' : '';
  return {
    settledAt,
    dropped: settledAt,
    atCap,
    policy:
      `${rule}: truncation minimising the marginal standard error of the remaining batch means of ${batchSize}, ` +
      `searched over at most ${cap} of ${k} batches; ${outcome}${warning}`,
  };
}
