/**
 * Shared argument checks. Every message names the function, what it expected and what it got, so
 * a bad figure deep inside a run can be traced back without a debugger.
 */

export function formatValue(value: unknown): string {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

export function requireNonEmpty(values: ArrayLike<number>, who: string): void {
  if (values.length === 0) {
    throw new RangeError(`${who}: expected at least one value, got an empty array`);
  }
}

/** Typed arrays of integers hold only finite numbers: raw ticks decode to Uint32Array. */
const INTEGER_ARRAYS = [Uint32Array, Int32Array, Uint16Array, Int16Array, Uint8Array, Int8Array, Uint8ClampedArray];

/** NaN and ±Infinity would silently poison sorting, means and interpolation, so they are refused up front. */
export function requireAllFinite(values: ArrayLike<number>, who: string): void {
  // No pass over a million raw samples that cannot be anything but finite.
  if (INTEGER_ARRAYS.some((type) => values instanceof type)) return;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new RangeError(`${who}: expected a finite number at index ${i}, got ${formatValue(value)}`);
    }
  }
}

export function requireInteger(value: number, who: string, name: string, minimum: number): void {
  if (!Number.isInteger(value) || value < minimum) {
    throw new RangeError(`${who}: expected ${name} to be an integer >= ${minimum}, got ${formatValue(value)}`);
  }
}
