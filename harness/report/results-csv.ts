import type { CrossOsTable } from '../analysis/cross-os.js';
import type { ResultEntry } from '../analysis/results.js';
import { classifyMetric } from '../analysis/taxonomy.js';

export const CSV_COLUMNS = [
  'guest',
  'os',
  'metric',
  'mechanism',
  'unit',
  'accel',
  'n',
  'median',
  'ci95_low',
  'ci95_high',
  'min',
  'max',
  'mean',
  'stddev',
  'mad',
  'p1',
  'p5',
  'p25',
  'p75',
  'p95',
  'p99',
  'boots',
  'ci_method',
  'boot_median_min',
  'boot_median_max',
  'iterations',
  'warmup',
  'settling_dropped',
  'outliers_low',
  'outliers_high',
  'ops_per_sample',
  'timer_overhead',
  'timer_overhead_stable',
  'clamped_samples',
  'flags',
  'class',
  'placement',
  'baseline_ratio',
  'baseline_ratio_ci95_low',
  'baseline_ratio_ci95_high',
  'baseline_figure',
] as const;

/** RFC 4180 quoting: only fields with a comma, quote or newline are quoted. */
export function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One row per figure; the last columns place it in the cross-OS comparison (empty ratio cells: see report.md for why). */
export function resultsCsv(results: readonly ResultEntry[], crossOs: readonly CrossOsTable[] = []): string {
  const rows = results.map((r) => {
    const kind = classifyMetric(r.metric);
    const row = crossOs.flatMap((t) => t.rows).find((c) => c.guest === r.guest && c.metric === r.metric);
    const ratio = row && 'value' in row.ratio ? row.ratio : undefined;
    return [
      r.guest,
      r.os,
      r.metric,
      r.mechanism,
      r.unit,
      r.accel,
      r.n,
      r.median,
      r.ci95[0],
      r.ci95[1],
      r.min,
      r.max,
      r.mean,
      r.stddev,
      r.mad,
      r.p1,
      r.p5,
      r.p25,
      r.p75,
      r.p95,
      r.p99,
      r.boots,
      r.ciMethod,
      r.betweenBoots.min,
      r.betweenBoots.max,
      r.iterations,
      r.warmup,
      r.settling.dropped,
      r.outliers.low,
      r.outliers.high,
      r.opsPerSample,
      r.timerOverhead.subtracted,
      String(r.timerOverhead.stable),
      r.clampedSamples,
      r.flags.join('; '),
      kind.classId,
      kind.variant,
      ratio?.value ?? '',
      ratio?.ci95[0] ?? '',
      ratio?.ci95[1] ?? '',
      ratio ? `${ratio.against.guest} ${ratio.against.metric}` : '',
    ]
      .map(csvField)
      .join(',');
  });
  return [CSV_COLUMNS.join(','), ...rows].join('\n') + '\n';
}
