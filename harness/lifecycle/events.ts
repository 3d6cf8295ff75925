import type { JobState } from '../rundir/manifest.js';
import type { VcpuAffinity } from '../host/affinity.js';
import type { Accel } from '../units.js';
import type { RawBenchmark, SkippedBenchmark } from '../wire/stream.js';

/**
 * What a run reports as it goes; the CLI's reporters print these, tests collect them.
 * A guest's events come in this order: guest-preparing and host-warning, then for each boot
 * guest-booting, vcpus-pinned, guest-started, the benchmark events, payload-done, and guest-done
 * or guest-failed (which also ends a guest that failed before booting). docs/progress.md lists
 * them for readers of `harness run --json`.
 */
export type RunEvent =
  | { type: 'run-start'; runId: string; runDir: string; guests: string[] }
  | { type: 'accel-chosen'; accel: Accel; reason: string }
  | { type: 'guest-skipped'; guest: string; reason: string; howTo?: string }
  | { type: 'guest-preparing'; guest: string; message: string }
  | { type: 'host-warning'; guest: string; warning: string }
  | { type: 'guest-warning'; guest: string; warning: string }
  | { type: 'guest-booting'; guest: string; boot: number; boots: number; argv: string[]; vcpus: number }
  | { type: 'vcpus-pinned'; guest: string; affinity: VcpuAffinity[] }
  | { type: 'guest-started'; guest: string; boot: number; kernel: string }
  | { type: 'benchmark-begin'; guest: string; boot: number; metric: string; iterations: number }
  /**
   * After each SAMPLES record. The payloads send a benchmark's samples only once it has measured them
   * all (serial output while measuring would disturb the figures), so `received` goes from 0 to
   * `expected` in a record or two at the end of the benchmark.
   */
  | { type: 'benchmark-progress'; guest: string; boot: number; metric: string; received: number; expected: number }
  | { type: 'benchmark-end'; guest: string; boot: number; benchmark: RawBenchmark }
  | { type: 'benchmark-skipped'; guest: string; boot: number; skipped: SkippedBenchmark }
  | { type: 'benchmark-failed'; guest: string; boot: number; failed: SkippedBenchmark }
  /** STREAM_END arrived: everything is in, and the guest is left to power off. */
  | { type: 'payload-done'; guest: string; boot: number }
  /** One boot finished; `seconds` is that boot's. */
  | { type: 'guest-done'; guest: string; boot: number; seconds: number }
  /** `boot` is absent when the guest failed before booting, e.g. while its image was built. */
  | { type: 'guest-failed'; guest: string; boot?: number; error: Error }
  /** A job handed to Slurm (`harness run --executor slurm`): its Slurm id, and where its log goes. */
  | { type: 'job-submitted'; job: string; guest: string; slurmJobId: string; log: string }
  /**
   * A Slurm job changed state: `slurmState` as Slurm says it, `state` what it means for the run
   * (`done` once its boots are gathered into the run directory). `ended` and `total` count the jobs.
   */
  | { type: 'job-state'; job: string; guest: string; state: JobState; slurmState: string; node?: string; reason?: string; ended: number; total: number }
  /** `interrupted` when a signal stopped the run ("interrupted by SIGINT"): `harness run --resume RUN_DIR` finishes it. */
  | { type: 'run-done'; runDir: string; complete: boolean; interrupted?: string };

export type EventSink = (event: RunEvent) => void;
