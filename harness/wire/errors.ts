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
