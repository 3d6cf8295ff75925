import type { FormerOsName } from '../config/former.js';
import type { ExecutorKind, GuestOs, GuestReach, GuestVariant } from '../config/types.js';
import type { RunOverrides } from '../config/overrides.js';
import type { Job } from '../jobs/plan.js';
import type { HostConditions } from '../host/conditions.js';
import type { HostInfo } from '../host/info.js';
import type { VcpuAffinity } from '../host/affinity.js';
import type { Accel, AccelChoice } from '../units.js';
import type { ProjectRevision } from './provenance.js';

/** One boot of a guest: how QEMU ran and what the guest reported. */
export interface BootManifest {
  boot: number;
  /** `interrupted`: stopped by SIGINT/SIGTERM; `harness run --resume` boots it again. */
  status: 'done' | 'failed' | 'interrupted';
  reason?: string;
  argv: string[];
  /** vCPU threads' host affinity as read back from /proc after pinning. */
  hostAffinity: VcpuAffinity[];
  /** STREAM_BEGIN fields: guest kernel, timer, TSC frequency, payload compiler and flags. */
  guestInfo: Record<string, string>;
  /** Per benchmark: CPU sets read back inside the guest after its threads pinned themselves. */
  guestAffinity: Record<string, string>;
  qemuExit?: { exitCode?: number; signal?: string };
  seconds: number;
  /** Bytes of data.bin the runner read and decoded; QEMU may have written more before it was stopped. */
  dataBytes: number;
  /** Busy fraction of the pinned CPUs during the run that QEMU's own CPU time does not explain. */
  otherLoadOnPinnedCpus?: number;
  /** The job that ran this boot (manifest `executor.jobs`). */
  job?: string;
}

export interface GuestManifest {
  name: string;
  /** The operating system; runs from before `reach` and `variant` recorded `linux-disk` and `ssh` here (config/former.ts). */
  os: GuestOs | FormerOsName;
  /** `ssh` for an existing machine reached over SSH; absent for a QEMU guest (and in older runs). */
  reach?: GuestReach;
  /** The image variant the config named (`variant`), when it named one. */
  variant?: GuestVariant;
  /** `running` while its boots run (and in the manifest of a run killed meanwhile); `interrupted` when a signal stopped it. */
  status: 'done' | 'failed' | 'skipped' | 'running' | 'interrupted';
  reason?: string;
  accel?: Accel;
  vcpusConfigured: number;
  vcpusUsed?: number;
  vcpusNote?: string;
  /** QEMU's `-cpu` model (absent for an ssh target, and in runs from before it was recorded). */
  cpuModel?: string;
  /** Set when the guest's own `image.cpuModel` replaced the run's model: the model it replaced. */
  cpuModelOverride?: { runModel: string };
  qemuVersion?: string;
  provenance?: Record<string, string>;
  /** Governor, boost, SMT siblings, isolation and load of the pinned CPUs, with warnings. */
  hostConditions?: HostConditions;
  boots: BootManifest[];
  /**
   * Set when the guest's anatomy boot (docs/anatomy.md) wrote its document, guests/<name>/anatomy.json:
   * a raw input of the reports from then on. Absent when none was asked for, or it failed.
   */
  anatomy?: GuestAnatomy;
}

/** What the manifest says of a guest's anatomy document, checked when the document is read. */
export interface GuestAnatomy {
  /** The document's `metrics`: one per benchmark the anatomy boot matched a region to. */
  metrics: number;
}

/** Why a run stopped before its end: set when a signal stopped it, cleared when it is resumed. */
export interface Interruption {
  /** "SIGINT" or "SIGTERM". */
  signal: string;
  /** When the harness was asked to stop, ISO 8601. */
  at: string;
  /** "interrupted by SIGINT". */
  reason: string;
}

/** One `harness run --resume` of the run. */
export interface Resumption {
  /** When the resume started, ISO 8601. */
  at: string;
  command: string[];
  /** How the run had stopped: the interruption's reason, or that the harness never finished (killed). */
  after: string;
  /** Boots found complete and taken from their data.bin, not run again: "guest boot-N". */
  reused: string[];
}

/**
 * How a job went. `done`: it ran to its end (its boots may still have failed: the guest's entry
 * says); `failed`: it stopped before its end (for Slurm, the job's state says how); `cancelled`:
 * scancel'ed or preempted; `interrupted`: stopped by a signal to `harness run`; `pending` and
 * `running` while the run goes. `harness run --resume` runs again every job not `done` or `skipped`.
 */
export type JobState = 'pending' | 'running' | 'done' | 'failed' | 'cancelled' | 'skipped' | 'interrupted';

/** A job submitted to Slurm: its ids, its last state as Slurm gave it, and its log. */
export interface SlurmJobRecord {
  /** The id scancel and squeue take: `123`, or `123_4` for task 4 of array job 123. */
  jobId: string;
  /** Slurm's state, e.g. COMPLETED, FAILED, CANCELLED, TIMEOUT, NODE_FAIL. */
  state: string;
  /** Slurm's reason or exit code, when it gives one. */
  detail?: string;
  node?: string;
  /** The job's stdout and stderr, relative to the run directory. */
  log: string;
}

export interface JobRecord extends Job {
  executor: ExecutorKind;
  state: JobState;
  reason?: string;
  /** The machine the job ran on, for a job that ran elsewhere (a Slurm node); a local job's is the manifest's `host`. */
  host?: HostInfo;
  /** The accelerator the job's boots ran with. */
  accel?: Accel;
  /** For a job that ran elsewhere: the QEMU it ran, and the conditions of the CPUs its guest was pinned to there. */
  qemuVersion?: string;
  hostConditions?: HostConditions;
  slurm?: SlurmJobRecord;
}

export interface Manifest {
  schemaVersion: 1;
  runId: string;
  /** Every guest ran to its end and nothing failed; false while the run goes, and when interrupted. */
  complete: boolean;
  startedAt: string;
  /** When the harness last finished the run; absent while it runs, and when it was interrupted or killed. */
  finishedAt?: string;
  interrupted?: Interruption;
  /** Each time the run was resumed (`harness run --resume RUN_DIR`), in order. */
  resumes?: Resumption[];
  command: string[];
  host: HostInfo;
  project: ProjectRevision & { nodeVersion: string };
  config: { file: string; sha256: string; copy: string };
  accel: { requested: AccelChoice; chosen?: Accel; reason?: string };
  /**
   * `harness run --anatomy`: every guest gets an anatomy boot (docs/anatomy.md), as if each said
   * `anatomy: true`. Kept here, as `accel.requested` is, for what reads the run later rather than its
   * command line: a Slurm job (`harness job`) and `harness run --resume`. Absent when not asked for.
   */
  anatomy?: true;
  /**
   * `harness run CONFIG --guest --bench --iters --warmup --boots`: what the command line changed in
   * the config, as given (config/overrides.ts). The config copy is the file as written; whatever
   * loads it for this run (`harness job`, `harness report`, `harness verify`) applies these to it.
   * Absent when none were given.
   */
  overrides?: RunOverrides;
  bootstrap: { resamples: number; seed: number; method: string };
  /** Where the jobs ran and how each went (absent in runs made before jobs existed). */
  executor?: { kind: ExecutorKind; jobs: JobRecord[] };
  guests: GuestManifest[];
}
