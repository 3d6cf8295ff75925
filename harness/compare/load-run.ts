import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { ResultsDocument } from '../analysis/results.js';
import { RESULTS_SCHEMA_VERSION } from '../analysis/results.js';
import { figureGroups, type FigureSamples } from '../analysis/figure-samples.js';

export type { FigureSamples } from '../analysis/figure-samples.js';

export interface LoadedRun {
  runId: string;
  dir: string;
  figures: FigureSamples[];
}

/**
 * Reads a run directory's results.json and samples.csv and rebuilds each figure's samples: raw
 * ticks minus the overhead the report subtracted, per operation, without the unsettled samples.
 */
export async function loadRun(dir: string): Promise<LoadedRun> {
  let doc: ResultsDocument;
  try {
    doc = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as ResultsDocument;
  } catch (error) {
    throw new Error(`expected a run directory with results.json at ${dir}, got none readable`, { cause: error });
  }
  if (doc.schemaVersion !== RESULTS_SCHEMA_VERSION) {
    throw new Error(`expected results.json schema version ${RESULTS_SCHEMA_VERSION} in ${dir}, got ${String(doc.schemaVersion)}`);
  }
  const rows = parse(await readFile(join(dir, 'samples.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  const raw = new Map<string, number[][]>();
  for (const row of rows) {
    const key = `${row.guest}\u0000${row.metric}`;
    const boots = raw.get(key) ?? [];
    const boot = Number(row.boot) - 1;
    (boots[boot] ??= []).push(Number(row.raw_ticks));
    raw.set(key, boots);
  }
  const figures = doc.results.map((entry) => {
    const boots = (raw.get(`${entry.guest}\u0000${entry.metric}`) ?? []).filter((b) => b !== undefined);
    try {
      return { runId: doc.runId, entry, groups: figureGroups(entry, boots) };
    } catch (error) {
      throw new Error(`${dir}/samples.csv does not hold the samples results.json was computed from`, { cause: error });
    }
  });
  return { runId: doc.runId, dir, figures };
}
