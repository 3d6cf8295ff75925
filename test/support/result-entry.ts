import type { ResultEntry } from '../../harness/analysis/results.js';

/** A result entry with every field set, for tests of what reads results. */
export function resultEntry(guest: string, metric: string, median: number, overrides: Partial<ResultEntry> = {}): ResultEntry {
  return {
    guest, os: guest === 'sel4' ? 'sel4' : 'linux', metric, mechanism: `${guest}-mech`, unit: 'guest-instructions', accel: 'tcg-icount',
    n: 3, min: median, max: median, mean: median, stddev: 0, median, p1: median, p5: median, p25: median, p75: median, p95: median, p99: median,
    mad: 0, ci95: [median, median + 1], ciMethod: 'bootstrap', boots: 1,
    betweenBoots: { boots: 1, bootMedians: [median], min: median, max: median, range: 0, relativeRange: 0, stddev: 0 },
    iterations: 3, warmup: 0, settling: { policy: 'fixed warm-up of 0', dropped: 0, droppedPerBoot: [0] },
    outliers: { method: 'mad', low: 0, high: 0, lowFence: median, highFence: median }, opsPerSample: 1,
    timerOverhead: { measured: [0, 0], subtracted: 0, stable: true, message: '' }, clampedSamples: 0, flags: [], nanoseconds: { reason: 'tcg-icount figures are not time: no conversion to ns' }, vcpus: '0', guestAffinity: '0',
    ...overrides,
  };
}
