import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Manifest } from '../rundir/manifest.js';
import { loadConfig } from '../config/index.js';
import type { RunConfig } from '../config/types.js';
import { readBootData } from '../rundir/boot-data.js';
import { streamExpectation } from '../wire/expectation.js';
import { guestFigures, type GuestFigures } from '../analysis/guest-figures.js';
import { groupGuestName, hostGroups } from '../analysis/host-groups.js';
import { RESULTS_SCHEMA_VERSION, type ResultsDocument } from '../analysis/results.js';
import type { BootStream, FigureSamples } from '../analysis/figure-samples.js';
import { renderRunFiles, type RunFile } from './run-files.js';
import type { AnatomyDocument } from '../analysis/anatomy.js';
import { readAnatomyDocuments } from './anatomy-input.js';

/** What a run directory holds that every report is derived from. */
export interface RunData {
  dir: string;
  manifest: Manifest;
  config: RunConfig;
  /** results.json as written, with figures and peers recomputed from the raw data. */
  doc: ResultsDocument;
  streams: BootStream[];
  /**
   * doc.results with the values behind each, as the statistics left them, for renderRunFiles to
   * plot and compare without deriving them again; undefined when any must be derived again.
   */
  figures?: FigureSamples[];
  /** The anatomy documents the manifest records, checked (anatomy-input.ts). */
  anatomy: AnatomyDocument[];
}

async function readJson<T>(path: string, what: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`expected ${what} at ${path}, got none readable`, { cause: error });
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new Error(`expected ${what} at ${path} to be JSON, got text that does not parse`, { cause: error });
  }
}

/**
 * Reads a run directory back to its raw data: the manifest, the config copy, and each boot's
 * data.bin (as many bytes as the runner decoded). Figures and peers are recomputed from those
 * bytes, and the guests' anatomy documents are read as the manifest records them; what was not computed (guests or benchmarks skipped or failed, and why) is taken from
 * results.json as written. A data.bin that no longer reads as the runner read it (damaged since,
 * or a record beyond what the config asked for) gives figures only from the records before the
 * damage, and a `failed` entry naming the byte offset.
 */
export async function loadRunData(dir: string): Promise<RunData> {
  const manifest = await readJson<Manifest>(join(dir, 'manifest.json'), 'a run manifest');
  const written = await readJson<ResultsDocument>(join(dir, 'results.json'), 'a results document');
  if (written.schemaVersion !== RESULTS_SCHEMA_VERSION) {
    throw new Error(`expected results.json schema version ${RESULTS_SCHEMA_VERSION} in ${dir}, got ${String(written.schemaVersion)}`);
  }
  // Pinning, memory and image paths were checked on the host that ran it; this one may differ.
  const config = await loadConfig(join(dir, manifest.config.copy), {
    hostCpus: Number.MAX_SAFE_INTEGER,
    hostMemoryMiB: Number.MAX_SAFE_INTEGER,
    checkImagePaths: false,
    // The command line's --guest, --bench, --iters, ... changed the config the run used.
    ...(manifest.overrides ? { overrides: manifest.overrides } : {}),
  });
  const streams: BootStream[] = [];
  const doc: ResultsDocument = { ...written, results: [], peers: [] };
  let figureSamples: FigureSamples[] | undefined = [];
  for (const guest of manifest.guests) {
    if (guest.status === 'skipped' || !guest.accel) continue;
    const boots: BootStream[] = [];
    const guestConfig = config.guests.find((g) => g.name === guest.name);
    const expectation = guestConfig ? streamExpectation(guestConfig) : undefined;
    for (const boot of guest.boots) {
      const { stream, error } = await readBootData(dir, guest.name, boot, expectation);
      // The runner stopped at the same record and said so in the boot's reason; anything else is new.
      if (error && !(boot.status === 'failed' && boot.reason?.includes(error.message))) {
        doc.failed = [
          ...doc.failed,
          {
            guest: guest.name,
            reason: `boot ${boot.boot}: guests/${guest.name}/boot-${boot.boot}/data.bin does not read as the runner read it: ${error.message}`,
          },
        ];
        doc.complete = false;
      }
      boots.push({ guest: guest.name, boot: boot.boot, stream });
    }
    // Boots that ran on different CPU models (or accelerators) are reported apart, never pooled.
    for (const group of hostGroups(guest, manifest.executor?.jobs)) {
      const name = groupGuestName(guest.name, group);
      const ofGroup = boots.filter((b) => group.boots.includes(b.boot)).map((b) => ({ ...b, guest: name }));
      const figures = guestFigures({ name, os: guest.os }, group.accel, ofGroup, config);
      doc.results.push(...figures.results);
      figureSamples = keptFigures(figureSamples, doc.runId, figures);
      doc.peers!.push(...figures.peers);
      streams.push(...ofGroup);
    }
  }
  const anatomy = await readAnatomyDocuments(dir, manifest);
  return { dir, manifest, config, doc, streams, ...(figureSamples ? { figures: figureSamples } : {}), anatomy };
}

/** The figures so far with the values behind the new ones, or undefined once any has none kept (guest-figures.ts). */
function keptFigures(soFar: FigureSamples[] | undefined, runId: string, figures: GuestFigures): FigureSamples[] | undefined {
  if (!soFar || figures.groups.some((g) => g === undefined)) return undefined;
  return [...soFar, ...figures.results.map((entry, i) => ({ runId, entry, groups: figures.groups[i]! }))];
}

/** The report files of a run directory, derived again from its raw data. */
export async function regenerateRunFiles(dir: string, options: { baseline?: string } = {}): Promise<RunFile[]> {
  const data = await loadRunData(dir);
  return renderRunFiles({
    manifests: [data.manifest],
    doc: data.doc,
    streams: data.streams,
    bootstrap: data.config.bootstrap,
    baseline: options.baseline ?? data.config.report.baseline,
    anatomy: data.anatomy,
    figures: data.figures,
  });
}
