import { eventLine } from './event-line.js';
import type { Reporter, ReporterOutputs } from './reporter.js';
import { summaryText } from './summary.js';

/** For logs and pipes: a line per event on stderr, nothing redrawn, the summary on stdout. */
export function createPlainReporter({ stdout, stderr }: ReporterOutputs): Reporter {
  return {
    event: (event) => {
      const line = eventLine(event);
      if (line !== undefined) stderr.write(`${line}\n`);
    },
    finish: (outcome) => stdout.write(summaryText(outcome)),
    abort: () => undefined, // the CLI prints the error
  };
}
