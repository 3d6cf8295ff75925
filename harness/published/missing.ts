import type { GuestOs } from '../config/types.js';
import { ADAPTERS } from '../guests/registry.js';
import { metricGlob } from './match.js';
import type { RunFigures } from './run-figures.js';
import type { PublishedOs } from './types.js';

/** The guest OSes the harness can run, each by the display name of its first adapter in the registry. */
const HARNESS_OSES: ReadonlyMap<string, string> = new Map([...ADAPTERS].reverse().map((adapter) => [adapter.os, adapter.displayName]));
/** OSes published data may name before the harness has a guest for them (none at present). */
const PLANNED_OSES: Record<Exclude<PublishedOs, GuestOs>, string> = {};

export function isHarnessOs(os: string): os is GuestOs {
  return HARNESS_OSES.has(os);
}

/**
 * Why no run has a figure for `selector`, and how to get one: the guest was skipped (with the run's
 * reason and advice), failed, skipped that benchmark, was not in the config, or cannot be run yet.
 */
export function explainMissing(selector: { os: PublishedOs; metric: string }, runs: readonly RunFigures[]): string {
  const { os, metric } = selector;
  if (!isHarnessOs(os)) {
    return `the harness has no ${PLANNED_OSES[os]} guest (os ${os}) yet, so ${metric} cannot be measured`;
  }
  const ids = runs.map((r) => r.runId).join(', ');
  const reasons = runs.flatMap((run) => run.guests.filter((g) => g.os === os).map((guest) => guestReason(run, guest.name, metric)));
  if (reasons.length === 0) {
    return `no guest with os ${os} in run ${ids}; add a ${HARNESS_OSES.get(os)} guest to the config (as in configs/${os}.yaml) and run it`;
  }
  return reasons.join('; ');
}

function guestReason(run: RunFigures, guest: string, metric: string): string {
  const where = `guest ${guest} in run ${run.runId}`;
  const glob = metricGlob(metric);
  const skippedGuest = run.skipped.find((s) => s.guest === guest && s.metric === undefined);
  if (skippedGuest) return `${where} was skipped: ${skippedGuest.reason}${skippedGuest.howTo ? `; to run it: ${skippedGuest.howTo}` : ''}`;
  const failedGuest = run.failed.find((f) => f.guest === guest && f.metric === undefined);
  if (failedGuest) return `${where} failed: ${firstLine(failedGuest.reason)}`;
  const skippedMetric = run.skipped.find((s) => s.guest === guest && s.metric !== undefined && glob.test(s.metric));
  if (skippedMetric) return `${skippedMetric.metric} of ${where} was skipped: ${skippedMetric.reason}${skippedMetric.howTo ? `; ${skippedMetric.howTo}` : ''}`;
  const failedMetric = run.failed.find((f) => f.guest === guest && f.metric !== undefined && glob.test(f.metric));
  if (failedMetric) return `${failedMetric.metric} of ${where} failed: ${firstLine(failedMetric.reason)}`;
  return `${where} reported no metric matching ${metric} (not in its benchmarks.include, or not a benchmark of its payload)`;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
