import type { GuestConfig, Timeouts } from '../config/types.js';
import type { VcpuAffinity } from '../host/affinity.js';
import type { EventSink } from '../lifecycle/events.js';
import type { QemuExit } from '../qemu/process.js';
import type { GuestStream } from '../wire/stream.js';
import type { GuestRunError } from './errors.js';

/** One boot to run: which guest, where its files go, and the deadlines it runs under. */
export interface SessionRequest {
  guest: GuestConfig;
  /** Which boot of the guest this is, from 1. */
  boot?: number;
  /** Boots the guest has in all, for progress; default `benchmarks.boots`. */
  boots?: number;
  /** Where console.log and data.bin go. */
  guestDir: string;
  timeouts: Timeouts;
  emit: EventSink;
  /** Aborted on SIGINT/SIGTERM: the guest (or payload) is stopped, and the result says `interrupted`. */
  signal?: AbortSignal;
  /** How often the data channel and the deadlines are looked at; short enough that timeouts are precise. */
  pollMs?: number;
}

/** How one boot went; a session never throws for the guest's faults, it returns them in `error`. */
export interface SessionResult {
  /** What arrived, complete or not: completed benchmarks are kept even when the guest failed later. */
  stream: GuestStream;
  /** Bytes of data.bin read and decoded into `stream`. */
  dataBytes: number;
  argv: string[];
  affinity: VcpuAffinity[];
  exit: QemuExit | undefined;
  error: GuestRunError | undefined;
  /** Set when the boot was stopped by `signal` ("interrupted by SIGINT"); `error` says where it was. */
  interrupted?: string;
  seconds: number;
  /** Busy fraction of the pinned CPUs during the run not accounted for by QEMU; undefined when unpinned or not measured. */
  otherLoad: number | undefined;
}

/**
 * How a prepared guest is booted and its data channel read: a QEMU guest (qemu-session.ts) or an
 * SSH target running the payload (ssh-session.ts). Both watch the data channel the same way
 * (watcher.ts): the same phases, deadlines, events and failures.
 */
export interface Session {
  readonly kind: 'qemu' | 'ssh';
  run(request: SessionRequest): Promise<SessionResult>;
}
