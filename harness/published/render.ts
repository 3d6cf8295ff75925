import { formatCi, formatFigure, markdownTable, textTable } from '../report/format.js';
import type { FigureComparison, RatioComparison, Reproduction } from './reproduce.js';
import type { PublishedFigure, PublishedReference } from './types.js';

const FIGURE_HEADERS = ['published figure', 'value', 'unit', 'hardware', 'measured', 'median [95% CI]', 'unit', 'accel', 'measured/published', 'comparison'];
const RATIO_HEADERS = ['published ratio', 'value', 'measured (numerator / denominator)', 'measured ratio [95% CI]', 'unit', 'accel', 'comparison'];

/** The comparison as tables plus numbered notes, shared by the terminal and Markdown renderings. */
interface View {
  figureRows: string[][];
  ratioRows: string[][];
  /** Long explanations, numbered in order of first use and cited as [n] in the tables. */
  notes: string[];
}

function view(reproduction: Reproduction): View {
  const notes: string[] = [];
  const cite = (text: string) => {
    let index = notes.indexOf(text);
    if (index < 0) index = notes.push(text) - 1;
    return `[${index + 1}]`;
  };
  const multipleRuns = reproduction.runs.length > 1;
  const { reference } = reproduction;
  // In the reference's order, every selector of every figure gets its rows, or one saying it is missing.
  const figureRows = reference.figures.flatMap((figure) =>
    figure.matches.flatMap((selector) => {
      const found = reproduction.figures.filter((c) => c.figure === figure && c.selector === selector);
      if (found.length > 0) return found.map((c) => figureRow(reference, c, cite, multipleRuns));
      const hardware = reference.hardware[figure.hardware];
      const why = reproduction.missing.find((m) => m.for === figure.name && m.os === selector.os && m.metric === selector.metric)?.why ?? 'no run has it';
      return [
        [
          figure.name,
          publishedValue(figure),
          reference.unit,
          hardware ? `${hardware.cpu}, ${hardware.clock}` : figure.hardware,
          `${selector.os} ${selector.metric}`,
          '-',
          '-',
          '-',
          '-',
          `missing ${cite(`${selector.os} ${selector.metric} missing: ${why}`)}`,
        ],
      ];
    }),
  );
  const ratioRows = reproduction.ratios.map((r) => ratioRow(r, cite, multipleRuns));
  return { figureRows, ratioRows, notes };
}

function figureRow(reference: PublishedReference, c: FigureComparison, cite: (text: string) => string, multipleRuns: boolean): string[] {
  const scale = c.selector.scale !== undefined && c.selector.scale !== 1 ? ` x ${c.selector.scale}` : '';
  const measured = `${c.entry.guest} ${c.entry.metric}${scale}${multipleRuns ? ` (run ${c.runId})` : ''}`;
  const citations = [cite(c.comparability.text), ...(c.selector.note ? [cite(`${c.selector.os} ${c.selector.metric}: ${c.selector.note}`)] : [])].join('');
  return [
    c.figure.name,
    publishedValue(c.figure),
    reference.unit,
    `${c.hardware.cpu}, ${c.hardware.clock}`,
    measured,
    `${formatFigure(c.measured.median)} ${formatCi(c.measured.ci95)}`,
    c.entry.unit,
    c.entry.accel,
    c.ratio !== undefined ? c.ratio.toFixed(2) : c.nominalRatio !== undefined ? `${c.nominalRatio.toFixed(2)} (instructions / ${reference.unit})` : 'n/a',
    `${c.comparability.verdict} ${citations}`,
  ];
}

function ratioRow(r: RatioComparison, cite: (text: string) => string, multipleRuns: boolean): string[] {
  const published = `${r.ratio.numerator.system} / ${r.ratio.denominator.system}`;
  if (!r.measured) {
    return [
      `${r.ratio.name} (${published})`,
      formatRatio(r.ratio.value),
      `${r.ratio.numerator.os} ${r.ratio.numerator.metric} / ${r.ratio.denominator.os} ${r.ratio.denominator.metric}`,
      '-',
      '-',
      '-',
      `${r.comparable ? '' : 'no measured ratio '}${cite(r.text)}`,
    ];
  }
  const { numerator: n, denominator: d } = r.measured;
  const run = (id: string) => (multipleRuns ? ` (run ${id})` : '');
  return [
    `${r.ratio.name} (${published})`,
    formatRatio(r.ratio.value),
    `${n.guest} ${n.metric}${run(n.runId)} / ${d.guest} ${d.metric}${run(d.runId)}`,
    `${formatRatio(r.measured.ratio)} [${formatRatio(r.measured.ci95[0])}, ${formatRatio(r.measured.ci95[1])}]`,
    r.measured.unit,
    r.measured.accel,
    `${r.comparable ? 'comparable as a ratio' : 'not comparable'} ${cite(r.text)}`,
  ];
}

/** "775 (mean, σ 10)", "948 (median, IQR 946-950)". */
export function publishedValue(figure: PublishedFigure): string {
  const parts: string[] = figure.statistic === 'unstated' ? [] : [figure.statistic];
  if (figure.spread?.stddev !== undefined) parts.push(`σ ${formatFigure(figure.spread.stddev)}`);
  if (figure.spread?.iqr) parts.push(`IQR ${formatFigure(figure.spread.iqr[0])}-${formatFigure(figure.spread.iqr[1])}`);
  else if (figure.spread?.range) parts.push(`range ${formatFigure(figure.spread.range[0])}-${formatFigure(figure.spread.range[1])}`);
  return parts.length > 0 ? `${formatFigure(figure.value)} (${parts.join(', ')})` : formatFigure(figure.value);
}

/** Three significant digits, without trailing zeros: 22, 0.417, 1.05. */
function formatRatio(value: number): string {
  return String(Number(value.toPrecision(3)));
}

function citation(reference: PublishedReference): string {
  const c = reference.citation;
  return `${c.authors.join(', ')}: "${c.title}", ${c.where}, ${c.year}. ${c.url}`;
}

function runLine(reproduction: Reproduction): string[] {
  return reproduction.runs.map((r) => `measured: run ${r.runId} (${r.dir})${r.hostCpu ? `, host CPU ${r.hostCpu}` : ''}`);
}

/** The comparison for a terminal: header, the figure table, the ratio table, numbered notes, what is missing. */
export function renderText(reproduction: Reproduction): string {
  const { reference } = reproduction;
  const v = view(reproduction);
  const lines = [
    `reference ${reference.id}: ${reference.title}`,
    `source: ${citation(reference)}`,
    `figures of ${reference.figuresDate}, retrieved ${reference.retrieved}; published unit: ${reference.unit}`,
    ...runLine(reproduction),
    '',
    textTable(FIGURE_HEADERS, v.figureRows),
  ];
  if (v.ratioRows.length > 0) lines.push('', textTable(RATIO_HEADERS, v.ratioRows));
  if (v.notes.length > 0) lines.push('', ...v.notes.map((note, i) => `[${i + 1}] ${note}`));
  if (reproduction.missing.length > 0) {
    lines.push('', 'missing measured figures:', ...reproduction.missing.map((m) => `- ${m.os} ${m.metric} (for "${m.for}"): ${m.why}`));
  }
  return `${lines.join('\n')}\n`;
}

/** The same comparison as a Markdown document, with the reference's method, verification and notes. */
export function renderMarkdown(reproduction: Reproduction): string {
  const { reference } = reproduction;
  const v = view(reproduction);
  const parts = [
    `# Reproducing ${reference.id}`,
    '',
    `${reference.title}`,
    '',
    `- Source: ${citation(reference)}`,
    `- Figures of ${reference.figuresDate}, retrieved ${reference.retrieved}; published unit: ${reference.unit}`,
    `- How they were measured: ${reference.method}`,
    ...Object.entries(reference.hardware).map(([key, h]) => `- Hardware \`${key}\`: ${h.cpu}, ${h.clock}${h.notes ? ` (${h.notes})` : ''}`),
    ...runLine(reproduction).map((line) => `- ${line[0]!.toUpperCase()}${line.slice(1)}`),
    '',
    '## Figures',
    '',
    markdownTable(FIGURE_HEADERS, v.figureRows),
  ];
  if (v.ratioRows.length > 0) parts.push('', '## Ratios between systems', '', markdownTable(RATIO_HEADERS, v.ratioRows));
  if (v.notes.length > 0) parts.push('', '## Notes', '', ...v.notes.map((note, i) => `${i + 1}. ${note}`));
  if (reproduction.missing.length > 0) {
    parts.push('', '## Missing measured figures', '', ...reproduction.missing.map((m) => `- \`${m.os} ${m.metric}\` (for "${m.for}"): ${m.why}`));
  }
  parts.push('', '## About the published figures', '', `Verification: ${reference.verification}`);
  if (reference.notes) parts.push('', `Notes: ${reference.notes}`);
  return `${parts.join('\n')}\n`;
}
