import { copyFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Manifest } from '../archive/manifest.js';
import type { GuestConfig } from '../config/types.js';
import { csvField, resultsCsv } from '../report/csv.js';
import { reportMarkdown } from '../report/markdown.js';
import { describeTimer, timerFacts } from '../report/timer.js';
import { RESULTS_SCHEMA_VERSION, type NotRun, type ResultEntry, type ResultsDocument } from '../report/results.js';
import type { PeerEntry } from '../report/peers.js';
import type { GuestStream } from '../wire/stream.js';
import { projectRoot } from '../paths.js';

export const RESULTS_SCHEMA_FILE = 'results.schema.json';
export const resultsSchemaPath = join(projectRoot, 'harness', 'report', RESULTS_SCHEMA_FILE);

export interface RunOutputs {
  manifest: Manifest;
  results: ResultEntry[];
  skipped: NotRun[];
  failed: NotRun[];
  /** Absent is the same as none. */
  peers?: PeerEntry[];
  streams: { guest: GuestConfig; boot: number; stream: GuestStream }[];
}

/** Write-then-rename, so an interrupted run leaves the previous complete file rather than half a file. */
async function writeAtomic(path: string, text: string): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}

export function samplesCsv(streams: RunOutputs['streams']): string {
  const lines = ['guest,boot,metric,index,raw_ticks'];
  for (const { guest, boot, stream } of streams) {
    for (const bench of stream.benchmarks) {
      const prefix = `${csvField(guest.name)},${boot},${csvField(bench.metric)},`;
      bench.samples.forEach((value, index) => lines.push(`${prefix}${index},${value}`));
    }
  }
  return lines.join('\n') + '\n';
}

/** (Re)writes every file of the run directory from what is known so far; called after each guest. */
export async function writeRunOutputs(runDir: string, outputs: RunOutputs): Promise<void> {
  const { manifest } = outputs;
  const doc: ResultsDocument = {
    $schema: RESULTS_SCHEMA_FILE,
    schemaVersion: RESULTS_SCHEMA_VERSION,
    runId: manifest.runId,
    complete: manifest.complete,
    results: outputs.results,
    skipped: outputs.skipped,
    failed: outputs.failed,
    peers: outputs.peers ?? [],
  };
  await copyFile(resultsSchemaPath, join(runDir, RESULTS_SCHEMA_FILE));
  await writeAtomic(join(runDir, 'results.json'), `${JSON.stringify(doc, null, 2)}\n`);
  await writeAtomic(join(runDir, 'results.csv'), resultsCsv(outputs.results));
  await writeAtomic(join(runDir, 'samples.csv'), samplesCsv(outputs.streams));
  await writeAtomic(join(runDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeAtomic(
    join(runDir, 'report.md'),
    reportMarkdown(doc, {
      createdAt: manifest.startedAt,
      guests: manifest.guests
        .filter((g) => g.status !== 'skipped')
        .map((g) => ({
          name: g.name,
          accel: g.accel ?? 'none',
          accelReason: manifest.accel.reason ?? '',
          vcpus: g.vcpusUsed ?? g.vcpusConfigured,
          boots: g.boots.length,
          hostWarnings: g.hostConditions?.warnings ?? [],
          kernel: g.boots[0]?.guestInfo.kernel ?? 'unknown',
          timer: g.boots[0] ? describeTimer(timerFacts(g.boots[0].guestInfo)) : 'unknown',
        })),
    }),
  );
}
