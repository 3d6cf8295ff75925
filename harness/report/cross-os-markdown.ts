import { unitMeaning } from '../units.js';
import type { CrossOsRow, CrossOsTable } from '../analysis/cross-os.js';
import { formatCi, formatFigure, markdownTable } from './format.js';

export const CROSS_OS_HEADERS = ['guest', 'mechanism', 'placement', 'n', 'median', '95% CI', 'ratio', 'ratio 95% CI', 'ratio against'] as const;

export function formatRatio(value: number): string {
  return value.toFixed(3);
}

/** A row of a cross-OS table; `note` (e.g. that the terms differ) is added to its ratio's last cell. */
export function crossOsRow(row: CrossOsRow, note?: string): string[] {
  const ratio = row.ratio;
  const ratioCells =
    'value' in ratio
      ? [
          formatRatio(ratio.value),
          `[${formatRatio(ratio.ci95[0])}, ${formatRatio(ratio.ci95[1])}]`,
          `${ratio.against.guest} ${ratio.against.mechanism} (${formatFigure(ratio.against.median)})${note ? `; **${note}**` : ''}`,
        ]
      : ['—', '—', ratio.reason];
  return [row.guest, row.mechanism, row.variant || '—', String(row.n), formatFigure(row.median), formatCi(row.ci95), ...ratioCells];
}

/**
 * For a table with headline figures (named as the class, e.g. `syscall.null`, beside alternatives
 * such as `syscall.null.enosys`): which figure is each guest's headline, and what ratios are against.
 */
export function headlineNote(table: CrossOsTable): string | undefined {
  const headlines = table.rows.filter((row) => row.metric === table.classId);
  if (headlines.length === 0 || headlines.length === table.rows.length) return undefined;
  const each = headlines.map((row) => `${row.guest}: ${row.mechanism}`).join('; ');
  return `Each guest's headline is its \`${table.classId}\` figure (${each}); rows named \`${table.classId}.*\` are alternatives, and ratios are taken against the baseline's headline. Why each OS's headline is the nearest thing it has: docs/metrics.md.`;
}

/** report.md's comparison across systems: one table per metric class and unit. */
export function crossOsMarkdown(tables: readonly CrossOsTable[], noteOf: (row: CrossOsRow) => string | undefined = () => undefined): string[] {
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
    const headlines = headlineNote(table);
    if (headlines) out.push(headlines, '');
    out.push(
      markdownTable(
        CROSS_OS_HEADERS,
        table.rows.map((row) => crossOsRow(row, noteOf(row))),
      ),
      '',
    );
  }
  return out;
}
