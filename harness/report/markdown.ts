import { formatCi, formatFigure, markdownTable } from './format.js';
import type { ResultEntry, ResultsDocument } from './results.js';

export const SUMMARY_HEADERS = ['metric', 'mechanism', 'unit', 'n', 'median', '95% CI', 'p5', 'p95', 'MAD'] as const;

export function summaryRow(r: ResultEntry): string[] {
  return [r.metric, r.mechanism, r.unit, String(r.n), formatFigure(r.median), formatCi(r.ci95), formatFigure(r.p5), formatFigure(r.p95), formatFigure(r.mad)];
}

export interface ReportContext {
  /** Per guest: accelerator and reason it was chosen, vCPUs, guest kernel. */
  guests: { name: string; accel: string; accelReason: string; vcpus: number; kernel: string }[];
  createdAt: string;
}

/** report.md: one table per guest, with units and the accelerator mode stated beside the figures. */
export function reportMarkdown(doc: ResultsDocument, context: ReportContext): string {
  const out: string[] = [
    `# Benchmark run ${doc.runId}`,
    '',
    `Created ${context.createdAt}.${doc.complete ? '' : ' **Incomplete run:** some guests or benchmarks did not finish (see below).'}`,
    '',
    'Figures are per operation, after subtracting the timer overhead (the minimum of back-to-back timer reads, in the guest) once per sample. ' +
      'The 95% CI is a bootstrap interval of the median (see docs/methodology.md).',
    '',
  ];
  for (const guest of context.guests) {
    const rows = doc.results.filter((r) => r.guest === guest.name);
    out.push(`## ${guest.name}`, '');
    out.push(`Accelerator: **${guest.accel}** (${guest.accelReason}). vCPUs: ${guest.vcpus}. Guest kernel: ${guest.kernel}.`, '');
    const caveats = [...new Set(rows.flatMap((r) => (r.caveat ? [r.caveat] : [])))];
    for (const caveat of caveats) out.push(`> **${caveat}**`, '');
    if (rows.length > 0) out.push(markdownTable(SUMMARY_HEADERS, rows.map(summaryRow)), '');
    const clamped = rows.filter((r) => r.clampedSamples > 0);
    for (const r of clamped) out.push(`- ${r.metric}: ${r.clampedSamples} samples were below the timer overhead and counted as 0.`);
    if (clamped.length > 0) out.push('');
  }
  const notRun = (title: string, entries: ResultsDocument['skipped']) => {
    if (entries.length === 0) return;
    out.push(`## ${title}`, '');
    for (const e of entries) out.push(`- ${e.guest}${e.metric ? ` ${e.metric}` : ''}: ${e.reason}${e.howTo ? ` (${e.howTo})` : ''}`);
    out.push('');
  };
  notRun('Skipped', doc.skipped);
  notRun('Failed', doc.failed);
  return out.join('\n');
}
