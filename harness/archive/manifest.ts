import type { GuestOs } from '../config/types.js';
import type { HostConditions } from '../host/conditions.js';
import type { HostInfo } from '../host/info.js';
import type { VcpuAffinity } from '../runner/events.js';
import type { Accel, AccelChoice } from '../units.js';
import type { ProjectRevision } from './provenance.js';

/** One boot of a guest: how QEMU ran and what the guest reported. */
export interface BootManifest {
  boot: number;
  status: 'done' | 'failed';
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
}

export interface GuestManifest {
  name: string;
  os: GuestOs;
  status: 'done' | 'failed' | 'skipped';
  reason?: string;
  accel?: Accel;
  vcpusConfigured: number;
  vcpusUsed?: number;
  vcpusNote?: string;
  qemuVersion?: string;
  provenance?: Record<string, string>;
  /** Governor, boost, SMT siblings, isolation and load of the pinned CPUs, with warnings. */
  hostConditions?: HostConditions;
  boots: BootManifest[];
}

export interface Manifest {
  schemaVersion: 1;
  runId: string;
  complete: boolean;
  startedAt: string;
  finishedAt?: string;
  command: string[];
  host: HostInfo;
  project: ProjectRevision & { nodeVersion: string };
  config: { file: string; sha256: string; copy: string };
  accel: { requested: AccelChoice; chosen?: Accel; reason?: string };
  bootstrap: { resamples: number; seed: number; method: string };
  guests: GuestManifest[];
}
