import type { TopLevelSpec } from 'vega-lite';
import type { CrossOsTable } from '../../analysis/cross-os.js';
import { formatFigure } from '../format.js';
import { axisFormat, CHART_CONFIG, spansOrdersOfMagnitude, type GuestColors } from './chart-theme.js';

/** The SVG class of the bars (vega-lite names a unit's marks `<name>_marks`), one path per figure. */
export const BAR_MARK_CLASS = 'bars_marks';
/** The SVG class of the CI whiskers' rules, one line per figure. */
export const WHISKER_MARK_CLASS = 'whiskers_layer_2_marks';

/** A bar's label: who measured it and how; the metric name too when that alone would repeat a label. */
export function barLabels(table: CrossOsTable): string[] {
  const base = table.rows.map((r) => `${r.guest} · ${r.mechanism}${r.variant ? ` (${r.variant})` : ''}`);
  return base.map((label, i) => (base.indexOf(label) !== base.lastIndexOf(label) ? `${label} [${table.rows[i]!.metric}]` : label));
}

/**
 * One bar per figure of a metric class: the median, with its 95% CI as a whisker and its value
 * written beside it. Horizontal, as labels name guest, mechanism and placement. On a log axis when
 * the medians span orders of magnitude (a microkernel's IPC next to Linux's pipes), so the small
 * bars stay readable; the axis title says so.
 */
export function crossOsSpec(table: CrossOsTable, colors: GuestColors): TopLevelSpec {
  const labels = barLabels(table);
  const medians = table.rows.map((r) => r.median);
  const log = spansOrdersOfMagnitude(Math.min(...medians), Math.max(...medians));
  // A log axis has no zero for bars to start from: they start at the power of ten below the
  // smallest figure, and a CI reaching 0 is drawn from there.
  const floor = log ? 10 ** Math.floor(Math.log10(Math.min(...medians, ...table.rows.map((r) => r.ci95[0]).filter((v) => v > 0)))) : 0;
  const ceiling = log ? 10 ** Math.ceil(Math.log10(Math.max(...table.rows.map((r) => r.ci95[1])))) : 0;
  const values = table.rows.map((r, i) => ({
    label: labels[i]!,
    guest: r.guest,
    median: r.median,
    lo: log ? Math.max(r.ci95[0], floor) : r.ci95[0],
    hi: r.ci95[1],
    text: formatFigure(r.median),
  }));
  const x = {
    type: 'quantitative' as const,
    title: `median per operation (${table.unit}${log ? ', log scale' : ''}), 95% CI`,
    scale: log ? { type: 'log' as const, domain: [floor, ceiling] } : { zero: true },
    // On a log axis, ticks (and grid lines) at 1, 2 and 5 per decade; vega's own put one at every integer multiple.
    axis: log ? { format: '~s', values: logTicks(floor, ceiling) } : { format: axisFormat(Math.max(...table.rows.map((r) => r.ci95[1]))), tickCount: 6 },
  };
  const y = { field: 'label', type: 'nominal' as const, sort: null, title: null, axis: { labelLimit: 400 } };
  const guestsShown = colors.domain.filter((g) => table.rows.some((r) => r.guest === g));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CHART_CONFIG,
    width: 420,
    height: { step: 24 },
    title: { text: `${table.title} (${table.unit})`, subtitle: `one operation: ${table.operation}; mode: ${table.accels.join(', ')}` },
    data: { values },
    encoding: { y },
    layer: [
      {
        name: 'bars',
        mark: { type: 'bar', height: { band: 0.7 } },
        encoding: {
          x: { ...x, field: 'median', stack: null },
          ...(log ? { x2: { value: 0 } } : {}),
          color: {
            field: 'guest',
            type: 'nominal',
            title: 'guest',
            scale: { domain: guestsShown, range: guestsShown.map((g) => colors.range[colors.domain.indexOf(g)]!) },
            // Every label starts with the guest: a legend would only repeat it.
            legend: null,
          },
        },
      },
      {
        mark: { type: 'errorbar', ticks: { size: 9 }, color: '#222', thickness: 1.2 },
        name: 'whiskers',
        encoding: { x: { ...x, field: 'lo' }, x2: { field: 'hi' } },
      },
      {
        mark: { type: 'text', align: 'left', dx: 6, fontSize: 10.5, color: '#333' },
        encoding: { x: { field: 'hi', type: 'quantitative' }, text: { field: 'text' } },
      },
    ],
  };
}

/** 1, 2 and 5 times each power of ten from `from` to `to`, both powers of ten. */
export function logTicks(from: number, to: number): number[] {
  const ticks: number[] = [];
  for (let decade = from; decade <= to * (1 + 1e-9); decade *= 10) {
    for (const m of [1, 2, 5]) if (m * decade <= to * (1 + 1e-9)) ticks.push(Number((m * decade).toPrecision(12)));
  }
  return ticks;
}
