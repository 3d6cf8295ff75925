import type { TopLevelSpec } from 'vega-lite';
import { axisFormat, CHART_CONFIG, spansOrdersOfMagnitude } from './chart-theme.js';
import type { CdfPoint } from './distribution-data.js';

/** The SVG class of the CDF's lines (vega-lite names a unit's marks `<name>_marks`), one path per curve. */
export const CDF_MARK_CLASS = 'cdf_marks';

/** One curve of the CDF plot: all samples pooled, or one boot's. */
export interface CdfCurve {
  label: string;
  points: CdfPoint[];
}

/**
 * The empirical CDF over the whole range, tails included (the histogram cuts them). With several
 * boots, each boot's curve is drawn thin beside the pooled one: how far apart they are is the
 * between-boot variation the hierarchical CI accounts for.
 */
export function cdfSpec(curves: readonly CdfCurve[], options: { title: string; unit: string; color: string; min: number; max: number }): TopLevelSpec {
  // Boots first, so the pooled curve is drawn over them; `i` keeps each step's two points in order.
  const drawOrder = [...curves.slice(1), ...curves.slice(0, 1)];
  const values = drawOrder.flatMap((c) => c.points.map((p, i) => ({ curve: c.label, i, x: p.x, p: p.p })));
  const log = spansOrdersOfMagnitude(options.min, options.max);
  // Room either side, so the first step is not hidden under the y axis and a one-value CDF is not at the edge.
  const pad = options.max === options.min ? Math.max(1, Math.abs(options.min) * 0.01) : (options.max - options.min) * 0.03;
  const pooled = curves[0]?.label ?? '';
  const boots = curves.slice(1).map((c) => c.label);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CHART_CONFIG,
    name: 'cdf',
    width: 330,
    height: 190,
    title: {
      text: options.title,
      subtitle: [
        `empirical CDF of all samples${log ? ', log scale' : ''}`,
        boots.length > 0 ? `pooled (thick) and each of ${boots.length} boots (thin, grey)` : 'one boot',
      ],
    },
    data: { values },
    mark: { type: 'line', interpolate: 'linear' },
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        title: `${options.unit} per operation${log ? ' (log)' : ''}`,
        scale: log ? { type: 'log' } : { zero: false, nice: false, domain: [options.min - pad, options.max + pad] },
        axis: { tickCount: 6, format: log ? '~s' : axisFormat(options.max) },
      },
      y: { field: 'p', type: 'quantitative', title: 'fraction of samples ≤ x', scale: { domain: [0, 1] }, axis: { tickCount: 5 } },
      detail: { field: 'curve', type: 'nominal' },
      order: { field: 'i' },
      color: {
        field: 'curve',
        type: 'nominal',
        scale: { domain: [pooled, ...boots], range: [options.color, ...boots.map(() => '#9a9a9a')] },
        legend: null,
      },
      strokeWidth: {
        condition: { test: `datum.curve === ${JSON.stringify(pooled)}`, value: 2.2 },
        value: 1,
      },
    },
  };
}
