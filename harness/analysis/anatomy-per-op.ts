import { TRANSITION_KINDS, UNNAMED_CODE, type AnatomyMetric, type TransitionKind } from './anatomy.js';
import { classifyMetric, METRIC_CLASSES } from './taxonomy.js';

/** A region's figures per operation: its totals / windows / operations per sample (one window is one sample). */
export interface AnatomyPerOp {
  instructions: number;
  user: number;
  kernel: number;
  /** Only the kinds that occurred, in TRANSITION_KINDS' order. */
  transitions: [TransitionKind, number][];
  cr3Writes: number;
  memAccesses: number;
  /** The first functions of the region, each with its share of the region's instructions (0–1); empty when the document names none. */
  topFunctions: { symbol: string; share: number }[];
  /** How many named functions the region's instructions ran in; undefined when the document names none. */
  functionCount?: number;
  /** Whether some of the region's code has no name (a stripped kernel, code outside every symbol). */
  unnamedCode?: boolean;
}

/** How many of a region's functions a report lists. */
export const TOP_FUNCTIONS = 5;

/** The figures of a region per operation; undefined when it has no window to divide by. */
export function anatomyPerOp(metric: AnatomyMetric): AnatomyPerOp | undefined {
  const operations = metric.windows * metric.opsPerSample;
  if (operations <= 0) return undefined;
  const per = (value: number) => value / operations;
  const functions = metric.functions;
  return {
    instructions: per(metric.instructions),
    user: per(metric.user),
    kernel: per(metric.kernel),
    transitions: TRANSITION_KINDS.filter((kind) => metric.transitions[kind] > 0).map((kind) => [kind, per(metric.transitions[kind])]),
    cr3Writes: per(metric.cr3Writes),
    memAccesses: per(metric.memAccesses),
    topFunctions: (functions ?? [])
      .slice(0, TOP_FUNCTIONS)
      .map((f) => ({ symbol: f.symbol, share: metric.instructions > 0 ? f.instructions / metric.instructions : 0 })),
    ...(functions ? { functionCount: metric.functionCount ?? functions.filter((f) => !UNNAMED_CODE.test(f.symbol)).length } : {}),
    ...(functions?.some((f) => f.symbol.startsWith('?')) ? { unnamedCode: true } : {}),
  };
}

/** One guest's metric in a cross-OS view of the anatomy. */
export interface AnatomyPick {
  guest: string;
  metric: AnatomyMetric;
  perOp: AnatomyPerOp;
}

/** Per kind of operation (a metric class of the taxonomy), one figure per guest, on one placement. */
export interface AnatomyComparison {
  classId: string;
  title: string;
  operation: string;
  /** The placement every pick shares, in words ("threads, same CPU"); "" when the class has none. */
  variant: string;
  picks: AnatomyPick[];
}

/**
 * The cost anatomy across systems: per metric class, the placement most guests have figures of,
 * and of each guest the figure the cross-OS tables treat as its headline (the metric named as the
 * class, e.g. `syscall.null`), else its cheapest of that placement, as the cross-OS ratio takes
 * the baseline's fastest.
 */
export function anatomyComparisons(guests: readonly { guest: string; metrics: readonly AnatomyMetric[] }[]): AnatomyComparison[] {
  const all = guests.flatMap(({ guest, metrics }) =>
    metrics.flatMap((metric) => {
      const perOp = anatomyPerOp(metric);
      return perOp ? [{ guest, metric, perOp, kind: classifyMetric(metric.metric) }] : [];
    }),
  );
  const classIds = [...new Set(all.map((p) => p.kind.classId))];
  const order = (id: string) => {
    const i = METRIC_CLASSES.findIndex((c) => c.id === id);
    return i < 0 ? METRIC_CLASSES.length : i;
  };
  classIds.sort((a, b) => order(a) - order(b));
  return classIds.map((classId) => {
    const members = all.filter((p) => p.kind.classId === classId);
    const variants = [...new Set(members.map((p) => p.kind.variant))];
    const guestsWith = (variant: string) => new Set(members.filter((p) => p.kind.variant === variant).map((p) => p.guest)).size;
    // The first of the most common: ties go to the placement the documents list first.
    const variant = variants.reduce((best, v) => (guestsWith(v) > guestsWith(best) ? v : best));
    const picks: AnatomyPick[] = [];
    for (const guest of new Set(members.map((p) => p.guest))) {
      const candidates = members.filter((p) => p.guest === guest && p.kind.variant === variant);
      if (candidates.length === 0) continue;
      const headline = candidates.find((p) => p.metric.metric === classId);
      const pick = headline ?? candidates.reduce((best, p) => (p.perOp.instructions < best.perOp.instructions ? p : best));
      picks.push({ guest, metric: pick.metric, perOp: pick.perOp });
    }
    const known = METRIC_CLASSES.find((c) => c.id === classId);
    return { classId, title: members[0]!.kind.classTitle, operation: known?.operation ?? 'as the metric name says', variant, picks };
  });
}
