import type { ConsoleSession } from '../console/session.js';
import type { DeployMethod, GuestConfig, GuestOs, GuestReach, GuestVariant, Peer, Timeouts } from '../config/types.js';
import type { GuestDeploy, SshTargetRun } from '../deploy/types.js';
import type { HostConditions } from '../host/conditions.js';
import type { Accel } from '../units.js';

/** How QEMU boots the prepared guest. */
export interface BootSpec {
  qemuBinary: string;
  /** Loaded directly by QEMU; undefined boots from a disk in `extraArgs`. */
  kernel: string | undefined;
  initrd?: string;
  append?: string;
  /**
   * QEMU's working directory, against which relative paths in `kernel` and `initrd` are opened; for
   * a guest that is handed those strings themselves (a multiboot kernel's command line and module
   * lines), so its figures do not depend on where the cache lies. Default: the harness's own.
   */
  cwd?: string;
  /** Devices and options the guest needs beyond the common ones, e.g. a debug-exit port. */
  extraArgs?: string[];
}

export interface PreparedGuest {
  boot: BootSpec;
  /** What went into the image, for the manifest: packages and versions, payload compiler and flags, hashes. */
  provenance: Record<string, string>;
  /**
   * For guests that need a person at the console (log in, type commands): runs once the guest
   * starts, while the data channel is read; a rejection fails the guest with the console tail.
   */
  drive?: (console: ConsoleSession) => Promise<void>;
  /** Reads a failed guest's console for known signs of a misfit image; returns what to change. */
  diagnose?: (console: string) => string | undefined;
  /**
   * `deploy: ssh` into a guest QEMU boots: per boot, QEMU gets a forwarded port and, once the guest
   * runs, the payload is uploaded and started over SSH (harness/deploy/types.ts).
   */
  deploy?: GuestDeploy;
  /**
   * An existing machine instead of a QEMU guest (`reach: ssh`): each boot is an SSH session running
   * the payload there (harness/session/ssh-session.ts); `boot` is then unused.
   */
  target?: SshTargetRun;
  /** The CPU conditions to record instead of this host's (an ssh target's, read over SSH). */
  conditions?: HostConditions;
  /**
   * Guest memory, in MiB, this image is known to boot with: a boot that stops early with less says
   * memory is the likely cause (session/qemu-session.ts; 128 when not given).
   */
  memoryMiBKnownToBoot?: number;
}

export type Availability = { available: true } | { available: false; reason: string; howTo: string };

export interface PrepareContext {
  cacheDir: string;
  accel: Accel;
  /** vCPUs the guest will get, which can be fewer than configured (most icount guests are uniprocessor). */
  vcpus: number;
  /** The run's timeouts, for adapters whose console steps need their own. */
  timeouts: Timeouts;
  log: (message: string) => void;
  /**
   * Build the payload with the cost-anatomy marks (-DHB_ANATOMY, guests/common/anatomy.h) for a
   * boot with the anatomy plugin (docs/anatomy.md); never for a timed boot. Adapters without marks ignore it.
   */
  anatomy?: boolean;
  /**
   * `harness run --refresh`: ask apt again which version a Debian package name leads to. Without it
   * a version already in the cache is used without calling apt (issue 18), and logged as such.
   */
  refresh?: boolean;
}

/** The payload flags of an anatomy boot (PrepareContext.anatomy). */
export function anatomyFlags(context: Pick<PrepareContext, 'anatomy'>): string[] {
  return context.anatomy ? ['-DHB_ANATOMY'] : [];
}

/**
 * One image's symbols for naming the anatomy's blocks (docs/anatomy.md, "Symbols"): the kernel's or
 * the payload's, as `nm -n` prints them (a System.map is the same format). The adapter only finds
 * and reads them; harness/anatomy/symbols.ts parses them and resolves the addresses.
 */
export interface AnatomySymbols {
  /** Whose code: `kernel` names blocks at or above the target's kernelBase, `user` those below. */
  space: 'kernel' | 'user';
  /** Prefixed to every name from this image: '' for the kernel, 'payload:' for the payload. */
  prefix: string;
  /** For the document's symbolSources: the file and the package or build it comes from. */
  description: string;
  /** `nm -n` lines (address, type, name); undefined when the symbols could not be had (see `missing`). */
  nmText?: string;
  /** Why there are no symbols (no debug package, no ELF): the blocks stay unnamed, the boot goes on. */
  missing?: string;
  /**
   * The kernel runs at an offset from its link addresses unknown to the host (KASLR), a multiple
   * of this alignment: it is found from the executed blocks themselves (harness/anatomy/symbols.ts).
   */
  randomizedAlign?: number;
}

/** How the cost-anatomy plugin reads a guest (docs/anatomy.md): how its code decodes, where its kernel begins. */
export interface AnatomyTarget {
  bits: 32 | 64;
  /** Lowest kernel virtual address, hex: instructions at or above it count as the kernel's. */
  kernelBase: string;
  /**
   * The symbols of the kernel and payload of the guest `prepare` gave for this context (the
   * anatomy boot's): one entry per image, with `missing` set rather than a rejection when an image
   * has none. Undefined: the blocks stay unnamed.
   */
  symbols?: (guest: GuestConfig, context: PrepareContext) => Promise<AnatomySymbols[]>;
  /**
   * Where the payload's code lies, for a guest whose other processes read the timer too (a Debian
   * system's, through the vDSO): only user timer reads in it bound the windows. Undefined: every
   * user timer read does (the payload is the only user program).
   */
  timerCode?: (guest: GuestConfig, context: PrepareContext) => Promise<{ address: bigint; size: bigint } | undefined>;
}

/** What an image path must name when it exists. */
export type PathKind = 'file' | 'directory';

/**
 * One key of a guest's `image` settings, as JSON Schema (configs/schema.json's definition of the
 * adapter's image is generated from it): always a string; `x-path` marks a path, resolved against
 * the config file's directory and, when it exists, required to be that kind of thing.
 */
export interface ImageSetting {
  /** The phrase a config error shows as what was expected. */
  title: string;
  description: string;
  type: 'string';
  minLength?: number;
  pattern?: string;
  default?: string;
  'x-path'?: PathKind;
}

/** The `image` settings a guest takes: their keys, which are required, and what the whole is. */
export interface ImageSettings {
  /** What the harness does with the image (the schema definition's description). */
  description: string;
  properties: Readonly<Record<string, ImageSetting>>;
  required?: readonly string[];
}

/** What one run's archive (ARTIFACT.md) says about getting a guest's image again. */
export interface ReproductionNote {
  /** The heading of the note, e.g. "seL4" or "Debian disk image". */
  title: string;
  /** One paragraph of Markdown: what the harness builds itself, what the user must supply and how. */
  text: string;
}

/**
 * One per kind of guest: an operating system (`os`), how it is reached (`reach`) and, for an OS
 * with several images, which one (`variant`). Finds or builds its image and says how to boot it with
 * the payload; declares everything else the harness knows of it (config keys, names, notes).
 */
export interface SourceBuildOptions {
  cacheDir: string;
  /** A debug build of the kernel (its console prints; its figures include debug checks). */
  debug: boolean;
  /** A kernel for 2 CPUs. */
  smp: boolean;
  log: (message: string) => void;
}

export interface SourceBuild {
  /** What was built, for the config's image key or the environment variable the adapter reads. */
  dir: string;
  /** One line saying how to run with it. */
  use: string;
}

export interface GuestAdapter {
  /** The operating system, as the config's `os` names it; also what its payload's STREAM_BEGIN says (guest_os). */
  readonly os: GuestOs;
  /** `qemu`: a guest QEMU boots; `ssh`: an existing machine reached over SSH (no QEMU). */
  readonly reach: GuestReach;
  /**
   * The image variant (config `variant`) when the OS has more than one under the same reach; the
   * first adapter of an OS and reach in the registry is the default when a config names none.
   */
  readonly variant?: GuestVariant;
  /**
   * A short stable name of this kind of guest: its folder under harness/guests/ and guests/docs/,
   * `harness build <id>`, the name of its image definition in configs/schema.json.
   */
  readonly id: string;
  /** How people call it, e.g. "GNU Mach", "Linux (Debian disk image)". */
  readonly displayName: string;
  /** Its config `image` keys (configs/schema.json is generated from these: npm run generate:types). */
  readonly image: ImageSettings;
  /** Peer tools (config `peers`) that can run beside the payload; none when undefined. */
  readonly peers?: readonly Peer[];
  /**
   * The metric names its payload has (the benchmark table of guests/<os>/benchmarks.c), in the
   * table's order: what `benchmarks.include` can select. A pattern that matches none of them is
   * refused before anything boots (harness/runner/preflight.ts). test/guests/benchmarks.test.ts
   * ties the list to the C table (no more, no fewer) and to docs/metrics.md.
   */
  readonly benchmarks: readonly string[];
  /**
   * The least guest memory, in MiB, this guest boots and runs its payload with; a config naming
   * less is refused before anything boots (harness/runner/preflight.ts). Each adapter says beside
   * its figure how it was found (measured, or what its docs and configs use). Undefined: the
   * harness does not give the machine its memory (an SSH target).
   */
  readonly minMemoryMiB: number | undefined;
  /** For an archive's reader: how to get this guest's image again. */
  readonly reproduction: ReproductionNote;
  /**
   * A guest small enough to probe KVM with (boot it briefly under -accel kvm): what `accel: auto`
   * boots to find out whether KVM works. The first adapter in the registry that has one is used.
   */
  readonly kvmProbe?: (cacheDir: string) => Promise<{ qemuBinary: string; kernel: string }>;
  /**
   * The config `deploy` methods this guest offers, the first being the default: `initramfs` (the
   * payload packed into the boot image), `ssh` (uploaded and started over SSH). Undefined: the guest
   * has one way of its own (boot modules, a console) and `deploy` is not allowed (configs/schema.json's
   * per-guest rules are generated from this).
   */
  readonly deployMethods?: readonly DeployMethod[];
  /**
   * The guest boots more than one vCPU under tcg-icount: its `prepare` works around QEMU 7.2's
   * round-robin starving the secondary vCPUs at SMP bring-up (Linux), or its kernel was seen to come
   * up without help, deterministically (seL4; harness/qemu/accel.ts effectiveVcpus,
   * docs/icount-smp.md). Without it such guests are made uniprocessor.
   */
  readonly icountSmp?: boolean;
  /**
   * `harness build <id> --source DIR`: builds the guest's kernel from the user's own checkout of
   * the OS into the cache, with the options the harness needs, and says how to use it (the
   * directory for image.buildDir or its environment variable). Undefined: the image comes another way.
   */
  readonly buildFromSource?: (source: string, options: SourceBuildOptions) => Promise<SourceBuild>;
  /**
   * For a guest whose payload marks its timed loops (built with -DHB_ANATOMY when
   * PrepareContext.anatomy is set): what the anatomy plugin needs to read it. Undefined: no anatomy boot.
   */
  readonly anatomy?: AnatomyTarget;
  /** Whether the user-supplied parts exist; when not, why and how to provide them. */
  availability(guest: GuestConfig): Promise<Availability>;
  /** Builds whatever is missing (cached) and returns how to boot it. */
  prepare(guest: GuestConfig, context: PrepareContext): Promise<PreparedGuest>;
}
