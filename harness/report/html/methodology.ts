import type { Manifest } from '../../rundir/manifest.js';
import type { CrossOsTable } from '../../analysis/cross-os.js';
import { formatFigure } from '../format.js';
import type { ResultsDocument } from '../../analysis/results.js';
import { unitMeaning, type Unit } from '../../units.js';
import { BODY_IQRS, CDF_POINTS, MIN_SAMPLES_TO_TRIM, SHOWN_QUANTILES } from './distribution-data.js';

const distinct = <T>(values: readonly T[]): T[] => [...new Set(values)];

/** "a (3 figures), b (2 figures)": how many figures used each of several values. */
function tally(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  if (counts.size === 1) return values[0]!;
  return [...counts].map(([v, n]) => `${v} (${n} figure${n === 1 ? '' : 's'})`).join('; ');
}

/** How the figures, their CIs and the plots were made, from what the run recorded. */
export function methodologyFacts(doc: ResultsDocument, manifests: readonly Manifest[], crossOs: readonly CrossOsTable[]): [string, string][] {
  const results = doc.results;
  const facts: [string, string][] = [];
  const bootstrap = distinct(manifests.map((m) => `${m.bootstrap.resamples} resamples, seed ${m.bootstrap.seed} (${m.bootstrap.method})`));
  facts.push(['bootstrap', bootstrap.join('; ') || '—']);
  if (results.length === 0) return facts;
  facts.push([
    '95% CI of the median',
    `${tally(results.map((r) => r.ciMethod))}; with several boots the resampling is hierarchical: boots, then samples within each boot`,
  ]);
  facts.push(['figure per operation', '(raw ticks − timer overhead) / operations per sample, for each sample']);
  const overheads = distinct(results.map((r) => r.guest)).map((guest) => {
    const own = results.filter((r) => r.guest === guest);
    const subtracted = distinct(own.map((r) => r.timerOverhead.subtracted)).sort((a, b) => a - b);
    const unstable = own.filter((r) => !r.timerOverhead.stable).length;
    const range =
      subtracted.length === 1 ? formatFigure(subtracted[0]!) : `${formatFigure(subtracted[0]!)}–${formatFigure(subtracted[subtracted.length - 1]!)}`;
    return `${guest}: ${range} ticks${unstable > 0 ? ` (**unstable** in ${unstable} figure${unstable === 1 ? '' : 's'})` : ''}`;
  });
  facts.push([
    'timer overhead subtracted',
    `the minimum of the back-to-back timer-read measurements before and after each boot's run; ${overheads.join('; ')}`,
  ]);
  facts.push(['iterations, warm-up', tally(results.map((r) => `${r.iterations} samples after a warm-up of ${r.warmup}`))]);
  const dropped = results.reduce((sum, r) => sum + r.settling.dropped, 0);
  const droppers = results.filter((r) => r.settling.dropped > 0).length;
  facts.push([
    'settling',
    `${tally(results.map((r) => r.settling.policy))}; ${dropped} samples dropped as unsettled, in ${droppers} of ${results.length} figures (per figure below)`,
  ]);
  const low = results.reduce((sum, r) => sum + r.outliers.low, 0);
  const high = results.reduce((sum, r) => sum + r.outliers.high, 0);
  facts.push([
    'outliers',
    `${tally(results.map((r) => (r.outliers.method === 'mad' ? 'modified z-score > 3.5 (median ± 3.5 · 1.4826 · MAD)' : 'Tukey fences (Q1 − 1.5 IQR, Q3 + 1.5 IQR)')))}; counted, never dropped: ${low} low, ${high} high in all`,
  ]);
  const units = distinct(results.map((r) => r.unit)) as Unit[];
  facts.push(['units', units.map((u) => `${u}: ${unitMeaning(u)}`).join('; ')]);
  if (crossOs.length > 0) {
    facts.push([
      'cross-OS ratio',
      `figure / **${crossOs[0]!.baseline}**'s figure of the same kind (same placement), its headline figure of the class where it has one (e.g. syscall.null), else its fastest; bootstrap CI of the ratio of medians, hierarchical over boots when there are several`,
    ]);
  }
  facts.push([
    'plots',
    `histograms bin the body of the pooled samples: the quartiles widened by ${BODY_IQRS} interquartile ranges, or where the quartiles coincide the ` +
      `${SHOWN_QUANTILES[0] * 100}th to ${SHOWN_QUANTILES[1] * 100}th percentile (all samples when a figure has fewer than ${MIN_SAMPLES_TO_TRIM}); the samples left out are counted under each plot ` +
      `and bin counts go on a log axis when the tallest bin is 50 times the shortest. CDFs show every sample, drawn through at most ${CDF_POINTS} values per curve picked at evenly spaced ranks`,
  ]);
  return facts;
}
