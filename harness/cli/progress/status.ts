import type { RunEvent } from '../../lifecycle/events.js';

/** Where the guest being run is; each kind is one phase a person watching would name. */
export type GuestPhase =
  | { kind: 'preparing'; message: string }
  /** QEMU started, its monitor not yet answered. */
  | { kind: 'starting-qemu' }
  /** The guest runs: its kernel boots, then the payload starts; its first record ends this. */
  | { kind: 'booting' }
  | { kind: 'benchmark'; metric: string; received: number; expected: number }
  | { kind: 'between-benchmarks' }
  | { kind: 'shutting-down' };

export interface GuestProgress {
  guest: string;
  /** 0 until the first boot starts. */
  boot: number;
  boots: number;
  /** Benchmarks this boot has begun or skipped, so the current one's position in the payload's list. */
  ordinal: number;
  phase: GuestPhase;
  /** When the phase began, in the clock's milliseconds. */
  phaseSince: number;
}

/** Follows run events to know what the run is doing now; guests run one after another. */
export class RunProgress {
  /** Undefined between guests, and before and after the run. */
  current: GuestProgress | undefined;

  constructor(readonly startedAt: number) {}

  apply(event: RunEvent, now: number): void {
    switch (event.type) {
      case 'guest-preparing':
        return this.enter(event.guest, now, { kind: 'preparing', message: event.message });
      case 'guest-booting': {
        this.enter(event.guest, now, { kind: 'starting-qemu' });
        Object.assign(this.current!, { boot: event.boot, boots: event.boots, ordinal: 0 });
        return;
      }
      case 'vcpus-pinned': // the last step before the guest is let run
        return this.enter(event.guest, now, { kind: 'booting' });
      case 'guest-started':
        return this.enter(event.guest, now, { kind: 'between-benchmarks' });
      case 'benchmark-begin':
        this.enter(event.guest, now, { kind: 'benchmark', metric: event.metric, received: 0, expected: event.iterations });
        this.current!.ordinal++;
        return;
      case 'benchmark-progress': {
        const phase = this.current?.phase;
        // Same benchmark: keep its start time, so the status line's clock says how long it has run.
        if (phase?.kind === 'benchmark' && phase.metric === event.metric) Object.assign(phase, { received: event.received, expected: event.expected });
        else this.enter(event.guest, now, { kind: 'benchmark', metric: event.metric, received: event.received, expected: event.expected });
        return;
      }
      case 'benchmark-skipped':
        this.enter(event.guest, now, { kind: 'between-benchmarks' });
        this.current!.ordinal++;
        return;
      case 'benchmark-end':
      case 'benchmark-failed':
        return this.enter(event.guest, now, { kind: 'between-benchmarks' });
      case 'payload-done':
        return this.enter(event.guest, now, { kind: 'shutting-down' });
      case 'guest-done':
      case 'guest-failed':
      case 'guest-skipped':
      case 'run-done':
        this.current = undefined;
        return;
      case 'run-start':
      case 'accel-chosen':
      case 'host-warning':
      case 'guest-warning':
      case 'job-submitted':
      case 'job-state':
        return;
    }
  }

  private enter(guest: string, now: number, phase: GuestPhase): void {
    if (this.current?.guest !== guest) this.current = { guest, boot: 0, boots: 0, ordinal: 0, phase, phaseSince: now };
    else Object.assign(this.current, { phase, phaseSince: now });
  }
}

/**
 * One line for a terminal, e.g.
 * `[linux] boot 1/1 · #4 ipc.roundtrip.pipe.thread.same · measuring 10000 samples (00:12) · 00:42`;
 * the last clock is the run's. Undefined when no guest is under way.
 */
export function statusLine(progress: RunProgress, now: number): string | undefined {
  const current = progress.current;
  if (!current) return undefined;
  const parts: string[] = [];
  if (current.boot > 0 && current.phase.kind !== 'preparing') parts.push(`boot ${current.boot}/${current.boots}`);
  const inPhase = clock(now - current.phaseSince);
  const phase = current.phase;
  switch (phase.kind) {
    case 'preparing':
      parts.push(`preparing image: ${phase.message}`);
      break;
    case 'starting-qemu':
      parts.push(`starting QEMU (${inPhase})`);
      break;
    case 'booting':
      parts.push(`booting, waiting for the payload (${inPhase})`);
      break;
    case 'benchmark':
      parts.push(`#${current.ordinal} ${phase.metric}`);
      // Samples come only after the guest has measured them all, so until then the useful figure is how long it has measured.
      parts.push(phase.received === 0 ? `measuring ${phase.expected} samples (${inPhase})` : `${phase.received}/${phase.expected} samples`);
      break;
    case 'between-benchmarks':
      parts.push(
        current.ordinal === 0
          ? `payload started, waiting for its first benchmark (${inPhase})`
          : `${current.ordinal} benchmark(s) done, waiting for the next (${inPhase})`,
      );
      break;
    case 'shutting-down':
      parts.push(`payload done, shutting down (${inPhase})`);
      break;
  }
  parts.push(clock(now - progress.startedAt));
  return `[${current.guest}] ${parts.join(' · ')}`;
}

/** mm:ss, or h:mm:ss from an hour on. */
export function clock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const [h, m, s] = [Math.floor(total / 3600), Math.floor(total / 60) % 60, total % 60];
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}
