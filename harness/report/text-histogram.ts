import { pooledValues, type FigureSamples } from '../analysis/figure-samples.js';
import type { ResultEntry } from '../analysis/results.js';
import { formatFigure } from './format.js';
import { histogram, type Histogram } from './html/distribution-data.js';

/*
 * A figure's distribution as text, for report.md (a block of bars) and the terminal (a sparkline):
 * the bins of report.html's histogram (html/distribution-data.ts), adjacent ones merged so that
 * at most TEXT_BINS remain. Only integer arithmetic on counts decides a bar's length, so the same
 * samples give the same bytes on every machine.
 */

/** Most bins a text histogram has; report.html's (about 40) are merged k at a time to fit. */
export const TEXT_BINS = 20;
/** Width of report.md's bars, in characters (each split in eighths). */
export const BAR_WIDTH = 32;

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
const SPARKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/** One text bin: HTML bins `first` to `first + k - 1` (indices from the histogram's `start`), merged. */
export interface TextBin {
  x0: number;
  x1: number;
  count: number;
}

export interface TextHistogram {
  /** Every text bin from the first non-empty to the last, empty ones included. */
  bins: TextBin[];
  /** HTML bins per text bin. */
  merged: number;
  /** The HTML histogram the bins come from. */
  html: Histogram;
}

/** The HTML histogram's bins, merged `k` at a time (k the least that leaves at most TEXT_BINS), gaps filled with empty bins. */
export function textBins(h: Histogram, maxBins = TEXT_BINS): TextHistogram {
  if (h.bins.length === 0) return { bins: [], merged: 1, html: h };
  const index = (x0: number) => Math.round((x0 - h.start) / h.step);
  const first = index(h.bins[0]!.x0);
  const span = index(h.bins[h.bins.length - 1]!.x0) - first + 1;
  const k = Math.ceil(span / maxBins);
  const counts = new Array<number>(Math.ceil(span / k)).fill(0);
  for (const bin of h.bins) counts[Math.floor((index(bin.x0) - first) / k)]! += bin.count;
  // Edges computed as the HTML histogram computes its own: start + index * step.
  const bins = counts.map((count, g) => ({ x0: h.start + (first + g * k) * h.step, x1: h.start + (first + (g + 1) * k) * h.step, count }));
  return { bins, merged: k, html: h };
}

/** The fewest decimals (0 to 6) that write every one of `values` exactly. */
function decimalsFor(values: readonly number[]): number {
  const exact = (v: number, d: number) => Math.abs(Math.round(v * 10 ** d) - v * 10 ** d) < 1e-6;
  for (let d = 0; d < 6; d++) if (values.every((v) => exact(v, d))) return d;
  return 6;
}

/** Each bin's range in the figure's unit: `a – b` (lower edge included, upper not), or for whole values the first and last value it covers. */
function binLabels(t: TextHistogram): string[] {
  const { html } = t;
  if (html.discrete) {
    const ranges = t.bins.map((b) => [String(Math.round(b.x0 + 0.5)), String(Math.round(b.x1 - 0.5))] as const);
    if (t.merged === 1)
      return alignColumns(
        ranges.map(([a]) => [a]),
        ' ',
      );
    return alignColumns(
      ranges.map(([a, b]) => [a, b]),
      '–',
    );
  }
  const decimals = decimalsFor(t.bins.flatMap((b) => [b.x0, b.x1]));
  return alignColumns(
    t.bins.map((b) => [b.x0.toFixed(decimals), b.x1.toFixed(decimals)]),
    ' – ',
  );
}

/** Columns right-aligned, joined by `separator`. */
function alignColumns(rows: readonly (readonly string[])[], separator: string): string[] {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => cell.padStart(widths[i]!)).join(separator));
}

/** A bar of `count` against the largest count, in eighths of a character; a non-empty bin shows at least an eighth. */
export function bar(count: number, maxCount: number, width = BAR_WIDTH): string {
  if (count === 0 || maxCount === 0) return '';
  const eighths = Math.max(1, Math.round((count * width * 8) / maxCount));
  return '█'.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8]!;
}

/** Which text bin holds `value` (the last holds its upper edge too); undefined when none does. */
function binOf(bins: readonly TextBin[], value: number): number | undefined {
  const i = bins.findIndex((b) => value >= b.x0 && value < b.x1);
  if (i >= 0) return i;
  const last = bins[bins.length - 1];
  return last && value === last.x1 ? bins.length - 1 : undefined;
}

/** The lines of a figure's text histogram: one per bin, `range │bar│ count`, the median's bin marked. */
export function histogramLines(sorted: Float64Array, median: number): string[] {
  const t = textBins(histogram(sorted));
  const labels = binLabels(t);
  const maxCount = Math.max(...t.bins.map((b) => b.count));
  const countWidth = String(maxCount).length;
  const medianBin = binOf(t.bins, median);
  return t.bins.map((b, i) => {
    const mark = i === medianBin ? ` ◀ median ${formatFigure(median)}` : '';
    return `${labels[i]} │${bar(b.count, maxCount).padEnd(BAR_WIDTH)}│ ${String(b.count).padStart(countWidth)}${mark}`;
  });
}

/** What the bins leave out, e.g. "3 above 140.0 (max 402.0) not shown", or '' when every sample is binned. */
export function cutNote(h: Pick<Histogram, 'below' | 'above' | 'shown' | 'min' | 'max'>): string {
  const cut = [
    h.below > 0 ? `${h.below} below ${formatFigure(h.shown[0])} (min ${formatFigure(h.min)})` : '',
    h.above > 0 ? `${h.above} above ${formatFigure(h.shown[1])} (max ${formatFigure(h.max)})` : '',
  ].filter((s) => s !== '');
  return cut.length > 0 ? `${cut.join(' and ')} not shown` : '';
}

/** A one-line sparkline of the bins: one character per text bin, its height in eighths of the largest bin; an empty bin is a space. */
export function sparkline(sorted: Float64Array): string {
  const t = textBins(histogram(sorted));
  const maxCount = Math.max(0, ...t.bins.map((b) => b.count));
  return t.bins.map((b) => (b.count === 0 ? ' ' : SPARKS[Math.max(0, Math.ceil((b.count * 8) / maxCount) - 1)]!)).join('');
}

/** A figure's distribution in brief, for the terminal's summary. */
export interface FigureDistribution {
  guest: string;
  metric: string;
  unit: string;
  /** Empty when no sample was left after settling. */
  sparkline: string;
  min: number;
  median: number;
  max: number;
}

/** Each figure's sparkline, with the minimum and maximum of its samples and its median. */
export function figureDistributions(figures: readonly FigureSamples[]): FigureDistribution[] {
  return figures.map(({ entry, groups }) => {
    const sorted = pooledValues(groups).sort();
    const n = sorted.length;
    return {
      guest: entry.guest,
      metric: entry.metric,
      unit: entry.unit,
      sparkline: n > 0 ? sparkline(sorted) : '',
      min: n > 0 ? sorted[0]! : Number.NaN,
      median: entry.median,
      max: n > 0 ? sorted[n - 1]! : Number.NaN,
    };
  });
}

/**
 * report.md's "Distributions" part of a guest's section: per figure a heading line and a fenced
 * block of its text histogram. Nothing for a guest without figures.
 */
export function distributionsMarkdown(rows: readonly ResultEntry[], figures: ReadonlyMap<ResultEntry, FigureSamples>): string[] {
  const blocks = rows.flatMap((r) => {
    const figure = figures.get(r);
    if (!figure) return [];
    const sorted = pooledValues(figure.groups).sort();
    if (sorted.length === 0) return [`\`${r.metric}\` (${r.unit}): no samples left after settling.`, ''];
    const h = histogram(sorted);
    const pooled = figure.groups.length > 1 ? `, pooled over ${figure.groups.length} boots` : '';
    const note = cutNote(h);
    return [`\`${r.metric}\` (${r.unit}, n = ${h.n}${pooled}${note ? `; ${note}` : ''}):`, '', '```text', ...histogramLines(sorted, r.median), '```', ''];
  });
  if (blocks.length === 0) return [];
  return [
    '### Distributions',
    '',
    "Each figure's per-operation samples after settling, in the bins of report.html's histograms (merged to at most " +
      `${TEXT_BINS}; a bar is the bin's count against the largest bin's); ◀ marks the figure's median.`,
    '',
    ...blocks,
  ];
}
