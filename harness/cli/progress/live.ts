import type { RunEvent } from '../../lifecycle/events.js';
import { eventLine, isLasting } from './event-line.js';
import type { Reporter, ReporterOutputs } from './reporter.js';
import { RunProgress, statusLine } from './status.js';
import { summaryText } from './summary.js';

/** Runs `callback` after `ms`; returns a function that cancels it. */
export type Schedule = (callback: () => void, ms: number) => () => void;

export interface LiveOptions {
  now?: () => number;
  schedule?: Schedule;
  /** Fewest milliseconds between two redraws: sample records can come in quick bursts. */
  minRedrawMs?: number;
}

/** Carriage return, then erase the whole line: the only terminal control this needs. */
const ERASE_LINE = '\r\x1b[2K';
const MIN_REDRAW_MS = 100;

// Unref'd so that a reporter never closed cannot keep the process alive.
const realSchedule: Schedule = (callback, ms) => {
  const timer = setTimeout(callback, ms);
  timer.unref();
  return () => clearTimeout(timer);
};

/**
 * For a person at a terminal: lasting events print as lines, and below them one status line
 * (guest, boot, phase, benchmark, samples, clocks) is redrawn in place, on stderr.
 */
export function createLiveReporter(outputs: ReporterOutputs, options: LiveOptions = {}): Reporter {
  return new LiveReporter(outputs, options);
}

class LiveReporter implements Reporter {
  private readonly now: () => number;
  private readonly schedule: Schedule;
  private readonly minRedrawMs: number;
  private readonly progress: RunProgress;
  /** What the status line shows now; undefined when the cursor is at the start of an empty line. */
  private shown: string | undefined;
  private lastRedraw = Number.NEGATIVE_INFINITY;
  private cancelRedraw: (() => void) | undefined;
  private cancelTick: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly outputs: ReporterOutputs,
    options: LiveOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.schedule = options.schedule ?? realSchedule;
    this.minRedrawMs = options.minRedrawMs ?? MIN_REDRAW_MS;
    this.progress = new RunProgress(this.now());
  }

  event(event: RunEvent): void {
    const line = isLasting(event) || this.closed ? eventLine(event) : undefined;
    if (line !== undefined) {
      this.erase();
      this.outputs.stderr.write(`${line}\n`);
    }
    if (this.closed) return;
    this.progress.apply(event, this.now());
    this.requestRedraw();
  }

  finish(outcome: Parameters<Reporter['finish']>[0]): void {
    this.close();
    this.outputs.stdout.write(summaryText(outcome));
  }

  abort(): void {
    this.close();
  }

  private close(): void {
    this.closed = true;
    this.cancelRedraw?.();
    this.cancelTick?.();
    this.cancelRedraw = this.cancelTick = undefined;
    this.erase();
  }

  private erase(): void {
    if (this.shown === undefined) return;
    this.outputs.stderr.write(ERASE_LINE);
    this.shown = undefined;
  }

  /** Redraws now, or once the throttle allows; many requests in between make one redraw. */
  private requestRedraw(): void {
    if (this.cancelRedraw) return;
    const wait = this.lastRedraw + this.minRedrawMs - this.now();
    if (wait <= 0) return this.redraw();
    this.cancelRedraw = this.schedule(() => {
      this.cancelRedraw = undefined;
      this.redraw();
    }, wait);
  }

  private redraw(): void {
    const now = this.now();
    const status = statusLine(this.progress, now);
    const line = status === undefined ? undefined : fitWidth(status, this.outputs.stderr.columns);
    if (line !== this.shown) {
      this.outputs.stderr.write(line === undefined ? ERASE_LINE : `${ERASE_LINE}${line}`);
      this.shown = line;
      this.lastRedraw = now;
    }
    this.cancelTick?.();
    this.cancelTick = undefined;
    if (status !== undefined) {
      // The clocks show whole seconds; wake just after the next one turns, even if no event comes.
      const toNextSecond = 1000 - ((now - this.progress.startedAt) % 1000);
      this.cancelTick = this.schedule(() => {
        this.cancelTick = undefined;
        this.requestRedraw();
      }, toNextSecond);
    }
  }
}

/** A line that wraps could not be erased by ERASE_LINE, so a long one is cut to the terminal's width. */
export function fitWidth(line: string, columns: number | undefined): string {
  if (columns === undefined || columns < 2 || line.length < columns) return line;
  return `${line.slice(0, columns - 2)}…`;
}
