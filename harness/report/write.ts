import { copyFile } from 'node:fs/promises';
import { AtomicWriteError, writeAtomic } from '../rundir/atomic.js';
import { join } from 'node:path';
import type { Manifest } from '../rundir/manifest.js';
import type { BootstrapConfig } from '../config/types.js';
import type { PeerEntry } from '../analysis/peers.js';
import { RESULTS_SCHEMA_VERSION, type NotRun, type ResultEntry, type ResultsDocument } from '../analysis/results.js';
import type { BootStream } from '../analysis/figure-samples.js';
import { renderResultsJson, renderRunFiles } from './run-files.js';
import { projectRoot } from '../paths.js';
import { readAnatomyDocuments } from './anatomy-input.js';

export const RESULTS_SCHEMA_FILE = 'results.schema.json';
export const resultsSchemaPath = join(projectRoot, 'harness', 'analysis', RESULTS_SCHEMA_FILE);

export interface RunOutputs {
  manifest: Manifest;
  results: ResultEntry[];
  skipped: NotRun[];
  failed: NotRun[];
  /** Absent is the same as none. */
  peers?: PeerEntry[];
  streams: BootStream[];
  bootstrap: BootstrapConfig;
  baseline?: string;
}

export function resultsDocument(manifest: Manifest, outputs: Pick<RunOutputs, 'results' | 'skipped' | 'failed' | 'peers'>): ResultsDocument {
  return {
    $schema: RESULTS_SCHEMA_FILE,
    schemaVersion: RESULTS_SCHEMA_VERSION,
    runId: manifest.runId,
    complete: manifest.complete,
    results: outputs.results,
    skipped: outputs.skipped,
    failed: outputs.failed,
    ...interruptedEntries(manifest),
    peers: outputs.peers ?? [],
  };
}

/**
 * The boots the manifest marks `interrupted`, and guests interrupted before any boot of theirs
 * was: results.json's `interrupted`, absent when there are none. They are not failures (the run
 * is incomplete, and `harness run --resume` runs them again).
 */
function interruptedEntries(manifest: Manifest): { interrupted?: NotRun[] } {
  const why = manifest.interrupted?.reason ?? 'interrupted';
  const entries = manifest.guests.flatMap((guest): NotRun[] => {
    const boots = guest.boots.filter((boot) => boot.status === 'interrupted');
    if (boots.length > 0) return boots.map((boot) => ({ guest: guest.name, reason: `boot ${boot.boot}: ${why}; \`harness run --resume\` boots it again` }));
    return guest.status === 'interrupted' ? [{ guest: guest.name, reason: `${why} before its boots; \`harness run --resume\` runs them` }] : [];
  });
  return entries.length === 0 ? {} : { interrupted: entries };
}

/**
 * (Re)writes the run directory from what is known so far: the manifest and results.json
 * (`reports: false`, after each boot of a local run: a run killed then keeps its figures and
 * failures so far), or the manifest and every derived report.
 */
export async function writeRunOutputs(runDir: string, outputs: RunOutputs, options: { reports?: boolean } = {}): Promise<void> {
  const { manifest } = outputs;
  if (options.reports === false) {
    const { bootstrap, baseline, streams } = outputs;
    const results = renderResultsJson({ doc: resultsDocument(manifest, outputs), streams, bootstrap, baseline });
    await writeAtomic(join(runDir, results.name), results.content);
    await writeAtomic(join(runDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    return;
  }
  const files = await renderRunFiles({
    manifests: [manifest],
    doc: resultsDocument(manifest, outputs),
    streams: outputs.streams,
    bootstrap: outputs.bootstrap,
    baseline: outputs.baseline,
    // Read back from the run directory, as `harness report` reads them, so both give the same bytes.
    anatomy: await readAnatomyDocuments(runDir, manifest),
  });
  const schemaCopy = join(runDir, RESULTS_SCHEMA_FILE);
  await copyFile(resultsSchemaPath, schemaCopy).catch((error: unknown) => {
    throw new AtomicWriteError(schemaCopy, error);
  });
  for (const file of files) await writeAtomic(join(runDir, file.name), file.content);
  await writeAtomic(join(runDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}
