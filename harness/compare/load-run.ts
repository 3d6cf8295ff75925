import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { ResultEntry, ResultsDocument } from '../report/results.js';
import { RESULTS_SCHEMA_VERSION } from '../report/results.js';
import { subtractOverhead } from '../stats/index.js';

/** A figure with the per-operation samples behind it, one group per boot, as the report used them. */
export interface FigureSamples {
  runId: string;
  entry: ResultEntry;
  groups: number[][];
}

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
    if (boots.length !== entry.boots) throw new Error(`expected ${entry.boots} boots of samples for ${entry.guest} ${entry.metric} in ${dir}/samples.csv, got ${boots.length}`);
    const groups = boots.map((samples, i) =>
      subtractOverhead(samples, entry.timerOverhead.subtracted, entry.opsPerSample).values.slice(entry.settling.droppedPerBoot[i] ?? 0),
    );
    return { runId: doc.runId, entry, groups };
  });
  return { runId: doc.runId, dir, figures };
}
