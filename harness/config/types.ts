/*
 * A run configuration's shape is declared once, in configs/schema.json. The types of the file as
 * written (schema.generated.ts) and as it stands after validation, every default filled in
 * (validated.generated.ts), are generated from it by scripts/generate-schema-types.ts. The types
 * here name their parts and declare only what loading adds: absolute paths, the file's own facts.
 */
import type * as Validated from './validated.generated.js';

export type { ConfigFile } from './schema.generated.js';
export type { ValidatedConfig } from './validated.generated.js';

/** Guest operating systems the harness knows (configs/schema.json, generated from harness/guests/registry.ts). */
export type GuestOs = Validated.Guest['os'];

/** How the harness reaches a guest: it boots it in QEMU, or logs in to an existing machine over SSH. */
export type GuestReach = Validated.Guest['reach'];

/** Which image of an OS with several (`variant`), e.g. Linux's initramfs or Debian disk image. */
export type GuestVariant = NonNullable<Validated.Guest['variant']>;

/** How the payload reaches a guest: packed into its boot image, or uploaded and started over SSH. */
export type DeployMethod = NonNullable<Validated.Guest['deploy']>;

/** Other tools whose benchmarks can run beside ours in a guest (config `peers`); Linux only. */
export type Peer = Validated.Guest['peers'][number];

/** Where a run's jobs execute: this machine, or a Slurm cluster (docs/executors.md). */
export type ExecutorKind = Validated.Executor['kind'];

export type Timeouts = Validated.Timeouts;
export type BootstrapConfig = Validated.Bootstrap;
export type MethodologyConfig = Validated.Methodology;
export type ReportConfig = Validated.Report;
export type ExecutorConfig = Validated.Executor;
/** How a run is cut into jobs (harness/jobs/plan.ts). */
export type JobSplit = Validated.JobSplit;
/** sbatch options (configs/schema.json executor.slurm). */
export type SlurmConfig = Validated.Slurm;
export type BenchmarkSelection = Validated.BenchmarkSelection;

/** An existing machine the payload runs on over SSH (`reach: ssh`, no QEMU); its `key` is made absolute. */
export type SshTargetConfig = Validated.SshTarget;

/** A guest of a loaded configuration. */
export interface GuestConfig extends Omit<Validated.Guest, 'image' | 'reach'> {
  /** Filled in by loading (default `qemu`); optional for guests made up in code. */
  reach?: GuestReach;
  /**
   * OS-specific image settings, paths made absolute; each adapter declares its keys. Every value is
   * a string: the schema's per-guest rules, which a type cannot follow, allow nothing else.
   */
  image: Record<string, string>;
}

/** A loaded run configuration: validated, defaults applied and paths made absolute. */
export interface RunConfig extends Omit<Validated.ValidatedConfig, 'resultsDir' | 'cacheDir' | 'guests'> {
  /** Absolute path of the YAML file this came from. */
  file: string;
  /** The file's text as read, archived with the run. */
  text: string;
  /** SHA-256 of `text`, hex. */
  sha256: string;
  /** Absolute; run directories are created under it. */
  resultsDir: string;
  /** Absolute; downloaded packages and built images are cached under it. */
  cacheDir: string;
  guests: GuestConfig[];
}
