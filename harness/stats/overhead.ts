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
  /** Typed, 8 bytes a value: a figure of a million samples allocates one 8 MB block, not an array of a million boxed numbers. */
  values: Float64Array;
  /**
   * How many samples came out below the overhead and were set to 0. A negative cost is
   * meaningless, but a silent clamp would hide that the overhead estimate is too high for this
   * operation or that opsPerSample is too small, so callers get the count to warn about.
   */
  clamped: number;
}

export function subtractOverhead(rawTicks: ArrayLike<number>, overhead: number, opsPerSample: number): OverheadCorrected {
  const who = 'subtractOverhead';
  requireInteger(opsPerSample, who, 'opsPerSample', 1);
  if (!(Number.isFinite(overhead) && overhead >= 0)) {
    throw new RangeError(`${who}: expected a finite overhead >= 0, got ${formatValue(overhead)}`);
  }
  requireAllFinite(rawTicks, who);

  let clamped = 0;
  const values = new Float64Array(rawTicks.length);
  for (let i = 0; i < rawTicks.length; i++) {
    const net = rawTicks[i]! - overhead;
    if (net < 0) clamped += 1;
    else values[i] = net / opsPerSample;
  }
  return { values, clamped };
}
