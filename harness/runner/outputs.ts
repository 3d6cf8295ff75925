import { copyFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Manifest } from '../archive/manifest.js';
import type { BootstrapConfig } from '../config/types.js';
import type { PeerEntry } from '../report/peers.js';
import { RESULTS_SCHEMA_VERSION, type NotRun, type ResultEntry, type ResultsDocument } from '../report/results.js';
import { renderRunFiles, type BootStream } from '../report/run-files.js';
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
  streams: BootStream[];
  bootstrap: BootstrapConfig;
  baseline?: string;
}

/** A file of the run directory could not be written; `path` is the file meant, not its temporary. */
export class AtomicWriteError extends Error {
  constructor(readonly path: string, cause: unknown) {
    super(`could not write ${path}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'AtomicWriteError';
  }
}

/** The file operations writeAtomic uses; tests replace them to inject faults. */
export const atomicFs = { writeFile, rename, unlink };

/**
 * Write-then-rename, so an interrupted run leaves the previous complete file rather than half a
 * file: the content goes to PATH.tmp-PID, is flushed to disk, and only then renamed over PATH, which
 * the kernel does in one step. A crash at any point leaves PATH as it was (and perhaps the
 * temporary, which `harness run --resume` and `harness archive` ignore).
 */
export async function writeAtomic(path: string, content: string | Uint8Array): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}`;
  try {
    await atomicFs.writeFile(temporary, content, { flush: true });
    await atomicFs.rename(temporary, path);
  } catch (error) {
    await atomicFs.unlink(temporary).catch(() => undefined);
    throw new AtomicWriteError(path, error);
  }
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
    peers: outputs.peers ?? [],
  };
}

/** (Re)writes every file of the run directory from what is known so far; called after each boot. */
export async function writeRunOutputs(runDir: string, outputs: RunOutputs, options: { reports?: boolean } = {}): Promise<void> {
  const { manifest } = outputs;
  if (options.reports === false) {
    await writeAtomic(join(runDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    return;
  }
  const files = await renderRunFiles({
    manifests: [manifest],
    doc: resultsDocument(manifest, outputs),
    streams: outputs.streams,
    bootstrap: outputs.bootstrap,
    baseline: outputs.baseline,
  });
  const schemaCopy = join(runDir, RESULTS_SCHEMA_FILE);
  await copyFile(resultsSchemaPath, schemaCopy).catch((error: unknown) => {
    throw new AtomicWriteError(schemaCopy, error);
  });
  for (const file of files) await writeAtomic(join(runDir, file.name), file.content);
  await writeAtomic(join(runDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}
