import { crossOsMarkdown } from './cross-os-markdown.js';
import { anatomyMarkdown } from './anatomy-markdown.js';
import type { AnatomyDocument } from '../analysis/anatomy.js';
import type { CrossOsTable } from '../analysis/cross-os.js';
import { formatCi, formatFigure, markdownTable } from './format.js';
import { unitCaveat } from '../units.js';
import type { PeerEntry } from '../analysis/peers.js';
import type { ResultEntry, ResultsDocument } from '../analysis/results.js';
import { crossOsTermsNote, termsMarkdown, type GuestTerms } from './terms.js';
import type { FigureSamples } from '../analysis/figure-samples.js';
import { distributionsMarkdown } from './text-histogram.js';

export const SUMMARY_HEADERS = ['metric', 'mechanism', 'unit', 'n', 'median', '95% CI', 'p5', 'p95', 'MAD', 'median ns'] as const;

export function summaryRow(r: ResultEntry): string[] {
  const ns = 'median' in r.nanoseconds ? `${r.nanoseconds.median.toFixed(1)} ns` : '—';
  return [
    r.metric,
    r.mechanism,
    r.unit,
    String(r.n),
    formatFigure(r.median),
    formatCi(r.ci95),
    formatFigure(r.p5),
    formatFigure(r.p95),
    formatFigure(r.mad),
    ns,
  ];
}

export const METHOD_HEADERS = ['metric', 'boots', 'boot medians (range)', 'CI method', 'settling: dropped', 'outliers low/high', 'timer overhead'] as const;

/** How each figure was obtained: repetition, warm-up, outliers, overhead — what a reviewer asks. */
export function methodRow(r: ResultEntry): string[] {
  const spread = r.betweenBoots;
  const boots = spread.boots > 1 ? `${formatFigure(spread.min)}–${formatFigure(spread.max)} (${(spread.relativeRange * 100).toFixed(1)}%)` : '—';
  const overhead = `${r.timerOverhead.subtracted} subtracted${r.timerOverhead.stable ? '' : ' (**unstable**)'}`;
  return [r.metric, String(r.boots), boots, r.ciMethod, String(r.settling.dropped), `${r.outliers.low}/${r.outliers.high} (${r.outliers.method})`, overhead];
}

export interface ReportContext {
  /** Per guest: accelerator and reason it was chosen, vCPUs, boots, guest kernel. */
  guests: {
    name: string;
    runId: string;
    accel: string;
    accelReason: string;
    vcpus: number;
    boots: number;
    kernel: string;
    timer: string;
    hostWarnings: string[];
    /** What its figures were measured on, for the terms of comparison. */
    terms: GuestTerms;
  }[];
  createdAt: string;
  /** The runs a merged report was made from (`harness report A B`); empty for a single run. */
  mergedFrom: string[];
  /** Per run whose jobs ran elsewhere (Slurm): where they ran (executor-summary.ts). */
  executors: string[];
  /** Per run started with command-line overrides (`--guest`, `--bench`, `--iters`, ...): them, as a command line gives them. */
  overrides?: { runId: string; line: string }[];
}

/**
 * A sentence per run started with command-line overrides, naming the run when the report merges
 * several; `code` and `text` write its two kinds of text (report.md's Markdown by default).
 */
export function overridesSentences(
  context: Pick<ReportContext, 'overrides' | 'mergedFrom'>,
  code: (text: string) => string = (text) => `\`${text}\``,
  text: (text: string) => string = (t) => t,
): string[] {
  return (context.overrides ?? []).map(
    (o) =>
      text(`Command-line overrides${context.mergedFrom.length > 0 ? ` of run ${o.runId}` : ''}: `) +
      code(o.line) +
      text(', replacing what the config says (manifest.json ') +
      code('overrides') +
      text(').'),
  );
}

/** Each guest's terms by its name (the first, when merged runs share a name). */
export function termsByGuest(context: ReportContext): Map<string, GuestTerms> {
  const map = new Map<string, GuestTerms>();
  for (const guest of context.guests) if (!map.has(guest.name)) map.set(guest.name, guest.terms);
  return map;
}

/**
 * report.md: the terms of comparison, then the comparison across systems first (one table per metric class), the cost
 * anatomy when a guest has one, then one section per guest with how each figure was obtained and, given its samples (`figures`), a text
 * histogram of each figure; units and accelerator mode stated throughout.
 */
export function reportMarkdown(
  doc: ResultsDocument,
  context: ReportContext,
  crossOs: readonly CrossOsTable[],
  anatomy: readonly AnatomyDocument[] = [],
  figures: readonly FigureSamples[] = [],
): string {
  const samplesOf = new Map(figures.map((f) => [f.entry, f]));
  const out: string[] = [
    context.mergedFrom.length > 0 ? `# Merged report ${doc.runId}` : `# Benchmark run ${doc.runId}`,
    '',
    ...(context.mergedFrom.length > 0 ? [`Merged from runs ${context.mergedFrom.join(', ')}; each guest's section names its run.`, ''] : []),
    `Created ${context.createdAt}.${doc.complete ? '' : ' **Incomplete run:** some guests or benchmarks did not finish (see below).'}`,
    '',
    'Figures are per operation, after subtracting the timer overhead once per sample (measured in the guest: the smallest of many timed windows with nothing in them, or on seL4 with a NOP in place of the system call; see docs/metrics.md). ' +
      'The 95% CI is a bootstrap interval of the median; with several boots, a hierarchical one (boots, then samples within boots). See docs/methodology.md.',
    '',
  ];
  for (const line of context.executors) out.push(`Executor: ${line}.`, '');
  for (const sentence of overridesSentences(context)) out.push(sentence, '');
  out.push(...termsMarkdown(context.guests));
  out.push(...crossOsMarkdown(crossOs, crossOsTermsNote(termsByGuest(context))));
  out.push(...anatomyMarkdown(anatomy));
  for (const guest of context.guests) {
    const rows = doc.results.filter((r) => r.guest === guest.name);
    out.push(`## ${guest.name}`, '');
    if (context.mergedFrom.length > 0) out.push(`Run: ${guest.runId}.`, '');
    out.push(`Accelerator: **${guest.accel}** (${guest.accelReason}). vCPUs: ${guest.vcpus}. Boots: ${guest.boots}. Guest kernel: ${guest.kernel}.`, '');
    out.push(`Timer: ${guest.timer}.`, '');
    const ns = rows[0]?.nanoseconds;
    if (ns && 'reason' in ns) out.push(`Nanoseconds: ${ns.reason}.`, '');
    if (guest.hostWarnings.length > 0) {
      out.push('Host conditions:', '', ...guest.hostWarnings.map((w) => `- ${w}`), '');
    }
    const caveats = [...new Set(rows.flatMap((r) => (r.caveat ? [r.caveat] : [])))];
    for (const caveat of caveats) out.push(`> **${caveat}**`, '');
    if (rows.length > 0) {
      out.push(markdownTable(SUMMARY_HEADERS, rows.map(summaryRow)), '');
      out.push(`How each figure was obtained (settling policy: ${rows[0]!.settling.policy}; outliers are counted, never dropped):`, '');
      out.push(markdownTable(METHOD_HEADERS, rows.map(methodRow)), '');
    }
    for (const r of rows) for (const flag of r.flags) out.push(`- **${r.metric}:** ${flag}`);
    if (rows.some((r) => r.flags.length > 0)) out.push('');
    const clamped = rows.filter((r) => r.clampedSamples > 0);
    for (const r of clamped) out.push(`- ${r.metric}: ${r.clampedSamples} samples were below the timer overhead and counted as 0.`);
    if (clamped.length > 0) out.push('');
    out.push(...distributionsMarkdown(rows, samplesOf));
  }
  out.push(...peerCrossCheck(doc.peers ?? []));
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

export const PEER_HEADERS = ['guest', 'peer benchmark', 'compared with', 'peer per op', 'ours (median)', 'ours / peer', 'peer printed'] as const;

export function peerRow(p: PeerEntry): string[] {
  const figure = (v: number | null) => (v === null ? '—' : `${formatFigure(v)} ${p.unit}`);
  const printed = p.boots.map((b) => (b.usecsPerOp !== null ? `${b.usecsPerOp} usecs/op` : `no figure (exit ${b.exit})`)).join(', ');
  const loops = p.boots[0] ? ` (${p.boots[0].loops} loops${p.boots.length > 1 ? `, ${p.boots.length} boots` : ''})` : '';
  return [
    p.guest,
    `${p.peer} ${p.bench}`,
    p.compareWith,
    figure(p.perOp),
    figure(p.ourMedian),
    p.ratio === null ? '—' : p.ratio.toFixed(3),
    `${printed}${loops}`,
  ];
}

/**
 * Another tool's benchmark of the same operation, run in the same boot after ours (config
 * `peers`): a check that our figures are in line with what others would report.
 */
export function peerCrossCheck(peers: readonly PeerEntry[]): string[] {
  if (peers.length === 0) return [];
  const out = [
    '## Peer cross-check',
    '',
    "Debian's `perf bench`, run in the same boot after our benchmarks and pinned to vCPU 0 like them; its microseconds per operation " +
      '(gettimeofday around the whole loop) converted to our unit. The ratio is ours / perf. What each measures, and so which ratio ' +
      'to expect, is in docs/methodology.md ("Peer cross-check").',
    '',
    markdownTable(PEER_HEADERS, peers.map(peerRow)),
    '',
  ];
  for (const caveat of new Set(peers.flatMap((p) => unitCaveat(p.unit) ?? []))) out.push(`> **${caveat}**`, '');
  for (const conversion of new Set(peers.map((p) => `${p.guest}: ${p.conversion}`))) out.push(`- Conversion, ${conversion}.`);
  for (const p of peers) {
    if (p.reason !== undefined) out.push(`- **${p.guest} ${p.peer} ${p.bench}:** ${p.reason}`);
    for (const b of p.boots) if (b.perOp === null) out.push(`  - boot ${b.boot} output: \`${b.raw.replaceAll('`', "'")}\``);
  }
  out.push('');
  return out;
}
