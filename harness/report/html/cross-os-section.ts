import type { CrossOsRow, CrossOsTable } from '../../analysis/cross-os.js';
import { CROSS_OS_HEADERS, crossOsRow, headlineNote } from '../cross-os-markdown.js';
import { unitMeaning } from '../../units.js';
import { BAR_MARK_CLASS, crossOsSpec, WHISKER_MARK_CLASS } from './chart-cross-os.js';
import { chartFigure } from './chart-figure.js';
import type { GuestColors } from './chart-theme.js';
import { escapeHtml, inlineMarkdown } from './escape.js';
import { htmlTable } from './html-table.js';
import { renderSvg } from './render-svg.js';

/** The comparison across systems: per metric class and unit, a bar chart of medians with CI whiskers, then report.md's table. */
export async function crossOsSection(tables: readonly CrossOsTable[], colors: GuestColors, noteOf: (row: CrossOsRow) => string | undefined): Promise<string> {
  if (tables.length === 0) return '';
  const baseline = tables[0]!.baseline;
  const out = [
    '<section id="across-systems">',
    '<h2>Across systems</h2>',
    `<p>Median per operation with its 95% CI (whiskers). Ratio = the figure / <strong>${escapeHtml(baseline)}</strong>'s figure of the same kind (same placement): its headline figure of the class where it has one (e.g. syscall.null), else its fastest; ` +
      'with a bootstrap CI of the ratio of medians (hierarchical over boots when there are several). Figures in different units are in separate charts and never compared.</p>',
  ];
  for (const [i, table] of tables.entries()) {
    const id = `cross-os-${i + 1}`;
    const svg = await renderSvg(crossOsSpec(table, colors), id);
    out.push(
      `<div class="cross-os" id="${id}">`,
      `<h3>${escapeHtml(table.title)} <span class="dim">(${escapeHtml(table.unit)})</span></h3>`,
      `<p>One operation: ${escapeHtml(table.operation)}. Unit: ${escapeHtml(unitMeaning(table.unit))}. Mode: ${escapeHtml(table.accels.join(', '))}.</p>`,
      ...(headlineNote(table) ? [`<p>${inlineMarkdown(headlineNote(table)!)}</p>`] : []),
      chartFigure('bars', BAR_MARK_CLASS, table.rows.length, svg, ` data-whisker-class="${WHISKER_MARK_CLASS}"`),
      htmlTable(
        CROSS_OS_HEADERS,
        table.rows.map((row) => crossOsRow(row, noteOf(row))),
      ),
      '</div>',
    );
  }
  out.push('</section>');
  return out.join('\n');
}
