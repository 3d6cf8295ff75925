/**
 * How many times slower `b` is than `a`, with a percentile bootstrap interval: ratio =
 * median(b) / median(a), e.g. a = Linux null syscall, b = seL4 null syscall. A ratio of medians
 * is the comparison the reports make across systems whose absolute tick counts differ by orders
 * of magnitude, and its interval is not derivable from the two separate median intervals.
 *
 * The two samples come from separate runs, so they are resampled independently. For one boot on
 * each side nothing is drawn: the bootstrap law of each median is exact (exact-median.ts), and
 * the law of their ratio is the convolution of the two on the ratio's support
 * (ratio-distribution.ts), whose percentiles are the interval. The hierarchical variant resamples:
 * each replicate draws the two-level (boots, then iterations) resample of hierarchical.ts of a,
 * then of b, from a single createRandom(seed) stream, and takes the ratio of their medians.
 *
 * A zero median in the denominator makes the ratio unbounded, whether in the data or in the
 * bootstrap law (possible when a has many zeros, e.g. after overhead subtraction clamps): that is
 * a RangeError naming it, not an Infinity hidden in an interval.
 */

import { resolveBootstrapOptions } from './bootstrap-options.js';
import type { BootstrapOptions } from './bootstrap.js';
import { createHierarchicalMedianSampler, poolGroups } from './hierarchical.js';
import { median } from './quantile.js';
import { createRandom } from './random.js';
import { medianDistribution } from './exact-median.js';
import { sortedForReading } from './sort.js';
import { ratioLaw, ratioQuantile } from './ratio-distribution.js';
import { percentileInterval } from './resample.js';
import { formatValue, requireAllFinite, requireNonEmpty } from './validate.js';

export interface RatioOfMedians {
  /** median(b) / median(a), with every group pooled in the hierarchical variant. */
  ratio: number;
  /** Percentile bootstrap interval of the ratio. */
  ci: [number, number];
}

export function bootstrapRatioOfMedians(a: ArrayLike<number>, b: ArrayLike<number>, options: BootstrapOptions): RatioOfMedians {
  const who = 'bootstrapRatioOfMedians';
  requireNonEmpty(a, `${who} (a)`);
  requireNonEmpty(b, `${who} (b)`);
  requireAllFinite(a, `${who} (a)`);
  requireAllFinite(b, `${who} (b)`);
  const { confidence } = resolveBootstrapOptions(options, who);
  return ratioOfSorted(sortedForReading(a), sortedForReading(b), confidence, who);
}

/**
 * bootstrapRatioOfMedians() of values each already sorted ascending and finite (a figure's groups,
 * figure-samples.ts), read as they are: no check or copy of millions of values.
 */
export function bootstrapRatioOfMediansSorted(sortedA: Float64Array, sortedB: Float64Array, options: BootstrapOptions): RatioOfMedians {
  const who = 'bootstrapRatioOfMedians';
  requireNonEmpty(sortedA, `${who} (a)`);
  requireNonEmpty(sortedB, `${who} (b)`);
  return ratioOfSorted(sortedA, sortedB, resolveBootstrapOptions(options, who).confidence, who);
}

function ratioOfSorted(sortedA: Float64Array, sortedB: Float64Array, confidence: number, who: string): RatioOfMedians {
  const medianA = median(sortedA);
  if (medianA === 0) {
    throw new RangeError(`${who}: expected a non-zero median of a (the denominator), got ${formatValue(medianA)}`);
  }
  const lawA = medianDistribution(sortedA);
  const zero = lawA.values.indexOf(0);
  if (zero >= 0) {
    throw new RangeError(
      `${who}: expected a non-zero median of a (the denominator) in every resample, got 0 with probability ${formatValue(Number(lawA.probabilities[zero]!.toPrecision(3)))}`,
    );
  }
  const law = ratioLaw(lawA, medianDistribution(sortedB));
  return { ratio: median(sortedB) / medianA, ci: [ratioQuantile(law, (1 - confidence) / 2), ratioQuantile(law, (1 + confidence) / 2)] };
}

export function hierarchicalRatioOfMedians(
  groupsA: readonly ArrayLike<number>[],
  groupsB: readonly ArrayLike<number>[],
  options: BootstrapOptions,
): RatioOfMedians {
  const who = 'hierarchicalRatioOfMedians';
  const pooledA = poolGroups(groupsA, `${who} (a)`);
  const pooledB = poolGroups(groupsB, `${who} (b)`);
  const { resamples, seed, confidence } = resolveBootstrapOptions(options, who);
  return ratioWithInterval(median(pooledA.sorted), median(pooledB.sorted), createHierarchicalMedianSampler(pooledA), createHierarchicalMedianSampler(pooledB), {
    who,
    resamples,
    seed,
    confidence,
  });
}

interface RatioRun {
  who: string;
  resamples: number;
  seed: number;
  confidence: number;
}

function ratioWithInterval(
  medianA: number,
  medianB: number,
  sampleA: (random: () => number) => number,
  sampleB: (random: () => number) => number,
  { who, resamples, seed, confidence }: RatioRun,
): RatioOfMedians {
  if (medianA === 0) {
    throw new RangeError(`${who}: expected a non-zero median of a (the denominator), got ${formatValue(medianA)}`);
  }
  const random = createRandom(seed);
  const ratios = new Array<number>(resamples);
  for (let r = 0; r < resamples; r++) {
    const resampledA = sampleA(random);
    const resampledB = sampleB(random);
    if (resampledA === 0) {
      throw new RangeError(`${who}: expected a non-zero median of a (the denominator) in every resample, got ${formatValue(resampledA)} in resample ${r}`);
    }
    ratios[r] = resampledB / resampledA;
  }
  return { ratio: medianB / medianA, ci: percentileInterval(ratios, confidence) };
}
