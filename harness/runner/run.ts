import { copyFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createRunDirectory } from '../archive/run-dir.js';
import type { GuestManifest, Manifest } from '../archive/manifest.js';
import { readProjectRevision, readQemuVersion } from '../archive/provenance.js';
import type { GuestConfig, RunConfig } from '../config/types.js';
import { adapterFor } from '../guests/registry.js';
import { DEFAULT_KERNEL_PACKAGE } from '../guests/linux/adapter.js';
import { fetchDebianKernel } from '../guests/linux/kernel.js';
import { readHostConditions } from '../host/conditions.js';
import { readHostInfo } from '../host/info.js';
import { chooseAccel, effectiveVcpus, probeKvm, type AccelDecision } from '../qemu/accel.js';
import { DEFAULT_RESAMPLES } from '../stats/index.js';
import { guestResults, type NotRun, type RawBoot, type ResultEntry } from '../report/results.js';
import type { AccelChoice } from '../units.js';
import type { GuestStream } from '../wire/stream.js';
import { writeRunOutputs } from './outputs.js';
import type { EventSink } from './events.js';
import { runGuestSession } from './guest-session.js';

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
  const results: ResultEntry[] = [];
  const skipped: NotRun[] = [];
  const failed: NotRun[] = [];
  const streams = new Map<string, { guest: GuestConfig; boot: number; stream: GuestStream }>();
  const save = () => writeRunOutputs(runDir, { manifest, results, skipped, failed, streams: [...streams.values()] });

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
      const { vcpus, note } = effectiveVcpus(accel, guest.vcpus);
      Object.assign(entry, { accel, vcpusUsed: vcpus, ...(note ? { vcpusNote: note } : {}) });
      const prepared = await adapter.prepare(guest, {
        cacheDir: config.cacheDir,
        accel,
        vcpus,
        timeouts: config.timeouts,
        log: (message) => emit({ type: 'guest-preparing', guest: guest.name, message }),
      });
      entry.provenance = prepared.provenance;
      entry.qemuVersion = await readQemuVersion(prepared.boot.qemuBinary);
      entry.hostConditions = await readHostConditions(guest.pin ?? []);
      for (const warning of entry.hostConditions.warnings) emit({ type: 'host-warning', guest: guest.name, warning });
      const boots: RawBoot[] = [];
      for (let boot = 1; boot <= guest.benchmarks.boots; boot++) {
        const session = await runGuestSession({
          guest,
          prepared,
          accel,
          vcpus,
          boot,
          guestDir: join(runDir, 'guests', guest.name, `boot-${boot}`),
          timeouts: config.timeouts,
          emit,
        });
        boots.push({ boot, stream: session.stream });
        streams.set(`${guest.name}/${boot}`, { guest, boot, stream: session.stream });
        entry.boots.push({
          boot,
          status: session.error ? 'failed' : 'done',
          ...(session.error ? { reason: session.error.message } : {}),
          argv: session.argv,
          hostAffinity: session.affinity,
          guestInfo: session.stream.info,
          guestAffinity: Object.fromEntries(session.stream.benchmarks.map((b) => [b.metric, b.affinity])),
          qemuExit: session.exit ? { exitCode: session.exit.exitCode, signal: session.exit.signal } : undefined,
          seconds: session.seconds,
        });
        for (const s of session.stream.skipped) {
          if (!skipped.some((k) => k.guest === guest.name && k.metric === s.metric)) {
            skipped.push({ guest: guest.name, metric: s.metric, reason: note ? `${s.reason} (${note})` : s.reason });
          }
        }
        for (const f of session.stream.failed) failed.push({ guest: guest.name, metric: f.metric, reason: `boot ${boot}: ${f.reason}` });
        if (session.error) failed.push({ guest: guest.name, reason: guest.benchmarks.boots > 1 ? `boot ${boot}: ${session.error.message}` : session.error.message });
        await save();
      }
      // Completed benchmarks count even when a boot failed later.
      for (const result of guestResults(guest.name, guest.os, accel, boots, config.bootstrap, config.methodology)) {
        if (!result.timerOverhead.stable && config.methodology.unstableOverhead === 'fail') {
          failed.push({ guest: guest.name, metric: result.metric, reason: `not reported: ${result.timerOverhead.message} (methodology.unstableOverhead: fail)` });
        } else {
          results.push(result);
        }
      }
      entry.status = entry.boots.some((b) => b.status === 'failed') ? 'failed' : 'done';
    } catch (error) {
      entry.status = 'failed';
      entry.reason = (error as Error).message;
      failed.push({ guest: guest.name, reason: describeError(error) });
      emit({ type: 'guest-failed', guest: guest.name, error: error as Error });
    }
    await save();
  }

  manifest.complete = failed.length === 0;
  manifest.finishedAt = new Date().toISOString();
  await save();
  emit({ type: 'run-done', runDir, complete: manifest.complete });
  return { runId, runDir, complete: manifest.complete, results, skipped, failed };
}

/** An error's message with its causes, so the cause chain survives into results.json. */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e instanceof Error && parts.length < 5; e = e.cause) parts.push(e.message);
  return parts.length > 0 ? parts.join(': caused by: ') : String(error);
}
