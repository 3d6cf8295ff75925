import type { Accel } from '../units.js';
import type { RawBenchmark, SkippedBenchmark } from '../wire/stream.js';

/** What a run reports as it goes; the CLI's reporter prints these, tests collect them. */
export type RunEvent =
  | { type: 'run-start'; runId: string; runDir: string; guests: string[] }
  | { type: 'accel-chosen'; accel: Accel; reason: string }
  | { type: 'guest-skipped'; guest: string; reason: string; howTo?: string }
  | { type: 'guest-preparing'; guest: string; message: string }
  | { type: 'host-warning'; guest: string; warning: string }
  | { type: 'guest-booting'; guest: string; boot: number; argv: string[]; vcpus: number }
  | { type: 'vcpus-pinned'; guest: string; affinity: VcpuAffinity[] }
  | { type: 'guest-started'; guest: string; kernel: string }
  | { type: 'benchmark-begin'; guest: string; metric: string }
  | { type: 'benchmark-end'; guest: string; benchmark: RawBenchmark }
  | { type: 'benchmark-skipped'; guest: string; skipped: SkippedBenchmark }
  | { type: 'benchmark-failed'; guest: string; failed: SkippedBenchmark }
  | { type: 'guest-done'; guest: string; seconds: number }
  | { type: 'guest-failed'; guest: string; error: Error }
  | { type: 'run-done'; runDir: string; complete: boolean };

export interface VcpuAffinity {
  vcpu: number;
  threadId: number;
  /** Host CPU list as read back from /proc after pinning, e.g. "1". */
  hostCpus: string;
  /** The CPU the config asked for, if any. */
  requested?: number;
}

export type EventSink = (event: RunEvent) => void;
