import type { ConsoleSession } from '../console/session.js';
import type { DeployMethod, GuestConfig, GuestOs, Timeouts } from '../config/types.js';
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
  cpuModel?: string;
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
   * An existing machine instead of a QEMU guest (`os: ssh`): each boot is an SSH session running
   * the payload there (harness/session/ssh-session.ts); `boot` is then unused.
   */
  target?: SshTargetRun;
  /** The CPU conditions to record instead of this host's (an ssh target's, read over SSH). */
  conditions?: HostConditions;
}

export type Availability = { available: true } | { available: false; reason: string; howTo: string };

export interface PrepareContext {
  cacheDir: string;
  accel: Accel;
  /** vCPUs the guest will get, which can be fewer than configured (icount guests are uniprocessor). */
  vcpus: number;
  /** The run's timeouts, for adapters whose console steps need their own. */
  timeouts: Timeouts;
  log: (message: string) => void;
}

/** One per guest OS: finds or builds its image and says how to boot it with the payload. */
export interface GuestAdapter {
  readonly os: GuestOs;
  /**
   * The config `deploy` methods this guest offers, the first being the default: `initramfs` (the
   * payload packed into the boot image), `ssh` (uploaded and started over SSH). Undefined: the guest
   * has one way of its own (boot modules, a console) and `deploy` is not allowed. configs/schema.json
   * says the same per OS (test/deploy/capability.test.ts checks they agree).
   */
  readonly deployMethods?: readonly DeployMethod[];
  /** True when the payload runs on an existing machine, not under QEMU: no accelerator is chosen and no QEMU needed. */
  readonly withoutQemu?: boolean;
  /** Whether the user-supplied parts exist; when not, why and how to provide them. */
  availability(guest: GuestConfig): Promise<Availability>;
  /** Builds whatever is missing (cached) and returns how to boot it. */
  prepare(guest: GuestConfig, context: PrepareContext): Promise<PreparedGuest>;
}
