/**
 * The run was asked to stop (SIGINT, SIGTERM): the abort reason of RunOptions.signal. The boot in
 * progress is stopped and recorded as interrupted; `harness run --resume` finishes the run.
 */
export class RunInterruptedError extends Error {
  constructor(readonly signal: string) {
    super(`interrupted by ${signal}`);
    this.name = 'RunInterruptedError';
  }
}

/** The reason a run was interrupted, from its abort signal: "interrupted by SIGINT". */
export function interruptionReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return reason instanceof RunInterruptedError ? reason.message : `interrupted (${reason instanceof Error ? reason.message : String(reason)})`;
}

/**
 * `promise`, or the signal's reason as soon as it aborts, for steps that cannot be cancelled (an
 * image build, a monitor connection); the listener goes when either settles, so none pile up.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([promise, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}
