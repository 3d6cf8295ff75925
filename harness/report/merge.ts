import type { Manifest } from '../rundir/manifest.js';
import type { BootstrapConfig } from '../config/types.js';
import { unitForAccel } from '../units.js';
import type { RunData } from './regenerate.js';
import type { ResultsDocument } from '../analysis/results.js';
import type { BootStream } from '../analysis/figure-samples.js';
import type { RunFilesInput } from './run-files.js';
import type { AnatomyDocument } from '../analysis/anatomy.js';

/** One run given to a merge, and which of its guests to take (all when absent). */
export interface MergeSource {
  data: RunData;
  guests?: string[];
}

export interface MergeOptions {
  runId: string;
  /** Put figures of different units (accelerator modes) in one report; they are still never compared. */
  allowMixedModes: boolean;
  baseline?: string;
}

/** Where each merged guest came from, written beside the merged report. */
export interface MergedFrom {
  dir: string;
  runId: string;
  guests: string[];
}

export class MergeError extends Error {
  override name = 'MergeError';
}

/**
 * Several runs' figures in one report, e.g. Linux from one run and seL4 from another. Guests must
 * have distinct names, and figures of different units are refused unless asked for: a reader of
 * the merged report would otherwise take guest instructions and emulator ticks for one scale.
 */
export function mergeRuns(sources: readonly MergeSource[], options: MergeOptions): { input: RunFilesInput; from: MergedFrom[] } {
  if (sources.length === 0) throw new MergeError('expected at least one run to merge, got none');
  const seen = new Map<string, string>();
  const from: MergedFrom[] = [];
  const manifests: Manifest[] = [];
  const streams: BootStream[] = [];
  const anatomy: AnatomyDocument[] = [];
  const doc: ResultsDocument = { ...sources[0]!.data.doc, runId: options.runId, complete: true, results: [], skipped: [], failed: [], peers: [] };
  for (const { data, guests: wanted } of sources) {
    const available = data.manifest.guests.map((g) => g.name);
    for (const name of wanted ?? []) {
      if (!available.includes(name)) throw new MergeError(`expected guest ${name} in ${data.dir}, got ${available.join(', ') || 'no guests'}`);
    }
    const picked = wanted ?? available;
    for (const name of picked) {
      const other = seen.get(name);
      if (other !== undefined) {
        throw new MergeError(`guest ${name} is in both ${other} and ${data.dir}; take only some guests of a run with RUN:guest,guest`);
      }
      seen.set(name, data.dir);
    }
    const keep = <T extends { guest: string }>(items: readonly T[]) => items.filter((i) => picked.includes(i.guest));
    doc.results.push(...keep(data.doc.results));
    doc.skipped.push(...keep(data.doc.skipped));
    doc.failed.push(...keep(data.doc.failed));
    doc.peers!.push(...keep(data.doc.peers ?? []));
    doc.complete &&= data.doc.complete;
    streams.push(...keep(data.streams));
    anatomy.push(...data.anatomy.filter((a) => picked.includes(a.guest)));
    manifests.push({ ...data.manifest, guests: data.manifest.guests.filter((g) => picked.includes(g.name)) });
    from.push({ dir: data.dir, runId: data.manifest.runId, guests: picked });
  }
  checkModes(manifests, options.allowMixedModes);
  if (options.baseline !== undefined && !seen.has(options.baseline)) {
    throw new MergeError(`expected the baseline to be one of the merged guests (${[...seen.keys()].join(', ')}), got ${options.baseline}`);
  }
  return { input: { manifests, doc, streams, bootstrap: sameBootstrap(sources), baseline: options.baseline, anatomy }, from };
}

function checkModes(manifests: readonly Manifest[], allowMixed: boolean): void {
  const byUnit = new Map<string, string[]>();
  for (const manifest of manifests) {
    for (const guest of manifest.guests) {
      if (!guest.accel) continue;
      const key = `${unitForAccel(guest.accel)} (${guest.accel})`;
      byUnit.set(key, [...(byUnit.get(key) ?? []), `${guest.name} of ${manifest.runId}`]);
    }
  }
  if (byUnit.size > 1 && !allowMixed) {
    const listing = [...byUnit].map(([unit, guests]) => `${unit}: ${guests.join(', ')}`).join('; ');
    throw new MergeError(
      `refusing to merge figures of different units: ${listing}. A ratio between them would compare different quantities; ` +
        'pass --allow-mixed-modes to put them in one report anyway (each unit gets its own tables and nothing is compared across units)',
    );
  }
}

/** CIs of the merged report are recomputed with one bootstrap; runs that asked for different ones are told apart. */
function sameBootstrap(sources: readonly MergeSource[]): BootstrapConfig {
  const first = sources[0]!.data.config.bootstrap;
  for (const { data } of sources) {
    const b = data.config.bootstrap;
    if (b.resamples !== first.resamples || b.seed !== first.seed) {
      throw new MergeError(
        `expected every merged run to use one bootstrap (${first.resamples} resamples, seed ${first.seed}), got ${b.resamples} resamples, seed ${b.seed} in ${data.dir}`,
      );
    }
  }
  return first;
}
