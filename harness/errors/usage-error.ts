/**
 * The command line asks for something that cannot be done as asked: options that exclude each
 * other, a name that is not known. Commander's own checks cover what it can express; this covers
 * the rest, so both end with the same exit code (harness/cli/exit-codes.ts).
 */
export class UsageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UsageError';
  }
}
