/**
 * Generated from configs/schema.json by scripts/generate-schema-types.ts: do not edit by hand.
 * A run configuration as written in its YAML file.
 *
 * To change these types, edit the schema and run `npm run generate:types`;
 * test/scripts/generate-schema-types.test.ts fails while this file and the schema disagree.
 */

/**
 * One benchmark run: which guest operating systems to boot under QEMU, how to size and pin them, and which benchmarks to run in each. Relative paths are resolved against the directory of the YAML file. Loaded by harness/config/load.ts, which also checks what this schema cannot express: guest names are unique, `pin` has one entry per vCPU, and every pinned CPU exists on the host.
 */
export interface ConfigFile {
  /**
   * QEMU accelerator. `kvm`: hardware virtualisation, figures in TSC ticks. `tcg`: plain emulation, figures are emulator ticks and not comparable across systems. `tcg-icount`: emulation with `-icount shift=0`, figures are guest instructions (deterministic). `auto`: `kvm` when /dev/kvm is usable, otherwise emulation (the runner records which it used). Default `auto`.
   */
  accel?: 'kvm' | 'tcg' | 'tcg-icount' | 'auto';
  /**
   * QEMU `-cpu` model every guest of the run boots with, so every kernel takes the paths of the same CPU (FPU state saving, PCID, speculation mitigations). Default under TCG: `Nehalem,-vme,+pdpe1gb,-xsave,-xsaveopt,-xsavec,+fsgsbase,-invpcid,+syscall,+lm,+rdtscp,enforce` (harness/qemu/argv.ts says why each feature); under KVM `host`. A guest's `image.cpuModel` overrides it for that guest only, and the report flags that guest's figures.
   */
  cpuModel?: string;
  /**
   * Directory under which each run creates its run directory; a path relative to the directory of this config file (`~/` is the home directory). Checked when the config loads: it must be a directory, or a path where one can be created, on a writable file system; not under /proc, /sys or /dev; not `/` nor a system directory (/etc, /usr, /bin, /boot, /lib, /sbin, /opt, /run, /srv, /var except /var/tmp). Default `../results`.
   */
  resultsDir?: string;
  /**
   * Directory where downloaded packages and built guest images are cached between runs; a path relative to the directory of this config file (`~/` is the home directory). Checked when the config loads: it must be a directory, or a path where one can be created, on a writable file system; not under /proc, /sys or /dev. Default `../.cache`.
   */
  cacheDir?: string;
  timeouts?: Timeouts;
  bootstrap?: Bootstrap;
  report?: Report;
  executor?: Executor;
  methodology?: Methodology;
  /**
   * Guest operating systems to boot, in run order; 1 to 16 entries. Required, no default.
   */
  guests: Guest[];
}
/**
 * Time limits, in whole seconds, after which a guest is killed and recorded as failed. Default `{ bootSeconds: 300, benchmarkSeconds: 300, shutdownSeconds: 30 }`.
 */
export interface Timeouts {
  /**
   * Seconds from QEMU start to the payload's first record on the data channel, 1 to 86400. Default 300.
   */
  bootSeconds?: number;
  /**
   * Longest silence, in seconds, allowed on the data channel while benchmarks run, 1 to 86400. Default 300.
   */
  benchmarkSeconds?: number;
  /**
   * Seconds from the last record to QEMU's exit, 1 to 86400. Default 30.
   */
  shutdownSeconds?: number;
}
/**
 * Bootstrap used for the confidence intervals in reports. Default `{ resamples: 2000, seed: 1 }`.
 */
export interface Bootstrap {
  /**
   * Number of bootstrap resamples per confidence interval (a count), 100 to 100000. Default 2000.
   */
  resamples?: number;
  /**
   * Seed of the resampling pseudo-random generator, an integer from 0 to 9007199254740991 (2^53 - 1, so it survives JSON); the same seed and data give the same intervals. Default 1.
   */
  seed?: number;
}
/**
 * How report.md and report.html present the run. Default `{}`.
 */
export interface Report {
  /**
   * Name of the guest the cross-OS ratios are taken against (each figure / that guest's figure of the same kind: its headline figure of the class where it has one, e.g. syscall.null, else its fastest). Default: the first guest with figures.
   */
  baseline?: string;
}
/**
 * Where the run's jobs execute (docs/executors.md). The run is split into jobs, each one guest, one benchmark set and some of its boots; `local` runs them one after another on this machine, `slurm` submits them to a Slurm cluster with sbatch and gathers what they write into one run directory (which must be on a filesystem the cluster's nodes share). Both give the same run-directory layout. `harness run --executor` overrides `kind`. Default `{ kind: local }`.
 */
export interface Executor {
  /**
   * `local` (this machine) or `slurm` (sbatch on the cluster this machine submits to). Default `local`.
   */
  kind?: 'local' | 'slurm';
  split?: JobSplit;
  slurm?: Slurm;
}
/**
 * How the run is cut into jobs. Default `{ benchmarks: together }` with every boot of a guest in one job.
 */
export interface JobSplit {
  /**
   * `together`: one benchmark set per guest, its whole `benchmarks.include`; `byInclude`: one set per entry of `include` (each set gets `boots` boots of its own, and peers run with the first set only). Default `together`.
   */
  benchmarks?: 'together' | 'byInclude';
  /**
   * Boots of one benchmark set per job, 1 to 1000; e.g. 1 makes every boot its own job. Default: all of the set's boots in one job.
   */
  bootsPerJob?: number;
}
/**
 * sbatch options for `kind: slurm`. Default `{ exclusive: true, timeMinutes: 120, array: true, pollSeconds: 5 }`.
 */
export interface Slurm {
  /**
   * sbatch --partition (several separated by commas). Default: the cluster's default partition.
   */
  partition?: string;
  /**
   * sbatch --constraint, node features such as `skylake` or `skylake|icelake`, to keep a run on one CPU model. Default none.
   */
  constraint?: string;
  /**
   * sbatch --account. Default: the user's default account.
   */
  account?: string;
  /**
   * sbatch --qos. Default none.
   */
  qos?: string;
  /**
   * sbatch --exclusive: no other job shares a benchmark's node, so nothing else disturbs the figures. Default true.
   */
  exclusive?: boolean;
  /**
   * sbatch --time per job in minutes, 1 to 43200. Default 120.
   */
  timeMinutes?: number;
  /**
   * Submit jobs that ask for the same resources as one job array (one sbatch, one queue entry); false submits each job on its own. Default true.
   */
  array?: boolean;
  /**
   * Seconds between queue polls while waiting for the jobs, 0.2 to 600. Default 5.
   */
  pollSeconds?: number;
  /**
   * Further sbatch options, each one argument, e.g. `[--reservation=bench]`. Default none.
   */
  extraArgs?: string[];
}
/**
 * How figures are checked before they are reported (docs/methodology.md). Default `{ overheadTolerance: { relative: 0.25, absolute: 2 }, unstableOverhead: flag, outliers: mad, settling: mser5 }`.
 */
export interface Methodology {
  overheadTolerance?: OverheadTolerance;
  /**
   * What an unstable timer overhead does to a figure: `flag` reports it with a warning, `fail` reports it as failed instead. Default `flag`.
   */
  unstableOverhead?: 'flag' | 'fail';
  /**
   * How outliers are counted (never dropped): `mad` (modified z-score above 3.5) or `tukey` (1.5 IQR fences). Default `mad`.
   */
  outliers?: 'mad' | 'tukey';
  /**
   * Warm-up beyond the fixed count: `mser5` drops the samples before each boot's series settles (MSER-5), `none` keeps all. Default `mser5`.
   */
  settling?: 'mser5' | 'none';
}
/**
 * How far the timer overhead measured before and after each benchmark (every boot) may spread before the figure is unstable: the larger of `absolute` (timer ticks) and `relative` (a fraction of the smallest measurement). Default `{ relative: 0.25, absolute: 2 }`.
 */
export interface OverheadTolerance {
  /**
   * Fraction of the smallest measurement, 0 to 10. Default 0.25.
   */
  relative?: number;
  /**
   * Timer ticks, 0 to 1000000. Default 2.
   */
  absolute?: number;
}
/**
 * One guest: an operating system the harness boots in its own QEMU instance, or an existing machine it reaches over SSH.
 */
export interface Guest {
  /**
   * Name of the guest, unique within the config; names the guest's files in the run directory. A lowercase letter then up to 31 lowercase letters, digits or hyphens. Required, no default.
   */
  name: string;
  /**
   * Guest operating system: `linux`, `sel4`, `minix`, `gnumach`. With `reach` and `variant` it selects the adapter under harness/guests/ and so the keys allowed in `image`: `os: linux, variant: initramfs` (Linux); `os: linux, variant: disk` (Linux (Debian disk image)); `os: linux, reach: ssh` (Linux over SSH (an existing machine)); `os: sel4` (seL4); `os: minix` (MINIX 3); `os: gnumach` (GNU Mach). The earlier spellings `os: linux-disk` and `os: ssh` are read as `os: linux` with `variant: disk` and with `reach: ssh`. Required, no default.
   */
  os: 'linux' | 'sel4' | 'minix' | 'gnumach';
  /**
   * How the harness reaches the guest: `qemu` (it boots the guest in QEMU) or `ssh` (an existing machine reached over SSH, no QEMU, given by `target`: docs/ssh-target.md). Default `qemu`.
   */
  reach?: 'qemu' | 'ssh';
  /**
   * Which image of the OS to boot, for an OS with more than one: `initramfs` (`os: linux`, the default: Linux), `disk` (`os: linux`: Linux (Debian disk image)). Default: the OS's first.
   */
  variant?: 'initramfs' | 'disk';
  /**
   * Number of virtual CPUs given to the guest, 1 to 64; when pinned, at most the host's CPU count (one host CPU each). Unpinned, more vCPUs than host CPUs are allowed and time-shared, which makes cross-vCPU figures measure the host scheduler. Default 2.
   */
  vcpus?: number;
  /**
   * Guest RAM in MiB (2^20 bytes), 64 to 65536, and no more than this host has (checked when the config is loaded), nor less than the guest boots with (its adapter's `minMemoryMiB`, checked before anything boots; docs/reliability.md lists them). Default 512.
   */
  memoryMiB?: number;
  /**
   * Host CPU numbers (as counted by the host OS, from 0) to pin the vCPU threads to, one per vCPU: entry i is the host CPU of vCPU i. Must have exactly `vcpus` distinct entries, each an existing host CPU. Default: none (QEMU's threads are left unpinned).
   *
   * Items: A host CPU number (integer >= 0).
   */
  pin?: number[];
  benchmarks?: BenchmarkSelection;
  /**
   * Cost anatomy (docs/anatomy.md): after the timed boots, one more boot under tcg-icount with the payload built with its region marks and QEMU's anatomy TCG plugin loaded; the plugin's JSON goes to guests/<name>/anatomy.json in the run directory. The timed boots are unchanged. `harness run --anatomy` turns it on for every guest. Linux (initramfs and disk image), GNU Mach and seL4; ignored, with a warning, for others (MINIX, SSH targets). Default false (absent).
   */
  anatomy?: boolean;
  /**
   * Other tools whose benchmarks of the same operations run in the same boot after ours, reported beside our figures with the ratio (report.md "Peer cross-check", results.json `peers`). `perf`: Debian's linux-perf (the version built with the guest kernel) and the shared libraries it loads are downloaded with apt-get into cacheDir and added to the initramfs (about 34 MB more), and the payload runs `perf bench sched pipe` (against ipc.roundtrip.pipe.process.same) and `perf bench syscall basic` (against syscall.null) with the larger of `iterations` and 100000 loops each, pinned to vCPU 0 (docs/methodology.md, "Peer cross-check"). A peer that fails is reported, never fails our figures. Linux guests only. Default `[]` (none).
   *
   * Items: A peer tool: `perf`.
   */
  peers?: 'perf'[];
  /**
   * OS-specific image settings, all string values; the allowed keys depend on the guest's adapter (`os`, `reach`, `variant`; see the definitions named ...Image, generated from the adapters). Paths are relative to the directory of this config file and need not exist: a guest whose image is missing is skipped at run time with build instructions; a path that exists must be the right kind (a disk image or kernel a file, a build, source or boot directory a directory: `x-path`), or the config is rejected. Default `{}`.
   */
  image?: {
    [k: string]: unknown;
  };
  /**
   * How the payload reaches the guest and is started: `initramfs` (packed into the boot image and started by its init; `os: linux`) or `ssh` (uploaded over SFTP and started over SSH once the guest's SSH server answers; `os: linux` with `variant: disk` or `reach: ssh`). Default: the adapter's first method.
   */
  deploy?: 'initramfs' | 'ssh';
  target?: SshTarget;
}
/**
 * Which benchmarks to run, how many samples to take and how often to boot. Default `{ boots: 1, iterations: 10000, warmup: 1000, include: ["*"] }`.
 */
export interface BenchmarkSelection {
  /**
   * Times the guest is booted (a count), 1 to 100; every boot runs every benchmark. With more than one, the report gives the spread between boots and a hierarchical bootstrap CI (boots, then samples within boots). Default 1.
   */
  boots?: number;
  /**
   * Timed samples (a count) taken per benchmark, 1 to 10000000. Default 10000.
   */
  iterations?: number;
  /**
   * Iterations (a count) run and discarded before timing starts, 0 to 10000000. Default 1000.
   */
  warmup?: number;
  /**
   * Metric names or globs to run (`*` matches any run of characters), e.g. `ipc.roundtrip.*`; a benchmark runs if any entry matches, and each entry must match one of the guest's benchmarks (checked before anything boots; docs/metrics.md lists each OS's). Non-empty. Default `["*"]` (all).
   *
   * Items: A metric name or glob: lowercase letters, digits, `.`, `_`, `-` and `*`.
   */
  include?: string[];
}
/**
 * `reach: ssh` only, and required there: the machine to run on (host, port, user, key, hostKey; see definitions sshTarget). No default.
 */
export interface SshTarget {
  /**
   * Host name or IP address of the machine. Required, no default.
   */
  host: string;
  /**
   * TCP port of its SSH server, 1 to 65535. Default 22.
   */
  port?: number;
  /**
   * User to log in as. Benchmarks that read the kernel log for its TSC calibration need root (or dmesg_restrict off). Required, no default.
   */
  user: string;
  /**
   * The private key to log in with, relative to the directory of this config file (`~/` is the home directory). Required, no default.
   */
  key: string;
  /**
   * What the machine's SSH server must present, as a SHA256 fingerprint or a public key line; any other key is refused. Required, no default.
   */
  hostKey: string;
  /**
   * Where the payload is compiled: `local` (here, statically linked, uploaded; the target must be x86_64 Linux) or `target` (its sources uploaded and compiled there with the target's gcc and the same flags; the target needs gcc and a static libc, Debian's libc6-dev). Default `local`.
   */
  build?: 'local' | 'target';
  /**
   * CPUs of the machine the payload is started on (`taskset -c`), as the machine numbers them. The benchmarks pin themselves to CPU 0 (and 1 for cross-CPU ones), so list those; a benchmark whose CPU is not listed is skipped with the reason. Default: none, the payload starts with the login session's CPU set.
   */
  cpus?: number[];
  /**
   * Seconds to keep trying to reach the SSH server (refused, reset or silent connections are retried), 1 to 3600. Default 30.
   */
  connectSeconds?: number;
}
