import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RESULTS_SCHEMA_VERSION, type NotRun, type ResultEntry, type ResultsDocument } from '../../harness/analysis/results.js';

export interface FixtureFigure {
  entry: ResultEntry;
  /** Raw ticks per boot; the entry's overhead (0 unless set) is subtracted when the run is read back. */
  samples: number[][];
}

/**
 * Writes a run directory as the runner leaves it, as far as `harness compare` and `harness reproduce`
 * read it: results.json, samples.csv and manifest.json (see harness/report/write.ts).
 */
export async function writeRunFixture(
  dir: string,
  run: {
    runId: string;
    figures: FixtureFigure[];
    skipped?: NotRun[];
    failed?: NotRun[];
    guests: { name: string; os: string; status?: string }[];
    hostCpu?: string;
  },
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const doc: ResultsDocument = {
    $schema: 'results.schema.json',
    schemaVersion: RESULTS_SCHEMA_VERSION,
    runId: run.runId,
    complete: (run.failed ?? []).length === 0,
    results: run.figures.map((f) => ({ ...f.entry, boots: f.samples.length })),
    skipped: run.skipped ?? [],
    failed: run.failed ?? [],
    peers: [],
  };
  const rows = ['guest,boot,metric,index,raw_ticks'];
  for (const { entry, samples } of run.figures) {
    samples.forEach((boot, b) => boot.forEach((value, i) => rows.push(`${entry.guest},${b + 1},${entry.metric},${i},${value}`)));
  }
  const manifest = {
    schemaVersion: 1,
    runId: run.runId,
    complete: doc.complete,
    startedAt: '2026-11-27T00:00:00.000Z',
    command: [],
    config: { file: '/configs/fixture.yaml', sha256: '0'.repeat(64), copy: 'config.yaml' },
    host: { hostname: 'test', kernel: 'Linux', cpuModel: run.hostCpu ?? 'Test CPU', cpuFlags: [], logicalCpus: 2, memoryBytes: 0 },
    guests: run.guests.map((g) => ({ name: g.name, os: g.os, status: g.status ?? 'done', vcpusConfigured: 1, boots: [] })),
  };
  await writeFile(join(dir, 'results.json'), `${JSON.stringify(doc, null, 2)}\n`);
  await writeFile(join(dir, 'samples.csv'), `${rows.join('\n')}\n`);
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return dir;
}
