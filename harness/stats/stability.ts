/**
 * Whether the timer overhead stayed put. Overhead is measured once per boot (see overhead.ts) and
 * subtracted from every sample, so if it moved between the measurement and the benchmark (or
 * from boot to boot) the corrected figures are off by the change. Measuring it before and after
 * each benchmark and comparing is the check; this decides whether the change is too big.
 *
 * Allowed change: max(absolute, relative · smaller value). The relative part scales with the
 * timer (rdtsc overhead is ~20 ticks, a clock_gettime-based timer hundreds); the absolute floor
 * keeps a one-tick wobble of a 20-tick overhead from failing a 1% tolerance. The smaller value is
 * the base so that the verdict does not depend on which reading came first.
 */

import { formatValue, requireAllFinite, requireNonEmpty } from './validate.js';

export interface StabilityTolerance {
  /** Fraction of the smaller overhead, >= 0, e.g. 0.1 for 10%. */
  relative: number;
  /** Ticks, >= 0. */
  absolute: number;
}

export interface OverheadStability {
  stable: boolean;
  /** |after − before| for a pair, max − min for a series, in ticks. */
  difference: number;
  /** max(absolute, relative · minimum), in ticks. */
  allowed: number;
  /** One sentence for a report. */
  message: string;
}

export function overheadStability(before: number, after: number, tolerance: StabilityTolerance): OverheadStability {
  const who = 'overheadStability';
  requireOverhead(before, who, 'before');
  requireOverhead(after, who, 'after');
  requireTolerance(tolerance, who);

  const difference = Math.abs(after - before);
  const allowed = allowedChange(Math.min(before, after), tolerance);
  const stable = difference <= allowed;
  const change = `timer overhead went from ${formatValue(before)} to ${formatValue(after)} ticks`;
  return {
    stable,
    difference,
    allowed,
    message: stable
      ? `${change}, within the ${formatValue(allowed)} allowed`
      : `${change} (a change of ${formatValue(difference)}), more than the ${formatValue(allowed)} allowed`,
  };
}

/**
 * For a series of overhead readings (e.g. before and after every benchmark, or one per boot):
 * stable when max − min fits the change allowed for the minimum.
 */
export function seriesStability(values: readonly number[], tolerance: StabilityTolerance): OverheadStability {
  const who = 'seriesStability';
  requireNonEmpty(values, who);
  requireAllFinite(values, who);
  values.forEach((value, i) => requireOverhead(value, who, `value at index ${i}`));
  requireTolerance(tolerance, who);

  // A loop rather than Math.min(...values), which overflows the call stack on very long series.
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    min = Math.min(min, value);
    max = Math.max(max, value);
  }
  const difference = max - min;
  const allowed = allowedChange(min, tolerance);
  const stable = difference <= allowed;
  const readings = `${values.length} reading${values.length === 1 ? '' : 's'}`;
  return {
    stable,
    difference,
    allowed,
    message: stable
      ? `timer overhead stayed between ${formatValue(min)} and ${formatValue(max)} ticks over ${readings}, within the ${formatValue(allowed)} allowed`
      : `timer overhead varied from ${formatValue(min)} to ${formatValue(max)} ticks over ${readings} (a spread of ${formatValue(difference)}), more than the ${formatValue(allowed)} allowed`,
  };
}

function allowedChange(minimum: number, { relative, absolute }: StabilityTolerance): number {
  return Math.max(absolute, relative * minimum);
}

function requireOverhead(value: number, who: string, name: string): void {
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new RangeError(`${who}: expected ${name} to be a finite overhead >= 0, got ${formatValue(value)}`);
  }
}

function requireTolerance(tolerance: StabilityTolerance, who: string): void {
  for (const name of ['relative', 'absolute'] as const) {
    const value = tolerance[name];
    if (!(Number.isFinite(value) && value >= 0)) {
      throw new RangeError(`${who}: expected tolerance.${name} to be a finite number >= 0, got ${formatValue(value)}`);
    }
  }
}
