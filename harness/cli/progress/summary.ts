import { formatCi, formatFigure, textTable } from '../../report/format.js';
import type { NotRun } from '../../analysis/results.js';
import type { RunOutcome } from '../../runner/run.js';
import type { FigureDistribution } from '../../report/text-histogram.js';

/** The end-of-run table and notes a person reads on stdout. */
export function summaryText(outcome: RunOutcome): string {
  const lines: string[] = [];
  const rows = outcome.results.map((r) => [r.guest, r.metric, r.unit, String(r.n), formatFigure(r.median), formatCi(r.ci95)]);
  if (rows.length > 0) lines.push(textTable(['guest', 'metric', 'unit', 'n', 'median', '95% CI'], rows));
  lines.push(...distributionLines(outcome.distributions ?? []));
  for (const caveat of new Set(outcome.results.flatMap((r) => (r.caveat ? [`${r.unit}: ${r.caveat}`] : [])))) lines.push(`note: ${caveat}`);
  for (const s of outcome.skipped) lines.push(`skipped ${s.guest}${s.metric ? ` ${s.metric}` : ''}: ${s.reason}${s.howTo ? `; ${s.howTo}` : ''}`);
  for (const f of outcome.failed) lines.push(`FAILED ${f.guest}${f.metric ? ` ${f.metric}` : ''}: ${f.reason.split('\n')[0]}`);
  // Complete with nothing in it: only when every guest (or benchmark) was skipped, each for its reason above.
  if (outcome.results.length === 0 && outcome.failed.length === 0 && !outcome.interrupted)
    lines.push('no figures: every guest or benchmark was skipped, for the reasons above');
  if (outcome.interrupted) lines.push(`${outcome.interrupted}: completed boots are kept; finish the run with: harness run --resume ${outcome.runDir}`);
  lines.push(`run directory: ${outcome.runDir}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Each figure's distribution on one line: a sparkline of report.html's histogram bins (the body of
 * the distribution; report.md draws the same bins at length), with the extremes of every sample.
 */
export function distributionLines(distributions: readonly FigureDistribution[]): string[] {
  const shown = distributions.filter((d) => d.sparkline !== '');
  if (shown.length === 0) return [];
  const rows = shown.map((d) => [d.guest, d.metric, d.sparkline, formatFigure(d.min), formatFigure(d.median), formatFigure(d.max), d.unit]);
  return ['', textTable(['guest', 'metric', 'distribution', 'min', 'median', 'max', 'unit'], rows)];
}

export interface SummaryJson {
  type: 'summary';
  runId: string;
  runDir: string;
  complete: boolean;
  /** Set when a signal stopped the run ("interrupted by SIGINT"). */
  interrupted?: string;
  /** The figures of the human table; everything else about them is in the run directory's results.json. */
  results: { guest: string; metric: string; unit: string; n: number; median: number; ci95: [number, number]; caveat?: string }[];
  skipped: NotRun[];
  failed: NotRun[];
}

export function summaryJson(outcome: RunOutcome): SummaryJson {
  return {
    type: 'summary',
    runId: outcome.runId,
    runDir: outcome.runDir,
    complete: outcome.complete,
    ...(outcome.interrupted ? { interrupted: outcome.interrupted } : {}),
    results: outcome.results.map((r) => ({
      guest: r.guest,
      metric: r.metric,
      unit: r.unit,
      n: r.n,
      median: r.median,
      ci95: r.ci95,
      ...(r.caveat ? { caveat: r.caveat } : {}),
    })),
    skipped: outcome.skipped,
    failed: outcome.failed,
  };
}
