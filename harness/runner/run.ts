import { copyFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createRunDirectory } from '../archive/run-dir.js';
import type { GuestManifest, Manifest } from '../archive/manifest.js';
import { readProjectRevision } from '../archive/provenance.js';
import type { RunConfig } from '../config/types.js';
import { adapterFor } from '../guests/registry.js';
import { DEFAULT_KERNEL_PACKAGE } from '../guests/linux/adapter.js';
import { fetchDebianKernel } from '../guests/linux/kernel.js';
import { readHostInfo } from '../host/info.js';
import { chooseAccel, probeKvm, type AccelDecision } from '../qemu/accel.js';
import { DEFAULT_RESAMPLES } from '../stats/index.js';
import type { PeerEntry } from '../report/peers.js';
import type { NotRun, ResultEntry } from '../report/results.js';
import type { AccelChoice } from '../units.js';
import { writeRunOutputs } from './outputs.js';
import type { EventSink } from './events.js';
import { runGuest, type GuestOutcome } from './run-guest.js';

export interface RunOptions {
  /** Overrides the config's accel. */
  accel?: AccelChoice;
  emit: EventSink;
  command?: string[];
}

export interface RunOutcome {
  runId: string;
  runDir: string;
  complete: boolean;
  results: ResultEntry[];
  skipped: NotRun[];
  failed: NotRun[];
  peers: PeerEntry[];
}

const QEMU_X86_64 = 'qemu-system-x86_64';

/** config → accelerator → for each guest: image, QEMU, data channel, statistics → archived run directory. */
export async function runBenchmarks(config: RunConfig, options: RunOptions): Promise<RunOutcome> {
  const { emit } = options;
  const label = basename(config.file).replace(/\.ya?ml$/, '');
  const { runId, runDir } = await createRunDirectory(config.resultsDir, label);
  emit({ type: 'run-start', runId, runDir, guests: config.guests.map((g) => g.name) });

  const requested = options.accel ?? config.accel;
  const manifest: Manifest = {
    schemaVersion: 1,
    runId,
    complete: false,
    startedAt: new Date().toISOString(),
    command: options.command ?? [],
    host: await readHostInfo(),
    project: { ...(await readProjectRevision()), nodeVersion: process.version },
    config: { file: config.file, sha256: config.sha256, copy: 'config.yaml' },
    accel: { requested },
    bootstrap: { resamples: config.bootstrap.resamples, seed: config.bootstrap.seed, method: `percentile bootstrap of the median (default ${DEFAULT_RESAMPLES} resamples)` },
    guests: [],
  };
  await copyFile(config.file, join(runDir, 'config.yaml'));
  // Guests not run and guest-level failures; each run guest's own outcome is in perGuest.
  const skipped: NotRun[] = [];
  const failed: NotRun[] = [];
  const perGuest = new Map<string, GuestOutcome>();
  const collect = () => {
    const outcomes = config.guests.flatMap((g) => (perGuest.has(g.name) ? [{ guest: g, outcome: perGuest.get(g.name)! }] : []));
    return {
      results: outcomes.flatMap(({ outcome }) => outcome.results),
      skipped: [...skipped, ...outcomes.flatMap(({ outcome }) => outcome.skipped)],
      failed: [...failed, ...outcomes.flatMap(({ outcome }) => outcome.failed)],
      peers: outcomes.flatMap(({ outcome }) => outcome.peers),
      streams: outcomes.flatMap(({ guest, outcome }) => outcome.boots.map(({ boot, stream }) => ({ guest: guest.name, boot, stream }))),
    };
  };
  const save = () => writeRunOutputs(runDir, { manifest, ...collect(), bootstrap: config.bootstrap, baseline: config.report.baseline });

  let decision: AccelDecision | undefined;
  const decideAccel = async () => {
    decision ??= await chooseAccel(requested, async () => {
      const kernel = await fetchDebianKernel(DEFAULT_KERNEL_PACKAGE, config.cacheDir);
      return probeKvm(QEMU_X86_64, kernel.vmlinuz);
    });
    if (!manifest.accel.chosen) {
      manifest.accel = { requested, chosen: decision.accel, reason: decision.reason };
      emit({ type: 'accel-chosen', accel: decision.accel, reason: decision.reason });
    }
    return decision;
  };

  for (const guest of config.guests) {
    const entry: GuestManifest = { name: guest.name, os: guest.os, status: 'skipped', vcpusConfigured: guest.vcpus, boots: [] };
    manifest.guests.push(entry);
    const adapter = adapterFor(guest.os);
    const availability = await adapter.availability(guest);
    if (!availability.available) {
      entry.reason = `${availability.reason}; ${availability.howTo}`;
      skipped.push({ guest: guest.name, reason: availability.reason, howTo: availability.howTo });
      emit({ type: 'guest-skipped', guest: guest.name, reason: availability.reason, howTo: availability.howTo });
      await save();
      continue;
    }
    try {
      const { accel } = await decideAccel();
      await runGuest(guest, adapter, entry, {
        config,
        runDir,
        accel,
        emit,
        save: async (outcome) => {
          perGuest.set(guest.name, outcome);
          await save();
        },
      });
    } catch (error) {
      entry.status = 'failed';
      entry.reason = (error as Error).message;
      failed.push({ guest: guest.name, reason: describeError(error) });
      emit({ type: 'guest-failed', guest: guest.name, error: error as Error });
    }
    await save();
  }

  const all = collect();
  manifest.complete = all.failed.length === 0;
  manifest.finishedAt = new Date().toISOString();
  await save();
  emit({ type: 'run-done', runDir, complete: manifest.complete });
  return { runId, runDir, complete: manifest.complete, results: all.results, skipped: all.skipped, failed: all.failed, peers: all.peers };
}

/** An error's message with its causes, so the cause chain survives into results.json. */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e instanceof Error && parts.length < 5; e = e.cause) parts.push(e.message);
  return parts.length > 0 ? parts.join(': caused by: ') : String(error);
}
