import type { RunEvent } from '../../lifecycle/events.js';
import type { RawBenchmark } from '../../wire/stream.js';
import type { Reporter, TextOutput } from './reporter.js';
import { summaryJson } from './summary.js';

/** An Error as JSON: JSON.stringify would give `{}`. Its own scalar fields (a GuestRunError's phase, a system error's code) come along. */
export interface ErrorJson {
  name?: string;
  message: string;
  cause?: ErrorJson;
  [field: string]: string | number | boolean | ErrorJson | undefined;
}

const MAX_CAUSES = 6;

export function errorJson(error: unknown, depth = 0): ErrorJson {
  if (!(error instanceof Error)) return { message: String(error) };
  const json: ErrorJson = { name: error.name, message: error.message };
  for (const [key, value] of Object.entries(error)) {
    if (key !== 'cause' && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) json[key] = value;
  }
  if (error.cause !== undefined && depth < MAX_CAUSES) json.cause = errorJson(error.cause, depth + 1);
  return json;
}

/** A benchmark without its samples, which would make one line of hundreds of kilobytes; samples.csv has them. */
export type BenchmarkJson = Omit<RawBenchmark, 'samples'> & { sampleCount: number };

export type EventJson = Record<string, unknown> & { type: RunEvent['type']; time: string };

/** One event as a JSON object, with the time it was reported. */
export function eventJson(event: RunEvent, time: Date): EventJson {
  const stamped = { type: event.type, time: time.toISOString() };
  switch (event.type) {
    case 'guest-failed':
      return { ...stamped, ...event, error: errorJson(event.error) };
    case 'benchmark-end': {
      const { samples, ...rest } = event.benchmark;
      const benchmark: BenchmarkJson = { ...rest, sampleCount: samples.length };
      return { ...stamped, ...event, benchmark };
    }
    default:
      return { ...stamped, ...event };
  }
}

/** `harness run --json`: every event, then the summary (or the error), as one JSON object per line on stdout. */
export function createJsonReporter(stdout: TextOutput, now: () => number = Date.now): Reporter {
  const line = (value: object) => stdout.write(`${JSON.stringify(value)}\n`);
  const time = () => new Date(now()).toISOString();
  return {
    event: (event) => line(eventJson(event, new Date(now()))),
    finish: (outcome) => {
      const { type, ...summary } = summaryJson(outcome);
      line({ type, time: time(), ...summary });
    },
    abort: (error) => line({ type: 'error', time: time(), error: errorJson(error) }),
  };
}
