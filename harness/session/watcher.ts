import type { GuestConfig, Timeouts } from '../config/types.js';
import type { EventSink, RunEvent } from '../lifecycle/events.js';
import { DataChannel } from '../wire/data-channel.js';
import { streamExpectation } from '../wire/expectation.js';
import type { StreamEvent } from '../wire/stream.js';

/**
 * Where a boot is, by what its data channel has said: `start` until the guest runs (QEMU started,
 * SSH connecting), `boot` until its first record, `benchmark` while records come, `shutdown` once
 * the last record is in and the guest is left to power off (or the payload to exit).
 */
export type SessionPhase = 'start' | 'boot' | 'benchmark' | 'shutdown';

/** A deadline passed: `stop` in shutdown (all data is in, the guest is only stopped); otherwise the boot failed. */
export type Overdue = { kind: 'stop' } | { kind: 'timeout'; phase: SessionPhase; detail: string };

export interface WatcherOptions {
  /** Named in a timeout's message when the data comes from elsewhere than a local QEMU: "from root@host:22". */
  source?: string;
  /** Milliseconds since the epoch; tests move time themselves. */
  clock?: () => number;
}

/**
 * One boot's data channel, watched the same way for every kind of session: decodes the bytes as
 * they come, emits the run events their records carry, moves the phase on, and keeps the deadline
 * of the phase (boot, longest silence while benchmarks run, last record to exit; config
 * `timeouts`). The session reads bytes and asks `overdue()`; what to stop is the session's own.
 */
export class DataChannelWatcher {
  /** Records beyond what the config asked for (forged ones) stop the stream like damaged ones. */
  readonly channel: DataChannel;
  phase: SessionPhase = 'start';
  /** Bytes fed and decoded. */
  dataBytes = 0;
  private deadline: number;

  constructor(
    private readonly guest: GuestConfig,
    private readonly boot: number,
    private readonly timeouts: Timeouts,
    private readonly emit: EventSink,
    private readonly options: WatcherOptions = {},
  ) {
    this.channel = new DataChannel(streamExpectation(guest));
    this.deadline = this.now() + timeouts.bootSeconds * 1000;
  }

  private now(): number {
    return (this.options.clock ?? Date.now)();
  }

  get complete(): boolean {
    return this.channel.stream.complete;
  }

  /** The guest now runs: the boot deadline starts (again) now, unless `keepDeadline`, when it counts from the session's start. */
  booting(keepDeadline = false): void {
    this.phase = 'boot';
    if (!keepDeadline) this.deadline = this.now() + this.timeouts.bootSeconds * 1000;
  }

  /** Decodes `bytes`; throws at the first bad record, as DataChannel does. */
  feed(bytes: Uint8Array): void {
    this.dataBytes += bytes.length;
    let events = 0;
    this.channel.feed(bytes, (event) => {
      events++;
      const runEvent = toRunEvent(this.guest.name, this.boot, event);
      if (runEvent) this.emit(runEvent);
    });
    if (events === 0) return;
    this.phase = this.channel.stream.complete ? 'shutdown' : 'benchmark';
    const seconds = this.phase === 'shutdown' ? this.timeouts.shutdownSeconds : this.timeouts.benchmarkSeconds;
    this.deadline = this.now() + seconds * 1000;
  }

  /** Whether the phase's deadline has passed, and what that means. */
  overdue(): Overdue | undefined {
    if (this.now() <= this.deadline) return undefined;
    if (this.phase === 'shutdown') return { kind: 'stop' };
    const limit =
      this.phase === 'benchmark' ? `${this.timeouts.benchmarkSeconds} s without data (benchmark timeout)` : `${this.timeouts.bootSeconds} s boot timeout`;
    const from = this.options.source ? ` from ${this.options.source}` : '';
    return { kind: 'timeout', phase: this.phase, detail: `expected data-channel records${from}, got none within the ${limit}` };
  }

  /** "; N bytes of an unfinished record" when the data stopped inside a record, else "". */
  unfinished(): string {
    return this.channel.pendingBytes > 0 ? `; ${this.channel.pendingBytes} bytes of an unfinished record` : '';
  }
}

export function toRunEvent(guest: string, boot: number, event: StreamEvent): RunEvent | undefined {
  switch (event.kind) {
    case 'stream-begin':
      return { type: 'guest-started', guest, boot, kernel: event.info.kernel ?? 'unknown' };
    case 'benchmark-begin':
      return { type: 'benchmark-begin', guest, boot, metric: event.metric, iterations: event.iterations };
    case 'samples':
      return { type: 'benchmark-progress', guest, boot, metric: event.metric, received: event.received, expected: event.expected };
    case 'benchmark-end':
      return { type: 'benchmark-end', guest, boot, benchmark: event.benchmark };
    case 'benchmark-skipped':
      return { type: 'benchmark-skipped', guest, boot, skipped: event.skipped };
    case 'benchmark-failed':
      return { type: 'benchmark-failed', guest, boot, failed: event.failed };
    case 'stream-end':
      return { type: 'payload-done', guest, boot };
    case 'peer': // reported with the figures, not as progress
      return undefined;
  }
}
