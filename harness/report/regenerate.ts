import { join } from 'node:path';
import type { Manifest } from '../rundir/manifest.js';
import { loadConfig } from '../config/index.js';
import type { RunConfig } from '../config/types.js';
import { readBootData } from '../rundir/boot-data.js';
import { streamExpectation } from '../wire/expectation.js';
import { guestFigures, type GuestFigures } from '../analysis/guest-figures.js';
import { groupGuestName, hostGroups } from '../analysis/host-groups.js';
import type { ResultsDocument } from '../analysis/results.js';
import { parseResultsDocument } from '../analysis/results-check.js';
import { checkConfigCopy, readCheckedManifest, readRunFile } from '../rundir/run-file.js';
import type { BootStream, FigureSamples } from '../analysis/figure-samples.js';
import { renderRunFiles, type RunFile } from './run-files.js';
import type { AnatomyDocument } from '../analysis/anatomy.js';
import { readAnatomyDocuments } from './anatomy-input.js';
import { countRunSamples, MemoryBoundError, samplesWithin } from './memory-bound.js';
import { SampleBoundError, type SampleAllowance } from '../wire/errors.js';

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
  /** Each data.bin that no longer reads as the runner read it: `FILE: at byte N: …`. */
  damaged: string[];
  /** Samples counted before reading (with a memory bound; else undefined): what a merge adds up against its bound. */
  samples?: number;
}

/**
 * Reads a run directory back to its raw data: the manifest, the config copy, and each boot's
 * data.bin (as many bytes as the runner decoded). Figures and peers are recomputed from those
 * bytes, and the guests' anatomy documents are read as the manifest records them; what was not computed (guests or benchmarks skipped or failed, and why) is taken from
 * results.json as written. A data.bin that no longer reads as the runner read it (damaged since,
 * or a record beyond what the config asked for) gives figures only from the records before the
 * damage, and a `failed` entry naming the byte offset.
 */
export async function loadRunData(dir: string, options: LoadOptions = {}): Promise<RunData> {
  // Every file is read checked (rundir/run-file.ts): inside the run, regular, bounded, of the shape the harness writes.
  const manifest = await readCheckedManifest(dir);
  const allowance = await sampleAllowance(dir, manifest, options);
  const written = parseResultsDocument((await readRunFile(dir, 'results.json', 'the results document')).toString('utf8'), join(dir, 'results.json'));
  checkConfigCopy(dir, manifest, await readRunFile(dir, manifest.config.copy, "the run's config copy"));
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
  const damaged: string[] = [];
  let figureSamples: FigureSamples[] | undefined = [];
  for (const guest of manifest.guests) {
    if (guest.status === 'skipped' || !guest.accel) continue;
    const boots: BootStream[] = [];
    const guestConfig = config.guests.find((g) => g.name === guest.name);
    const expectation = guestConfig ? streamExpectation(guestConfig) : undefined;
    for (const boot of guest.boots) {
      const { stream, error } = await readBootData(dir, guest.name, boot, expectation, allowance ? { allowance } : {}).catch((e: unknown) =>
        Promise.reject(e instanceof SampleBoundError ? changedWhileRead(dir, e) : e),
      );
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
        damaged.push(
          `guests/${guest.name}/boot-${boot.boot}/data.bin: does not read as the runner read it (manifest.json boot ${boot.boot} ${boot.status}): ${error.message}`,
        );
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
  const samples = allowance ? { samples: allowance.bound } : {};
  return { dir, manifest, config, doc, streams, ...(figureSamples ? { figures: figureSamples } : {}), anatomy, damaged, ...samples };
}

export interface LoadOptions {
  /**
   * Refuse the run, before any sample is held, when its reports would need more than this
   * (memory-bound.ts: 256 MiB + 24 B a sample); unbounded when absent.
   */
  maxMemoryMiB?: number;
  /** What a refusal names (default `run DIR`): `harness verify` names the archive, not its temporary folder. */
  subject?: string;
  /** Samples the caller already holds (the runs a merge loaded before this one), counted against the same bound. */
  heldSamples?: number;
}

/** The samples the run may bring, counted first and refused beyond the bound; undefined when unbounded. */
async function sampleAllowance(dir: string, manifest: Manifest, { maxMemoryMiB, subject, heldSamples = 0 }: LoadOptions): Promise<SampleAllowance | undefined> {
  if (maxMemoryMiB === undefined) return undefined;
  const samples = await countRunSamples(dir, manifest);
  if (samples + heldSamples > samplesWithin(maxMemoryMiB)) throw new MemoryBoundError(subject ?? `run ${dir}`, samples, maxMemoryMiB, heldSamples);
  // The reading stops too if more arrive than counted: the count is taken, then the files read again.
  return { bound: samples, remaining: samples };
}

/** More samples arrived than were counted before reading: the count is never below what is read, so a data.bin changed in between. */
function changedWhileRead(dir: string, error: SampleBoundError): Error {
  const expected = `expected at most ${error.bound} samples in the data.bin files of ${dir}, as counted before reading them`;
  return new Error(`${expected}, got more: a data.bin changed while it was read`, { cause: error });
}

/** The figures so far with the values behind the new ones, or undefined once any has none kept (guest-figures.ts). */
function keptFigures(soFar: FigureSamples[] | undefined, runId: string, figures: GuestFigures): FigureSamples[] | undefined {
  if (!soFar || figures.groups.some((g) => g === undefined)) return undefined;
  return [...soFar, ...figures.results.map((entry, i) => ({ runId, entry, groups: figures.groups[i]! }))];
}

/** The report files of a run directory, derived again from its raw data. */
export async function regenerateRunFiles(dir: string, options: { baseline?: string } = {}): Promise<RunFile[]> {
  return (await regenerateRunData(dir, options)).files;
}

/**
 * The report files derived again, and for each raw data file that no longer reads as the runner
 * read it, a line naming it and the offset of its first bad record (the `failed` entries the
 * regeneration added): what `harness verify` names before the reports that differ because of it.
 */
export async function regenerateRunData(dir: string, options: { baseline?: string } & LoadOptions = {}): Promise<{ files: RunFile[]; damaged: string[] }> {
  const data = await loadRunData(dir, options);
  const files = await renderRunFiles({
    manifests: [data.manifest],
    doc: data.doc,
    streams: data.streams,
    bootstrap: data.config.bootstrap,
    baseline: options.baseline ?? data.config.report.baseline,
    anatomy: data.anatomy,
    figures: data.figures,
  });
  return { files, damaged: data.damaged };
}
