import { copyFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ExecutorKind, RunConfig } from '../config/types.js';
import type { RunOverrides } from '../config/overrides.js';
import { executorFor } from '../executor/registry.js';
import type { ExecuteOptions, RunOutcome } from '../executor/types.js';
import type { EventSink } from '../lifecycle/events.js';
import { RunDirectoryWriteError } from '../rundir/atomic.js';
import { createRunDirectory } from '../rundir/create.js';
import { loadRunConfig, readRunManifest } from '../rundir/read.js';
import { markResumed, newManifest } from '../rundir/record.js';
import type { AccelChoice } from '../units.js';
import { checkGuestsAgainstAdapters } from './preflight.js';

export type { RunOutcome } from '../executor/types.js';

export interface RunOptions {
  /** Overrides the config's accel. */
  accel?: AccelChoice;
  /** An anatomy boot (docs/anatomy.md) after each guest's timed boots, as if every guest said `anatomy: true`. */
  anatomy?: boolean;
  emit: EventSink;
  command?: string[];
  /**
   * Aborted (with a RunInterruptedError as its reason) to stop the run early: the boot in progress
   * is stopped, QEMU reaped, the run directory written and marked interrupted, and the outcome
   * returned with `interrupted`. The CLI aborts it on SIGINT and SIGTERM.
   */
  signal?: AbortSignal;
  /** Overrides the config's `executor.kind`. */
  executor?: ExecutorKind;
  /** Ask apt again which version each Debian package name leads to (PrepareContext.refresh). */
  refresh?: boolean;
  /** The command line's changes to the config (already applied to it: loadConfig's `overrides`), recorded in the manifest. */
  overrides?: RunOverrides;
}

/** config → checks (the guests' adapters', the executor's) → run directory → the executor runs the jobs (image, QEMU, data channel, statistics) → reports. */
export async function runBenchmarks(config: RunConfig, options: RunOptions): Promise<RunOutcome> {
  // Refused before anything is written or booted: include patterns that select nothing, too little memory.
  checkGuestsAgainstAdapters(config, options.overrides);
  const executor = executorFor(options.executor ?? config.executor.kind);
  // Refused before anything is written or booted: no QEMU (or too old a one), no Slurm, no run.
  await executor.preflight(config);
  const label = basename(config.file).replace(/\.ya?ml$/, '');
  let created: { runId: string; runDir: string };
  try {
    created = await createRunDirectory(config.resultsDir, label);
  } catch (error) {
    throw new Error(
      `expected to create a run directory under the results directory ${config.resultsDir}, but could not (is it writable?): ${(error as Error).message}`,
      { cause: error },
    );
  }
  const { runId, runDir } = created;
  const requested = options.accel ?? config.accel;
  // Recorded, so that the run's Slurm jobs and its resumes do what this command line asked.
  const manifest = await newManifest(config, runId, requested, options.command ?? [], options.anatomy === true, options.overrides);
  const configCopy = join(runDir, 'config.yaml');
  await copyFile(config.file, configCopy).catch((error: unknown) => {
    throw new RunDirectoryWriteError(configCopy, error);
  });
  return executor.execute(config, runDir, manifest, executeOptions(options, requested));
}

/**
 * `harness run --resume RUN_DIR`: finishes a run that was interrupted (SIGINT, SIGTERM) or whose
 * harness died (SIGKILL, a crash, the machine going down), with the executor it was started with.
 * What finished is kept (a local run's boots, recomputed from their data.bin exactly as `harness
 * report` would; a Slurm run's gathered jobs) and the rest is run. The config must be the one the
 * run was started with (same SHA-256) and the images the same (same provenance), so the result is
 * the run an uninterrupted invocation would have written, anatomy boots included if the run was
 * started with --anatomy (manifest `anatomy`), with the command line's overrides it was started with
 * (manifest `overrides`). The manifest records each resume.
 */
export async function resumeRun(runDir: string, options: Omit<RunOptions, 'accel' | 'executor' | 'anatomy' | 'overrides'>): Promise<RunOutcome> {
  const manifest = await readRunManifest(runDir);
  const executor = executorFor(manifest.executor?.kind ?? 'local');
  const after = executor.resumeReason(runDir, manifest);
  const config = await loadRunConfig(manifest);
  await executor.preflight(config);
  markResumed(manifest, { command: options.command ?? [], after, reused: executor.reusedBoots(manifest) });
  const anatomy = manifest.anatomy === true;
  return executor.execute(config, runDir, manifest, { ...executeOptions({ ...options, anatomy }, manifest.accel.requested), resumed: true });
}

function executeOptions(options: Omit<RunOptions, 'accel' | 'executor'>, accel: AccelChoice): ExecuteOptions {
  const { emit, command, signal, anatomy, refresh } = options;
  return { emit, accel, ...(command ? { command } : {}), ...(signal ? { signal } : {}), ...(anatomy ? { anatomy } : {}), ...(refresh ? { refresh } : {}) };
}
