import type { RunEvent } from '../../lifecycle/events.js';
import type { RunOutcome } from '../../runner/run.js';

/** How `harness run` shows a run: live on a terminal, as log lines, or as JSON lines. */
export interface Reporter {
  event(event: RunEvent): void;
  /** The run ended with this outcome: ends any live output, then prints the summary. */
  finish(outcome: RunOutcome): void;
  /** The command failed before or during the run; ends any live output. The caller still throws the error on. */
  abort(error: unknown): void;
}

/** The part of a process stream a reporter uses, so tests can pass a fake. */
export interface TextOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  /** Terminal width, when the stream is one. */
  columns?: number;
}

export interface ReporterOutputs {
  /** The summary, and with --json everything. */
  stdout: TextOutput;
  /** Progress for a person. */
  stderr: TextOutput;
}
