/** A data-channel stream that does not follow guests/common/wire.h; `offset` is the byte position. */
export class WireError extends Error {
  constructor(
    readonly offset: number,
    readonly expected: string,
    readonly got: string,
    options?: { cause?: unknown },
  ) {
    super(`data channel at byte ${offset}: expected ${expected}, got ${got}`, options);
    this.name = 'WireError';
  }
}

/**
 * More samples arrived than the reader was allowed to hold (harness/report/memory-bound.ts): not
 * damage to report and go past, but a refusal of the whole read, since holding them is what the
 * bound is there to prevent.
 */
export class SampleBoundError extends Error {
  constructor(
    readonly offset: number,
    readonly bound: number,
  ) {
    super(`data channel at byte ${offset}: expected at most ${bound} samples in all (what the reader may hold), got more`);
    this.name = 'SampleBoundError';
  }
}

/**
 * How many samples a reader may still hold, shared by every stream it decodes (a run's boots): each
 * SAMPLES record takes its values from it, and one that would pass it throws SampleBoundError.
 */
export interface SampleAllowance {
  /** The bound, as given. */
  readonly bound: number;
  /** Samples that may still arrive. */
  remaining: number;
}
