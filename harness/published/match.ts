import type { ResultEntry } from '../analysis/results.js';
import { metricGlob } from '../wire/expectation.js';
import type { MeasuredSelector, PublishedOs } from './types.js';

// Published selectors read globs as `benchmarks.include` does: the one matcher, re-exported for their callers.
export { metricGlob };

/** Whether a measured figure is one a selector asks for: same guest OS, metric equal to or matching the glob. */
export function matchesSelector(selector: { os: PublishedOs; metric: string }, entry: Pick<ResultEntry, 'os' | 'metric'>): boolean {
  return entry.os === selector.os && metricGlob(selector.metric).test(entry.metric);
}

/** The figures among `figures` that a selector picks, in their order. */
export function selectMeasured<T extends { entry: ResultEntry }>(selector: Pick<MeasuredSelector, 'os' | 'metric'>, figures: readonly T[]): T[] {
  return figures.filter((figure) => matchesSelector(selector, figure.entry));
}
