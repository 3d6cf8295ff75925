import type { RunEvent } from '../../../harness/lifecycle/events.js';
import type { RawBenchmark } from '../../../harness/wire/stream.js';
import type { Schedule } from '../../../harness/cli/progress/live.js';

/** A stream that records what is written, and whether it claims to be a terminal. */
export class FakeOutput {
  readonly writes: string[] = [];
  constructor(
    readonly isTTY = false,
    readonly columns?: number,
  ) {}

  write(text: string): boolean {
    this.writes.push(text);
    return true;
  }

  get text(): string {
    return this.writes.join('');
  }

  /** What a terminal would show: erase-line and carriage return honoured, the last element the line the cursor is on. */
  screen(): string[] {
    const lines: string[] = [];
    let current = '';
    for (const piece of this.text.split(/(\r\x1b\[2K|\n)/)) {
      if (piece === '\r\x1b[2K') current = '';
      else if (piece === '\n') {
        lines.push(current);
        current = '';
      } else current += piece;
    }
    return [...lines, current];
  }
}

/** A clock and timers moved by hand. */
export class FakeTime {
  now = 0;
  private timers: { at: number; callback: () => void; cancelled: boolean }[] = [];

  readonly clock = () => this.now;

  readonly schedule: Schedule = (callback, ms) => {
    const timer = { at: this.now + ms, callback, cancelled: false };
    this.timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  };

  get pending(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /** Moves the clock on, running each timer that falls due at its time. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      const due = this.timers.filter((t) => !t.cancelled && t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.now = Math.max(this.now, due.at);
      due.callback();
    }
    this.now = end;
  }
}

export function rawBenchmark(metric: string, samples: number): RawBenchmark {
  return {
    metric,
    mechanism: 'm',
    unit: 'ticks',
    iterations: samples,
    warmup: 0,
    opsPerSample: 1,
    vcpus: '0',
    affinity: '0',
    timerOverhead: 20,
    timerOverheadAfter: 21,
    samples: Float64Array.from({ length: samples }, (_, i) => 100 + i),
  };
}

/** One guest, one boot, two benchmarks: what a short Linux run emits. */
export function linuxRunEvents(): RunEvent[] {
  return [
    { type: 'run-start', runId: 'r1', runDir: '/results/r1', guests: ['linux'] },
    { type: 'accel-chosen', accel: 'tcg-icount', reason: 'asked for' },
    { type: 'guest-preparing', guest: 'linux', message: 'linux: building payload' },
    { type: 'guest-booting', guest: 'linux', boot: 1, boots: 1, argv: ['qemu'], vcpus: 1 },
    { type: 'vcpus-pinned', guest: 'linux', affinity: [{ vcpu: 0, threadId: 42, hostCpus: '0', requested: 0 }] },
    { type: 'guest-started', guest: 'linux', boot: 1, kernel: '6.1.0' },
    { type: 'benchmark-begin', guest: 'linux', boot: 1, metric: 'syscall.null', iterations: 10 },
    { type: 'benchmark-progress', guest: 'linux', boot: 1, metric: 'syscall.null', received: 6, expected: 10 },
    { type: 'benchmark-progress', guest: 'linux', boot: 1, metric: 'syscall.null', received: 10, expected: 10 },
    { type: 'benchmark-end', guest: 'linux', boot: 1, benchmark: rawBenchmark('syscall.null', 10) },
    { type: 'benchmark-skipped', guest: 'linux', boot: 1, skipped: { metric: 'ipc.roundtrip.pipe.thread.cross', reason: 'needs 2 vCPUs' } },
    { type: 'payload-done', guest: 'linux', boot: 1 },
    { type: 'guest-done', guest: 'linux', boot: 1, seconds: 41.5 },
    { type: 'run-done', runDir: '/results/r1', complete: true },
  ];
}
