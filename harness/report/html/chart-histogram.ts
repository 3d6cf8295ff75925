import type { TopLevelSpec } from 'vega-lite';
import { formatFigure } from '../format.js';
import { axisFormat, CHART_CONFIG } from './chart-theme.js';
import type { Histogram, HistogramBin } from './distribution-data.js';

/** The SVG class of the histogram's bars (vega-lite names a unit's marks `<name>_marks`), one path per bin. */
export const HISTOGRAM_MARK_CLASS = 'bins_marks';

/** Subtitle lines saying what the histogram shows and what it left out. */
export function histogramNote(h: Histogram, boots: number): string[] {
  const pooled = boots > 1 ? `, pooled over ${boots} boots` : '';
  const lines = [`histogram, n = ${h.n}${pooled}`];
  const cut = [
    h.below > 0 ? `${h.below} below ${formatFigure(h.shown[0])} (min ${formatFigure(h.min)})` : '',
    h.above > 0 ? `${h.above} above ${formatFigure(h.shown[1])} (max ${formatFigure(h.max)})` : '',
  ].filter((s) => s !== '');
  lines.push(cut.length > 0 ? `not shown: ${cut.join('; ')}` : 'every sample shown');
  return lines;
}

/** A histogram of one figure's per-operation samples, binned beforehand (see distribution-data.ts). */
export function histogramSpec(h: Histogram, options: { title: string; unit: string; color: string; boots: number }): TopLevelSpec {
  const step = h.bins[0] ? h.bins[0].x1 - h.bins[0].x0 : 1;
  const first = h.bins[0]?.x0 ?? 0;
  const last = h.bins[h.bins.length - 1]?.x1 ?? 1;
  // A few bins' margin either side, so a figure whose samples all fall in one bin is not a solid block.
  const margin = Math.max(3 * step, (last - first) * 0.05);
  const counts = h.bins.map((b) => b.count);
  const logCounts = shouldLogCounts(h.bins);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CHART_CONFIG,
    name: 'bins',
    width: 330,
    height: 190,
    title: { text: options.title, subtitle: histogramNote(h, options.boots) },
    data: { values: h.bins.map((b) => ({ ...b })) },
    mark: { type: 'rect', color: options.color, stroke: 'white', strokeWidth: 0.5 },
    encoding: {
      x: {
        field: 'x0',
        type: 'quantitative',
        title: `${options.unit} per operation`,
        scale: { domain: [first - margin, last + margin], zero: false, nice: false },
        axis: { tickCount: 6, format: axisFormat(h.max) },
      },
      x2: { field: 'x1' },
      y: {
        field: 'count',
        type: 'quantitative',
        title: logCounts ? 'samples (log scale)' : 'samples',
        scale: logCounts ? { type: 'symlog' } : {},
        axis: logCounts ? { values: powersOfTen(Math.max(...counts)), format: ',~f' } : { tickCount: 5, format: ',~f' },
      },
    },
  };
}

/**
 * Microbenchmark samples often pile up on one value with a few stragglers apart from it (an
 * interrupt, a cache miss); on a linear count axis those bins are a pixel high and look like
 * nothing. A log axis (symlog, so 0 stays 0) shows them: used when a group of bins set apart by
 * empty ones is under 2% of the tallest bin. A single hump keeps its linear axis and its shape.
 */
export function shouldLogCounts(bins: readonly HistogramBin[]): boolean {
  if (bins.length < 2) return false;
  const step = bins[0]!.x1 - bins[0]!.x0;
  const tallest = Math.max(...bins.map((b) => b.count));
  let groupMax = 0;
  for (const [i, bin] of bins.entries()) {
    const apart = i > 0 && bin.x0 - bins[i - 1]!.x0 > step * 1.5;
    if (apart) {
      if (groupMax < tallest * 0.02) return true;
      groupMax = 0;
    }
    groupMax = Math.max(groupMax, bin.count);
  }
  return groupMax < tallest * 0.02;
}

/** 0, 1, 10, 100, … up to the first power of ten at or above max. */
export function powersOfTen(max: number): number[] {
  const ticks = [0];
  for (let t = 1; t < max * 10 && ticks.length < 12; t *= 10) {
    ticks.push(t);
    if (t >= max) break;
  }
  return ticks;
}
