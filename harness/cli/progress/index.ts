import { createJsonReporter } from './json.js';
import { createLiveReporter } from './live.js';
import { createPlainReporter } from './plain.js';
import type { Reporter, ReporterOutputs } from './reporter.js';

export type { Reporter, ReporterOutputs, TextOutput } from './reporter.js';

/** live: status line redrawn on a terminal; lines: one line per event; json: JSON lines on stdout. */
export type ReporterKind = 'live' | 'lines' | 'json';

export interface ReporterChoice {
  /** --json */
  json: boolean;
  /** Whether stderr, where progress goes, is a terminal. */
  isTTY: boolean;
  /** $TERM: a "dumb" terminal does not understand the erase-line sequence. */
  term?: string;
}

export function chooseReporterKind({ json, isTTY, term }: ReporterChoice): ReporterKind {
  if (json) return 'json';
  return isTTY && term !== 'dumb' ? 'live' : 'lines';
}

export function createReporter(kind: ReporterKind, outputs: ReporterOutputs): Reporter {
  switch (kind) {
    case 'live':
      return createLiveReporter(outputs);
    case 'lines':
      return createPlainReporter(outputs);
    case 'json':
      return createJsonReporter(outputs.stdout);
  }
}
