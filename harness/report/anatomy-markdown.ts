import type { AnatomyDocument, AnatomyMetric } from '../analysis/anatomy.js';
import { anatomyComparisons, anatomyPerOp, type AnatomyComparison, type AnatomyPerOp, type AnatomyPick } from '../analysis/anatomy-per-op.js';
import { formatFigure, markdownTable } from './format.js';

/** What the section is, in both reports. */
export const ANATOMY_INTRO =
  "From one more boot of each guest with the cost-anatomy plugin (a QEMU TCG plugin), after its timed boots and always under tcg-icount whatever this run's mode: counts of guest instructions, per operation (the region's totals / its windows / operations per sample). " +
  'A window runs from the timer read that starts a sample to the one that ends it, both included, so its median is the timed median plus the timer overhead; ' +
  'the figures here are means over the windows, which an interrupt in a few of them (an iret below 1) raises a little. See docs/anatomy.md.';

export const ANATOMY_HEADERS = [
  'metric',
  'windows',
  'ops per sample',
  'instructions',
  'user / kernel',
  'transitions',
  'CR3 writes',
  'memory accesses',
  'top functions (share of instructions)',
] as const;

/** A count per operation: whole, or with two decimals where an interrupt in a few windows shows as a fraction. */
export function formatPerOp(value: number): string {
  if (Number.isInteger(value)) return String(value);
  // A rare event (an interrupt's iret in a few windows) keeps a significant digit rather than showing as 0.
  if (Math.abs(value) < 0.005) return value.toPrecision(1);
  return value.toFixed(2).replace(/\.?0+$/, '');
}

/** The transitions per operation that occurred, e.g. "syscall 4, sysret 4"; "none" when there were none. */
export function formatTransitions(perOp: AnatomyPerOp): string {
  return perOp.transitions.length > 0 ? perOp.transitions.map(([kind, value]) => `${kind} ${formatPerOp(value)}`).join(', ') : 'none';
}

function topFunctions(perOp: AnatomyPerOp): string {
  if (perOp.topFunctions.length === 0) return '—';
  return perOp.topFunctions.map((f) => `\`${f.symbol}\` ${(f.share * 100).toFixed(1)}%`).join(', ');
}

/** A guest's metric as a row of ANATOMY_HEADERS. */
export function anatomyRow(metric: AnatomyMetric): string[] {
  const name = metric.ended ? metric.metric : `${metric.metric} (region not ended)`;
  const perOp = anatomyPerOp(metric);
  if (!perOp) return [name, String(metric.windows), String(metric.opsPerSample), '—', '—', '—', '—', '—', '—'];
  return [
    name,
    String(metric.windows),
    String(metric.opsPerSample),
    formatFigure(perOp.instructions),
    `${formatFigure(perOp.user)} / ${formatFigure(perOp.kernel)}`,
    formatTransitions(perOp),
    formatPerOp(perOp.cr3Writes),
    formatFigure(perOp.memAccesses),
    topFunctions(perOp),
  ];
}

/** What a guest's table is of: its OS, word size and kernel base, the symbols' sources, and marks that did not pair. */
export function anatomyGuestNotes(doc: AnatomyDocument): string[] {
  const notes = [`OS ${doc.os}, ${doc.bits}-bit; kernel code at or above ${doc.kernelBase}.`];
  if (doc.symbolSources.length > 0) notes.push(`Function names from: ${doc.symbolSources.join('; ')}.`);
  if (doc.unbalancedMarks > 0)
    notes.push(
      `**${doc.unbalancedMarks} region marks did not pair** (a begin inside a region or an end outside one): its regions may not be the benchmarks' loops.`,
    );
  return notes;
}

/** One guest's figure in a comparison, e.g. "linux `syscall.null` = 12 user + 349 kernel = 361 instructions in 40 functions; syscall 1, sysret 1; 2 CR3 writes". */
export function anatomyPickText(pick: AnatomyPick): string {
  const { perOp } = pick;
  const count = perOp.functionCount;
  const named = count !== undefined ? ` in ${count} function${count === 1 ? '' : 's'}` : '';
  const functions = perOp.unnamedCode ? `${named}${count ? ' and' : ''} code without symbols` : named;
  return (
    `${pick.guest} \`${pick.metric.metric}\` = ${formatFigure(perOp.user)} user + ${formatFigure(perOp.kernel)} kernel = ${formatFigure(perOp.instructions)} instructions${functions}; ` +
    `${formatTransitions(perOp)}; ${formatPerOp(perOp.cr3Writes)} CR3 writes`
  );
}

/** A comparison's lead-in, e.g. "One IPC round trip (threads, same CPU)". */
export function comparisonTitle(comparison: AnatomyComparison): string {
  return `${comparison.title}${comparison.variant ? ` (${comparison.variant})` : ''}`;
}

export const ANATOMY_ACROSS_INTRO =
  "Per kind of operation, each guest's headline figure (the metric named as the class, e.g. `syscall.null`), else its cheapest of the placement most guests have; one operation as the cross-OS tables count it.";

/** The documents' comparisons, or none when no guest has figures to set side by side. */
export function anatomyAcross(docs: readonly AnatomyDocument[]): AnatomyComparison[] {
  return anatomyComparisons(docs.map((doc) => ({ guest: doc.guest, metrics: doc.metrics })));
}

/** report.md's cost anatomy: a table per guest, then the figures across systems per kind of operation; nothing without documents. */
export function anatomyMarkdown(docs: readonly AnatomyDocument[]): string[] {
  if (docs.length === 0) return [];
  const out = ['## Cost anatomy', '', ANATOMY_INTRO, ''];
  for (const doc of docs) {
    out.push(`### ${doc.guest}`, '', anatomyGuestNotes(doc).join(' '), '');
    if (doc.metrics.length > 0) out.push(markdownTable(ANATOMY_HEADERS, doc.metrics.map(anatomyRow)), '');
    else out.push('No region was matched to a benchmark.', '');
  }
  const comparisons = anatomyAcross(docs);
  if (comparisons.length > 0) {
    out.push('### Across systems', '', ANATOMY_ACROSS_INTRO, '');
    for (const comparison of comparisons) {
      out.push(`- **${comparisonTitle(comparison)}**, one operation: ${comparison.operation}.`);
      for (const pick of comparison.picks) out.push(`  - ${anatomyPickText(pick)}`);
    }
    out.push('');
  }
  return out;
}
