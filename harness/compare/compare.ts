import { bootstrapRatioOfMedians, hierarchicalRatioOfMedians, mannWhitneyU } from '../stats/index.js';
import { pooledValues } from '../analysis/figure-samples.js';
import type { FigureSamples } from './load-run.js';

export interface CompareOptions {
  resamples: number;
  seed: number;
  /** Relative difference of medians below which a difference is "no change", e.g. 0.02. */
  noiseThreshold: number;
  /** Significance level of the rank test. */
  alpha: number;
}

export const DEFAULT_COMPARE: CompareOptions = { resamples: 2000, seed: 1, noiseThreshold: 0.02, alpha: 0.05 };

export interface Comparison {
  a: { runId: string; guest: string; metric: string; median: number };
  b: { runId: string; guest: string; metric: string; median: number };
  unit: string;
  /** median(b) / median(a) */
  ratio: number;
  ci95: [number, number];
  ciMethod: 'bootstrap' | 'hierarchical bootstrap';
  mannWhitneyP: number;
  verdict: 'no change' | 'b slower' | 'b faster';
  why: string;
}

/**
 * B against A: the bootstrap CI of the ratio of medians (hierarchical when either side has
 * several boots) and a Mann-Whitney rank test. A difference is reported only when it is larger
 * than the noise threshold, the CI excludes 1 and the rank test agrees; otherwise "no change".
 */
export function compareFigures(a: FigureSamples, b: FigureSamples, options: CompareOptions = DEFAULT_COMPARE): Comparison {
  if (a.entry.unit !== b.entry.unit) {
    throw new Error(
      `cannot compare ${a.entry.guest} ${a.entry.metric} in ${a.entry.unit} with ${b.entry.guest} ${b.entry.metric} in ${b.entry.unit}: different units (accelerator modes ${a.entry.accel} and ${b.entry.accel})`,
    );
  }
  const hierarchical = a.groups.length > 1 || b.groups.length > 1;
  const ratio = hierarchical
    ? hierarchicalRatioOfMedians(a.groups, b.groups, { resamples: options.resamples, seed: options.seed })
    : bootstrapRatioOfMedians(pooledValues(a.groups), pooledValues(b.groups), { resamples: options.resamples, seed: options.seed });
  const p = mannWhitneyU(pooledValues(a.groups), pooledValues(b.groups)).p;
  // A ratio that is not a finite positive number (samples edited, or all zero) says nothing: never "no change".
  if (![ratio.ratio, ...ratio.ci].every((x) => Number.isFinite(x) && x > 0) || !Number.isFinite(a.entry.median) || !Number.isFinite(b.entry.median)) {
    throw new Error(
      `cannot compare ${a.entry.guest} ${a.entry.metric} of ${a.runId} with ${b.entry.guest} ${b.entry.metric} of ${b.runId}: expected finite positive medians and ratio, got medians ${a.entry.median} and ${b.entry.median}, ratio ${ratio.ratio} [${ratio.ci.join(', ')}]`,
    );
  }
  const [low, high] = ratio.ci;
  const beyondNoise = Math.abs(ratio.ratio - 1) >= options.noiseThreshold;
  const ciExcludesOne = low > 1 || high < 1;
  const significant = p < options.alpha;
  const changed = beyondNoise && ciExcludesOne && significant;
  const why = changed
    ? `ratio ${ratio.ratio.toFixed(4)} beyond the ${options.noiseThreshold * 100}% noise threshold, CI excludes 1, rank test p ${p.toExponential(2)}`
    : !beyondNoise
      ? `ratio ${ratio.ratio.toFixed(4)} within the ${options.noiseThreshold * 100}% noise threshold`
      : !ciExcludesOne
        ? 'the CI of the ratio includes 1'
        : `rank test p ${p.toFixed(3)} not below ${options.alpha}`;
  const side = (f: FigureSamples) => ({ runId: f.runId, guest: f.entry.guest, metric: f.entry.metric, median: f.entry.median });
  return {
    a: side(a),
    b: side(b),
    unit: a.entry.unit,
    ratio: ratio.ratio,
    ci95: ratio.ci,
    ciMethod: hierarchical ? 'hierarchical bootstrap' : 'bootstrap',
    mannWhitneyP: p,
    verdict: changed ? (ratio.ratio > 1 ? 'b slower' : 'b faster') : 'no change',
    why,
  };
}

export interface PairingOptions {
  /** Compare these guests of run A against each other (A's first guest as the baseline). */
  guests?: [string, string];
  /** Compare metric A of run A with metric B of run B instead of matching names. */
  metrics?: [string, string];
}

/** Refuses a guest or metric asked for that the run has no figure of, naming what it has. */
function checkNamed(figures: readonly FigureSamples[], key: 'guest' | 'metric', name: string | undefined, run: string): void {
  if (name === undefined) return;
  const names = [...new Set(figures.map((f) => f.entry[key]))];
  if (!names.includes(name)) throw new Error(`expected ${key} ${name} in run ${run}, got ${names.length ? `only ${names.join(', ')}` : `no figures`}`);
}

/** Which figures face each other: same guest and metric across two runs, or two guests or metrics asked for. */
export function pairFigures(a: FigureSamples[], b: FigureSamples[], pairing: PairingOptions = {}): [FigureSamples, FigureSamples][] {
  const runOf = (figures: FigureSamples[]) => figures[0]?.runId ?? '(no figures)';
  checkNamed(a, 'guest', pairing.guests?.[0], runOf(a));
  checkNamed(b, 'guest', pairing.guests?.[1], runOf(b));
  checkNamed(a, 'metric', pairing.metrics?.[0], runOf(a));
  checkNamed(b, 'metric', pairing.metrics?.[1], runOf(b));
  const pairs: [FigureSamples, FigureSamples][] = [];
  for (const fa of a) {
    for (const fb of b) {
      const guestsMatch = pairing.guests ? fa.entry.guest === pairing.guests[0] && fb.entry.guest === pairing.guests[1] : fa.entry.guest === fb.entry.guest;
      const metricsMatch = pairing.metrics
        ? fa.entry.metric === pairing.metrics[0] && fb.entry.metric === pairing.metrics[1]
        : fa.entry.metric === fb.entry.metric;
      if (guestsMatch && metricsMatch) pairs.push([fa, fb]);
    }
  }
  return pairs;
}
