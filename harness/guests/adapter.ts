import type { ConsoleSession } from '../console/session.js';
import type { GuestConfig, GuestOs, Timeouts } from '../config/types.js';
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
  /** Whether the user-supplied parts exist; when not, why and how to provide them. */
  availability(guest: GuestConfig): Promise<Availability>;
  /** Builds whatever is missing (cached) and returns how to boot it. */
  prepare(guest: GuestConfig, context: PrepareContext): Promise<PreparedGuest>;
}
