import type { ExecutorKind, RunConfig } from '../config/types.js';
import type { Job } from '../jobs/plan.js';
import type { EventSink } from '../lifecycle/events.js';
import type { PeerEntry } from '../analysis/peers.js';
import type { NotRun, ResultEntry } from '../analysis/results.js';
import type { Manifest } from '../rundir/manifest.js';
import type { FigureDistribution } from '../report/text-histogram.js';
import type { AccelChoice } from '../units.js';

/** What a run (or a resumed run, or one job of a run) ended with; the CLI prints it. */
export interface RunOutcome {
  runId: string;
  runDir: string;
  complete: boolean;
  results: ResultEntry[];
  skipped: NotRun[];
  failed: NotRun[];
  peers: PeerEntry[];
  /** Set when the run was stopped by its signal: "interrupted by SIGINT". `harness run --resume` finishes it. */
  interrupted?: string;
  /** Each figure's distribution in brief (a sparkline of report.html's histogram bins), for the terminal's summary. */
  distributions?: FigureDistribution[];
}

export interface ExecuteOptions {
  emit: EventSink;
  /** The accelerator asked for (the config's, or --accel); `auto` is decided where the boots run. */
  accel: AccelChoice;
  command?: string[];
  /**
   * Aborted (with a RunInterruptedError as its reason) to stop the run early: the boot in progress
   * is stopped, QEMU reaped, the run directory written and marked interrupted, and the outcome
   * returned with `interrupted`. The CLI aborts it on SIGINT and SIGTERM.
   */
  signal?: AbortSignal;
  /** The run was started before and is being finished (`harness run --resume`): keep what it finished. */
  resumed?: boolean;
  /**
   * `harness run --anatomy` (manifest `anatomy`): an anatomy boot for every guest, done by its last
   * job after that job's timed boots. A Slurm job is given it by `harness job`, which reads the
   * run's manifest; a resume, by the manifest too.
   */
  anatomy?: boolean;
  /** The jobs to run, when not the config's whole plan: a Slurm job's body runs one. */
  jobs?: Job[];
  /** Whether to write the report files beside manifest.json; a Slurm job's own directory has only its manifest and data. Default true. */
  reports?: boolean;
  /** `harness run --refresh`: Debian package names resolved by apt again rather than taken from the cache (PrepareContext.refresh). */
  refresh?: boolean;
}

/**
 * Where and how a run's jobs (harness/jobs/plan.ts) are carried out. The runner makes the run
 * directory and its manifest, and hands them to the executor; the executor runs the jobs, keeps
 * the manifest and the reports up to date as they finish, and returns the outcome.
 */
export interface Executor {
  readonly kind: ExecutorKind;
  /** Checks what this executor needs on this host (QEMU, Slurm) before anything is written; throws naming what is missing. */
  preflight(config: RunConfig): Promise<void>;
  /**
   * How the run in `runDir` stopped, for its record of resumes; throws when there is nothing to
   * resume (it finished, or every job is done).
   */
  resumeReason(runDir: string, manifest: Manifest): string;
  /** Boots that a resume keeps rather than runs again: "guest boot-N". */
  reusedBoots(manifest: Manifest): string[];
  execute(config: RunConfig, runDir: string, manifest: Manifest, options: ExecuteOptions): Promise<RunOutcome>;
}
