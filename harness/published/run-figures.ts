import { lstat } from 'node:fs/promises';
import { join } from 'node:path';

import type { Manifest } from '../rundir/manifest.js';
import { loadRun, type FigureSamples } from '../compare/load-run.js';
import type { NotRun } from '../analysis/results.js';
import { readCheckedManifest } from '../rundir/run-file.js';

/** A run's figures with what explains the ones it lacks: which guests it had, skipped and failed. */
export interface RunFigures {
  runId: string;
  dir: string;
  figures: FigureSamples[];
  /** From manifest.json; absent when the manifest is missing or unreadable. */
  hostCpu?: string;
  guests: { name: string; os: string }[];
  skipped: NotRun[];
  failed: NotRun[];
}

/** Reads a run directory: figures with samples (loadRun), plus results.json's skipped and failed and the manifest's guests. */
export async function loadRunFigures(dir: string): Promise<RunFigures> {
  const run = await loadRun(dir);
  // loadRun has read and checked results.json; only the lists it does not use are taken here.
  const doc = run.doc;
  const manifest = await readManifest(dir);
  const guests = manifest
    ? manifest.guests.map((g) => ({ name: g.name, os: g.os }))
    : // Without a manifest, the figures name their guests' OSes; a guest with none is taken to be named after its OS.
      [
        ...new Map<string, string>([
          ...doc.skipped.map((s) => [s.guest, s.guest] as const),
          ...run.figures.map((f) => [f.entry.guest, f.entry.os] as const),
        ]).entries(),
      ].map(([name, os]) => ({ name, os }));
  return {
    runId: run.runId,
    dir,
    figures: run.figures,
    ...(manifest?.host?.cpuModel ? { hostCpu: manifest.host.cpuModel } : {}),
    guests,
    skipped: doc.skipped ?? [],
    failed: doc.failed ?? [],
  };
}

/** The run's manifest, checked (rundir/run-file.ts); undefined only when there is none: an edited one is named, not ignored. */
async function readManifest(dir: string): Promise<Manifest | undefined> {
  // The manifest only names guests and the host CPU; the comparison stands without it.
  if (
    !(await lstat(join(dir, 'manifest.json')).then(
      () => true,
      () => false,
    ))
  )
    return undefined;
  return readCheckedManifest(dir);
}
