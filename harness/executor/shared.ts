import type { GuestConfig } from '../config/types.js';
import { CAUSE_INLINE, formatCauseChain } from '../errors/cause-chain.js';
import type { GuestAdapter } from '../guests/adapter.js';
import type { EventSink } from '../lifecycle/events.js';
import { RunInterruptedError } from '../lifecycle/interrupt.js';
import { writeRunOutputs, type RunOutputs } from '../report/write.js';
import type { NotRun } from '../analysis/results.js';
import { AtomicWriteError, RunDirectoryWriteError } from '../rundir/atomic.js';
import type { Manifest } from '../rundir/manifest.js';
import { markFinished, markGuestSkipped, markInterrupted } from '../rundir/record.js';
import type { RunOutcome } from './types.js';
import { figureSamplesFromStreams } from '../analysis/figure-samples.js';
import { figureDistributions, type FigureDistribution } from '../report/text-histogram.js';

/*
 * The steps every executor takes the same way: skipping a guest that cannot run here, writing the
 * run directory, and ending the run.
 */

/** The figures and failures of a run so far, as its outcome and its reports carry them. */
export type RunFigures = Pick<RunOutcome, 'results' | 'skipped' | 'failed' | 'peers'> & Pick<RunOutputs, 'streams'>;

/**
 * A guest whose user-supplied parts are missing is skipped, not failed: recorded with how to
 * provide them, and announced. Returns the skip, or undefined when the guest can run.
 */
export async function skipIfUnavailable(manifest: Manifest, guest: GuestConfig, adapter: GuestAdapter, emit: EventSink): Promise<NotRun | undefined> {
  const availability = await adapter.availability(guest);
  if (availability.available) return undefined;
  markGuestSkipped(manifest, guest, `${availability.reason}; ${availability.howTo}`);
  emit({ type: 'guest-skipped', guest: guest.name, reason: availability.reason, howTo: availability.howTo });
  return { guest: guest.name, reason: availability.reason, howTo: availability.howTo };
}

/** (Re)writes the run directory; a file that cannot be written stops the run, naming the file. */
export async function writeRun(runDir: string, outputs: RunOutputs, reports: boolean): Promise<void> {
  try {
    await writeRunOutputs(runDir, outputs, { reports });
  } catch (error) {
    throw error instanceof AtomicWriteError ? new RunDirectoryWriteError(error.path, error.cause) : new RunDirectoryWriteError(runDir, error);
  }
}

/** The interruption a run's signal carries: the CLI aborts with a RunInterruptedError naming the signal; a library caller may abort with anything. */
export function interruptionOf(signal: AbortSignal | undefined): RunInterruptedError {
  return signal?.reason instanceof RunInterruptedError ? signal.reason : new RunInterruptedError('abort');
}

/** Records how the run ended: interrupted, or finished (complete when `complete`). */
export function endRecord(manifest: Manifest, interrupted: RunInterruptedError | undefined, complete: boolean): void {
  if (interrupted) markInterrupted(manifest, interrupted);
  else markFinished(manifest, complete);
}

/** Announces the end of the run and gives its outcome. */
export function endRun(runDir: string, manifest: Manifest, figures: RunFigures, interrupted: RunInterruptedError | undefined, emit: EventSink): RunOutcome {
  const how = interrupted ? { interrupted: interrupted.message } : {};
  emit({ type: 'run-done', runDir, complete: manifest.complete, ...how });
  const { results, skipped, failed, peers } = figures;
  const distributions = distributionsOf(manifest.runId, figures);
  return { runId: manifest.runId, runDir, complete: manifest.complete, results, skipped, failed, peers, ...how, ...(distributions ? { distributions } : {}) };
}

/** The figures' sparklines for the terminal; none when their samples do not match them (the reports, written before, say why). */
function distributionsOf(runId: string, figures: RunFigures): FigureDistribution[] | undefined {
  try {
    return figureDistributions(figureSamplesFromStreams({ runId, results: figures.results }, figures.streams));
  } catch {
    return undefined;
  }
}

/** An error's message with its causes, so the cause chain survives into results.json. */
export function describeError(error: unknown): string {
  return formatCauseChain(error, CAUSE_INLINE, 5);
}
