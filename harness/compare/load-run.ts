import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { parseResultsDocument } from '../analysis/results-check.js';
import type { ResultsDocument } from '../analysis/results.js';
import { readRunFile } from '../rundir/run-file.js';
import { figureGroups, type FigureSamples } from '../analysis/figure-samples.js';

export type { FigureSamples } from '../analysis/figure-samples.js';

export interface LoadedRun {
  runId: string;
  dir: string;
  figures: FigureSamples[];
  /** results.json as read and checked (analysis/results-check.ts). */
  doc: ResultsDocument;
}

/**
 * Reads a run directory's results.json and samples.csv and rebuilds each figure's samples: raw
 * ticks minus the overhead the report subtracted, per operation, without the unsettled samples.
 */
export async function loadRun(dir: string): Promise<LoadedRun> {
  const resultsFile = join(dir, 'results.json');
  const text = await readRunFile(dir, 'results.json', 'the results document').catch((error: unknown) => {
    throw new Error(`expected a run directory with results.json at ${dir}, got none readable`, { cause: error });
  });
  const doc = parseResultsDocument(text.toString('utf8'), resultsFile);
  const samplesFile = join(dir, 'samples.csv');
  let rows: Record<string, string>[];
  try {
    rows = parse((await readRunFile(dir, 'samples.csv', 'the samples', MAX_SAMPLES_CSV_BYTES)).toString('utf8'), { columns: true }) as Record<string, string>[];
  } catch (error) {
    throw new Error(`expected ${samplesFile} to be the run's samples (guest,boot,metric,index,raw_ticks), got: ${(error as Error).message}`, { cause: error });
  }
  const raw = new Map<string, number[][]>();
  for (const row of rows) {
    const key = `${row.guest}\u0000${row.metric}`;
    const boots = raw.get(key) ?? [];
    const boot = Number(row.boot) - 1;
    (boots[boot] ??= []).push(Number(row.raw_ticks));
    raw.set(key, boots);
  }
  const figures = doc.results.map((entry, i) => {
    const boots = (raw.get(`${entry.guest}\u0000${entry.metric}`) ?? []).filter((b) => b !== undefined);
    let groups: Float64Array[];
    try {
      groups = figureGroups(entry, boots);
    } catch (error) {
      throw new Error(`${samplesFile} does not hold the samples results.json was computed from`, { cause: error });
    }
    checkMedian(entry, groups, `results.${i}.median in ${resultsFile}`);
    return { runId: doc.runId, entry, groups };
  });
  return { runId: doc.runId, dir, figures, doc };
}

/** samples.csv is read whole: beyond this it is not a run's (and would not fit in one string). */
export const MAX_SAMPLES_CSV_BYTES = 512 * 2 ** 20;

/**
 * A recorded median must be a finite number among the figure's samples: one edited to 1e308 would
 * otherwise be printed beside a ratio computed from the samples, as if nothing were wrong.
 */
function checkMedian(entry: FigureSamples['entry'], groups: readonly Float64Array[], field: string): void {
  let low = Infinity;
  let high = -Infinity;
  for (const group of groups) {
    if (group.length === 0) continue;
    low = Math.min(low, group[0]!);
    high = Math.max(high, group[group.length - 1]!);
  }
  if (!Number.isFinite(entry.median) || (low <= high && (entry.median < low || entry.median > high))) {
    throw new Error(
      `expected ${field} (${entry.guest} ${entry.metric}) to be a median of its samples in samples.csv (between ${low} and ${high}), got ${entry.median}: results.json was edited or damaged`,
    );
  }
}
