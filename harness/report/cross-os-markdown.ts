import { unitMeaning } from '../units.js';
import type { CrossOsRow, CrossOsTable } from '../analysis/cross-os.js';
import { formatCi, formatFigure, markdownTable } from './format.js';

export const CROSS_OS_HEADERS = ['guest', 'mechanism', 'placement', 'n', 'median', '95% CI', 'ratio', 'ratio 95% CI', 'ratio against'] as const;

export function formatRatio(value: number): string {
  return value.toFixed(3);
}

export function crossOsRow(row: CrossOsRow): string[] {
  const ratio = row.ratio;
  const ratioCells =
    'value' in ratio
      ? [
          formatRatio(ratio.value),
          `[${formatRatio(ratio.ci95[0])}, ${formatRatio(ratio.ci95[1])}]`,
          `${ratio.against.guest} ${ratio.against.mechanism} (${formatFigure(ratio.against.median)})`,
        ]
      : ['—', '—', ratio.reason];
  return [row.guest, row.mechanism, row.variant || '—', String(row.n), formatFigure(row.median), formatCi(row.ci95), ...ratioCells];
}

/** report.md's comparison across systems: one table per metric class and unit. */
export function crossOsMarkdown(tables: readonly CrossOsTable[]): string[] {
  if (tables.length === 0) return [];
  const baseline = tables[0]!.baseline;
  const out = [
    '## Across systems',
    '',
    `Median per operation with its 95% CI. Ratio = the figure / **${baseline}**'s figure of the same kind (same placement): its headline figure of the class where it has one (e.g. \`syscall.null\`), else its fastest; ` +
      'with a bootstrap CI of the ratio of medians (hierarchical over boots when there are several). Figures in different units are in separate tables and never compared.',
    '',
  ];
  for (const table of tables) {
    out.push(`### ${table.title} (${table.unit})`, '');
    out.push(`One operation: ${table.operation}. Unit: ${unitMeaning(table.unit)}. Mode: ${table.accels.join(', ')}.`, '');
    out.push(markdownTable(CROSS_OS_HEADERS, table.rows.map(crossOsRow)), '');
  }
  return out;
}
