/**
 * Turns raw per-sample timer deltas into per-operation costs.
 *
 * `overhead` is the minimum back-to-back timer delta measured in the guest: the cost of reading
 * the timer twice with nothing between. The minimum, not the mean, is used because every other
 * reading is that cost plus noise. Each sample timed `opsPerSample` operations between two reads,
 * so the overhead is paid once per sample and the remainder is shared among the operations.
 */

import { formatValue, requireAllFinite, requireInteger } from './validate.js';

export interface OverheadCorrected {
  values: number[];
  /**
   * How many samples came out below the overhead and were set to 0. A negative cost is
   * meaningless, but a silent clamp would hide that the overhead estimate is too high for this
   * operation or that opsPerSample is too small, so callers get the count to warn about.
   */
  clamped: number;
}

export function subtractOverhead(rawTicks: readonly number[], overhead: number, opsPerSample: number): OverheadCorrected {
  const who = 'subtractOverhead';
  requireInteger(opsPerSample, who, 'opsPerSample', 1);
  if (!(Number.isFinite(overhead) && overhead >= 0)) {
    throw new RangeError(`${who}: expected a finite overhead >= 0, got ${formatValue(overhead)}`);
  }
  requireAllFinite(rawTicks, who);

  let clamped = 0;
  const values = rawTicks.map((raw) => {
    const net = raw - overhead;
    if (net < 0) {
      clamped += 1;
      return 0;
    }
    return net / opsPerSample;
  });
  return { values, clamped };
}
