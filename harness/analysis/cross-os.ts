import type { BootstrapConfig } from '../config/types.js';
import { bootstrapRatioOfMediansSorted, hierarchicalRatioOfMedians } from '../stats/index.js';
import type { FigureSamples } from './figure-samples.js';
import type { CrossOsRow, CrossOsTable } from './results.generated.js';
import { classifyMetric, METRIC_CLASSES } from './taxonomy.js';

// The tables' shape is declared in results.schema.json (its `crossOsTable` and `crossOsRow` definitions).
export type { CrossOsRow, CrossOsTable } from './results.generated.js';

/** A figure's ratio to the baseline guest's figure of the same kind, or why there is none. */
export type BaselineRatio = CrossOsRow['ratio'];

export interface CrossOsOptions {
  /** Guest the ratios are taken against; default: the first guest with figures. */
  baseline?: string;
  bootstrap: BootstrapConfig;
}

/**
 * The comparison a reader came for: per metric class (and unit, as figures in different units
 * are never set against each other), every guest's figures, each with its ratio to the baseline
 * guest's fastest figure of the same placement (threads or processes, same or cross CPU).
 */
export function crossOsTables(figures: readonly FigureSamples[], options: CrossOsOptions): CrossOsTable[] {
  const baseline = options.baseline ?? figures[0]?.entry.guest;
  if (baseline === undefined) return [];
  const classOrder = (id: string) => {
    const i = METRIC_CLASSES.findIndex((c) => c.id === id);
    return i < 0 ? METRIC_CLASSES.length : i;
  };
  const groups = new Map<string, FigureSamples[]>();
  for (const figure of figures) {
    const key = `${classifyMetric(figure.entry.metric).classId}\u0000${figure.entry.unit}`;
    groups.set(key, [...(groups.get(key) ?? []), figure]);
  }
  const tables = [...groups.values()].map((members) => {
    const first = members[0]!.entry;
    const kind = classifyMetric(first.metric);
    const known = METRIC_CLASSES.find((c) => c.id === kind.classId);
    return {
      classId: kind.classId,
      title: kind.classTitle,
      operation: known?.operation ?? 'as the metric name says',
      unit: first.unit,
      accels: [...new Set(members.map((m) => m.entry.accel))],
      baseline,
      rows: members.map((figure) => crossOsRow(figure, members, baseline, options.bootstrap)),
    };
  });
  return tables.sort((a, b) => classOrder(a.classId) - classOrder(b.classId) || a.classId.localeCompare(b.classId));
}

function crossOsRow(figure: FigureSamples, table: readonly FigureSamples[], baseline: string, bootstrap: BootstrapConfig): CrossOsRow {
  const { entry } = figure;
  const kind = classifyMetric(entry.metric);
  return {
    guest: entry.guest,
    os: entry.os,
    metric: entry.metric,
    mechanism: entry.mechanism,
    variant: kind.variant,
    n: entry.n,
    median: entry.median,
    ci95: entry.ci95,
    ratio: baselineRatio(figure, table, baseline, bootstrap),
  };
}

function baselineRatio(figure: FigureSamples, table: readonly FigureSamples[], baseline: string, bootstrap: BootstrapConfig): BaselineRatio {
  const variant = classifyMetric(figure.entry.metric).variant;
  const candidates = table.filter((f) => f.entry.guest === baseline && classifyMetric(f.entry.metric).variant === variant);
  if (candidates.length === 0) return { reason: `${baseline} has no figure of this kind${variant ? ` (${variant})` : ''}` };
  // A figure named as its class (syscall.null) is the baseline's headline of that kind; the others
  // of the class (syscall.null.enosys) are alternatives, and ratios are not taken against them.
  const headline = candidates.find((f) => f.entry.metric === classifyMetric(f.entry.metric).classId);
  const against = headline ?? candidates.reduce((best, f) => (f.entry.median < best.entry.median ? f : best));
  if (against.entry.median === 0) return { reason: `${baseline}'s ${against.entry.metric} has median 0` };
  const options = { resamples: bootstrap.resamples, seed: bootstrap.seed };
  try {
    const ratio =
      figure.groups.length > 1 || against.groups.length > 1
        ? hierarchicalRatioOfMedians(against.groups, figure.groups, options)
        : // A figure's groups are sorted and finite (figure-samples.ts): read in place, unchecked.
          bootstrapRatioOfMediansSorted(against.groups[0]!, figure.groups[0]!, options);
    return {
      value: ratio.ratio,
      ci95: ratio.ci,
      against: { guest: against.entry.guest, metric: against.entry.metric, mechanism: against.entry.mechanism, median: against.entry.median },
    };
  } catch (error) {
    return { reason: `no ratio: ${(error as Error).message}` };
  }
}
