import { pooledValues, type FigureSamples } from '../../analysis/figure-samples.js';
import { CDF_MARK_CLASS, cdfSpec, type CdfCurve } from './chart-cdf.js';
import { HISTOGRAM_MARK_CLASS, histogramSpec } from './chart-histogram.js';
import { chartFigure } from './chart-figure.js';
import { escapeHtml } from './escape.js';
import { empiricalCdf, histogram, sortedValues } from './distribution-data.js';
import { renderSvg } from './render-svg.js';
import { sortAscending } from '../../stats/index.js';

/** One figure's distribution: a histogram of the body and a CDF of everything, side by side. */
export async function distributionFigure(figure: FigureSamples, id: string, color: string): Promise<string> {
  const { entry } = figure;
  // One boot's group is already sorted (figure-samples.ts) and is plotted as it is; several are pooled into one sorted copy.
  const pooled = figure.groups.length === 1 ? figure.groups[0]! : sortAscending(pooledValues(figure.groups));
  const heading = `<h4>${escapeHtml(entry.metric)} <span class="dim">(${escapeHtml(entry.mechanism)}, ${escapeHtml(entry.unit)})</span></h4>`;
  if (pooled.length === 0) return `<div class="distribution" id="${id}">\n${heading}\n<p>No samples left after settling: nothing to plot.</p>\n</div>`;
  const title = `${entry.guest}: ${entry.metric}`;
  const bins = histogram(pooled);
  const curves: CdfCurve[] = [
    { label: 'pooled', points: empiricalCdf(pooled) },
    ...(figure.groups.length > 1 ? figure.groups.map((g, i) => ({ label: `boot ${i + 1}`, points: empiricalCdf(sortedValues(g)) })) : []),
  ];
  const histogramSvg = await renderSvg(histogramSpec(bins, { title, unit: entry.unit, color, boots: figure.groups.length }), `${id}-histogram`);
  const cdfSvg = await renderSvg(cdfSpec(curves, { title, unit: entry.unit, color, min: bins.min, max: bins.max }), `${id}-cdf`);
  return [
    `<div class="distribution" id="${id}">`,
    heading,
    '<div class="pair">',
    chartFigure('histogram', HISTOGRAM_MARK_CLASS, bins.bins.length, histogramSvg),
    chartFigure('cdf', CDF_MARK_CLASS, curves.length, cdfSvg),
    '</div>',
    '</div>',
  ].join('\n');
}
