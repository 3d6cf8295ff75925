import type { ResultEntry } from '../analysis/results.js';
import type { MeasuredSelector, PublishedOs } from './types.js';

/**
 * A metric glob as the guests' `benchmarks.include` reads it: `*` matches any run of characters
 * (dots included), everything else itself.
 */
export function metricGlob(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

/** Whether a measured figure is one a selector asks for: same guest OS, metric equal to or matching the glob. */
export function matchesSelector(selector: { os: PublishedOs; metric: string }, entry: Pick<ResultEntry, 'os' | 'metric'>): boolean {
  return entry.os === selector.os && metricGlob(selector.metric).test(entry.metric);
}

/** The figures among `figures` that a selector picks, in their order. */
export function selectMeasured<T extends { entry: ResultEntry }>(selector: Pick<MeasuredSelector, 'os' | 'metric'>, figures: readonly T[]): T[] {
  return figures.filter((figure) => matchesSelector(selector, figure.entry));
}
