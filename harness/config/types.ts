import type { AccelChoice } from '../units.js';

/** Guest operating systems the harness knows; one adapter each under harness/guests/. */
export type GuestOs = 'linux' | 'sel4' | 'minix' | 'gnumach' | 'linux-disk' | 'ssh';

/** How the payload reaches a guest: packed into its boot image, or uploaded and started over SSH. */
export type DeployMethod = 'initramfs' | 'ssh';

/** An existing machine the payload runs on over SSH (`os: ssh`, no QEMU); see configs/schema.json sshTarget. */
export interface SshTargetConfig {
  host: string;
  port: number;
  user: string;
  /** Absolute path of the private key. */
  key: string;
  /** "SHA256:..." fingerprint or an OpenSSH public key line. */
  hostKey: string;
  build: 'local' | 'target';
  /** CPUs the payload is started on (taskset -c); undefined leaves the session's CPU set. */
  cpus?: number[];
  connectSeconds: number;
}

/** A validated run configuration, defaults applied and paths made absolute. See configs/schema.json. */
export interface RunConfig {
  /** Absolute path of the YAML file this came from. */
  file: string;
  /** The file's text as read, archived with the run. */
  text: string;
  /** SHA-256 of `text`, hex. */
  sha256: string;
  accel: AccelChoice;
  /** Absolute; run directories are created under it. */
  resultsDir: string;
  /** Absolute; downloaded packages and built images are cached under it. */
  cacheDir: string;
  timeouts: Timeouts;
  bootstrap: BootstrapConfig;
  methodology: MethodologyConfig;
  report: ReportConfig;
  executor: ExecutorConfig;
  guests: GuestConfig[];
}

/** Where a run's jobs execute: this machine, or a Slurm cluster (docs/executors.md). */
export type ExecutorKind = 'local' | 'slurm';

export interface ExecutorConfig {
  kind: ExecutorKind;
  split: JobSplit;
  slurm: SlurmConfig;
}

/** How a run is cut into jobs (harness/jobs/plan.ts). */
export interface JobSplit {
  /** `together`: a guest's whole include list is one benchmark set; `byInclude`: one set per entry. */
  benchmarks: 'together' | 'byInclude';
  /** Boots of one set per job; undefined puts all of them in one job. */
  bootsPerJob?: number;
}

/** sbatch options; see configs/schema.json executor.slurm. */
export interface SlurmConfig {
  partition?: string;
  constraint?: string;
  account?: string;
  qos?: string;
  exclusive: boolean;
  timeMinutes: number;
  array: boolean;
  pollSeconds: number;
  extraArgs: string[];
}

export interface ReportConfig {
  /** Guest the cross-OS ratios are taken against; default the first guest with figures. */
  baseline?: string;
}

export interface MethodologyConfig {
  /** Spread allowed between timer-overhead measurements: max(absolute ticks, relative × smallest). */
  overheadTolerance: { relative: number; absolute: number };
  unstableOverhead: 'flag' | 'fail';
  outliers: 'mad' | 'tukey';
  settling: 'mser5' | 'none';
}

export interface Timeouts {
  /** From QEMU start to the payload's first record. */
  bootSeconds: number;
  /** Longest silence allowed on the data channel while benchmarks run. */
  benchmarkSeconds: number;
  /** From the last record to QEMU's exit. */
  shutdownSeconds: number;
}

export interface BootstrapConfig {
  resamples: number;
  seed: number;
}

export interface BenchmarkSelection {
  /** Boots of the guest; each runs every benchmark. */
  boots: number;
  /** Timed samples per benchmark. */
  iterations: number;
  /** Iterations run and discarded before timing. */
  warmup: number;
  /** Metric names or globs (`*` matches any run of characters), e.g. `ipc.roundtrip.*`. */
  include: string[];
}

/** Other tools whose benchmarks can run beside ours in a guest (config `peers`); Linux only. */
export type Peer = 'perf';

export interface GuestConfig {
  /** Unique within the config; names the guest's files in the run directory. */
  name: string;
  os: GuestOs;
  vcpus: number;
  memoryMiB: number;
  /** Host CPU for each vCPU (index = vCPU); undefined leaves QEMU's threads unpinned. */
  pin: number[] | undefined;
  benchmarks: BenchmarkSelection;
  /** Peer tools run after our benchmarks in the same boot, for the peer cross-check; empty for none. */
  peers: Peer[];
  /** OS-specific image settings, paths made absolute; each adapter documents its keys. */
  image: Record<string, string>;
  /** How the payload is deployed, when the config says; absent, the adapter's own (only) method. */
  deploy?: DeployMethod;
  /** `os: ssh` only: the machine to run on. */
  target?: SshTargetConfig;
}
