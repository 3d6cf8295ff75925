import { compareFigures, DEFAULT_COMPARE, type CompareOptions } from '../compare/compare.js';
import type { FigureSamples } from '../compare/load-run.js';
import type { ResultEntry } from '../analysis/results.js';
import type { Accel, Unit } from '../units.js';
import { comparability, ratioComparability, type Comparability, type MeasuredValue } from './comparability.js';
import { selectMeasured } from './match.js';
import { explainMissing } from './missing.js';
import type { RunFigures } from './run-figures.js';
import type { Hardware, MeasuredSelector, PublishedFigure, PublishedRatio, PublishedReference, RatioSide } from './types.js';

/** One published figure beside one measured figure that corresponds to it. */
export interface FigureComparison {
  figure: PublishedFigure;
  hardware: Hardware;
  selector: MeasuredSelector;
  runId: string;
  entry: ResultEntry;
  /** The measured median and CI times the selector's scale, in the measured unit. */
  measured: { median: number; ci95: [number, number] };
  comparability: Comparability;
  /** Measured / published, in the published unit; only when the two can be set side by side. */
  ratio?: number;
  /**
   * Measured guest instructions / published cycles or ticks: printed so a reader sees the size of
   * the gap, never as a reproduction (the caveat says why the quantities differ).
   */
  nominalRatio?: number;
}

/** A published ratio between two systems beside the same ratio of our medians, when both sides were measured. */
export interface RatioComparison {
  ratio: PublishedRatio;
  measured?: {
    numerator: { runId: string; guest: string; metric: string; median: number };
    denominator: { runId: string; guest: string; metric: string; median: number };
    ratio: number;
    ci95: [number, number];
    ciMethod: 'bootstrap' | 'hierarchical bootstrap';
    unit: Unit;
    accel: Accel;
  };
  comparable: boolean;
  /** Why (not) comparable, or which side is missing. */
  text: string;
}

/** A measured figure a published figure or ratio needs that no run has, and why. */
export interface MissingFigure {
  /** The published figure or ratio it was for. */
  for: string;
  os: string;
  metric: string;
  why: string;
}

export interface Reproduction {
  reference: PublishedReference;
  runs: { runId: string; dir: string; hostCpu?: string }[];
  figures: FigureComparison[];
  ratios: RatioComparison[];
  missing: MissingFigure[];
}

/** Sets each published figure and ratio of `reference` beside the measured figures of `runs` that correspond to it. */
export function reproduce(reference: PublishedReference, runs: readonly RunFigures[], options: CompareOptions = DEFAULT_COMPARE): Reproduction {
  const missing: MissingFigure[] = [];
  const figures = reference.figures.flatMap((figure) => {
    const hardware = reference.hardware[figure.hardware];
    if (!hardware)
      throw new Error(
        `expected hardware ${JSON.stringify(figure.hardware)} in ${reference.file} for figure ${JSON.stringify(figure.name)}, got none (keys: ${Object.keys(reference.hardware).join(', ')})`,
      );
    return figure.matches.flatMap((selector) => {
      const found = runs.flatMap((run) => selectMeasured(selector, run.figures).map((f) => ({ run, f })));
      if (found.length === 0) missing.push({ for: figure.name, os: selector.os, metric: selector.metric, why: explainMissing(selector, runs) });
      return found.map(({ run, f }) => compareFigure(reference, figure, hardware, selector, f.entry, run));
    });
  });
  const ratios = reference.ratios.flatMap((ratio) => compareRatio(ratio, runs, missing, options));
  return { reference, runs: runs.map((r) => ({ runId: r.runId, dir: r.dir, ...(r.hostCpu ? { hostCpu: r.hostCpu } : {}) })), figures, ratios, missing };
}

function compareFigure(
  reference: PublishedReference,
  figure: PublishedFigure,
  hardware: Hardware,
  selector: MeasuredSelector,
  entry: ResultEntry,
  run: RunFigures,
): FigureComparison {
  const scale = selector.scale ?? 1;
  const measured: MeasuredValue = {
    unit: entry.unit,
    accel: entry.accel,
    median: entry.median * scale,
    ci95: [entry.ci95[0] * scale, entry.ci95[1] * scale],
    nanoseconds:
      'median' in entry.nanoseconds
        ? { median: entry.nanoseconds.median * scale, ci95: [entry.nanoseconds.ci95[0] * scale, entry.nanoseconds.ci95[1] * scale] }
        : entry.nanoseconds,
  };
  const verdict = comparability(reference.unit, hardware, measured, run.hostCpu);
  return {
    figure,
    hardware,
    selector,
    runId: run.runId,
    entry,
    measured: { median: measured.median, ci95: measured.ci95 },
    comparability: verdict,
    ...(verdict.converted && figure.value > 0 ? { ratio: verdict.converted.median / figure.value } : {}),
    ...(!verdict.converted && entry.unit === 'guest-instructions' && reference.unit !== 'microseconds' && figure.value > 0
      ? { nominalRatio: measured.median / figure.value }
      : {}),
  };
}

/** One row per pair of measured figures the two sides select (usually one), or one row saying what is missing. */
function compareRatio(ratio: PublishedRatio, runs: readonly RunFigures[], missing: MissingFigure[], options: CompareOptions): RatioComparison[] {
  const side = (s: RatioSide) => runs.flatMap((run) => selectMeasured(s, run.figures));
  const numerators = side(ratio.numerator);
  const denominators = side(ratio.denominator);
  const absent: string[] = [];
  for (const [which, s, found] of [
    ['numerator', ratio.numerator, numerators],
    ['denominator', ratio.denominator, denominators],
  ] as const) {
    if (found.length > 0) continue;
    const why = explainMissing(s, runs);
    missing.push({ for: ratio.name, os: s.os, metric: s.metric, why });
    absent.push(`no measured ${which} (${s.system}: ${s.os} ${s.metric}): ${why}`);
  }
  if (absent.length > 0) return [{ ratio, comparable: false, text: absent.join('; ') }];
  return numerators.flatMap((n) => denominators.map((d) => measuredRatio(ratio, n, d, options)));
}

function measuredRatio(ratio: PublishedRatio, numerator: FigureSamples, denominator: FigureSamples, options: CompareOptions): RatioComparison {
  let comparison;
  try {
    // compareFigures gives b/a: the denominator is its baseline a.
    comparison = compareFigures(denominator, numerator, options);
  } catch (error) {
    return { ratio, comparable: false, text: `not comparable: ${(error as Error).message}` };
  }
  const { comparable, text } = ratioComparability(numerator.entry.unit);
  return {
    ratio,
    measured: {
      numerator: comparison.b,
      denominator: comparison.a,
      ratio: comparison.ratio,
      ci95: comparison.ci95,
      ciMethod: comparison.ciMethod,
      unit: numerator.entry.unit,
      accel: numerator.entry.accel,
    },
    comparable,
    text,
  };
}
