/** A guest that did not finish: which phase, and what its console said last. */
export class GuestRunError extends Error {
  constructor(
    readonly guest: string,
    readonly phase: 'start' | 'boot' | 'console' | 'deploy' | 'benchmark' | 'shutdown' | 'data',
    detail: string,
    readonly consoleTail: string,
    options?: { cause?: unknown },
  ) {
    super(`guest ${guest} failed during ${phase}: ${detail}\n--- console tail ---\n${consoleTail}\n--- end of console tail ---`, options);
    this.name = 'GuestRunError';
  }
}
