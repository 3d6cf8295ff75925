import { mkdir, rm, writeFile } from 'node:fs/promises';
import { anatomyDocument, runAnatomyBoot } from '../anatomy/run.js';
import { join } from 'node:path';
import type { BootManifest, GuestManifest } from '../rundir/manifest.js';
import type { GuestConfig, RunConfig } from '../config/types.js';
import type { GuestAdapter, PreparedGuest } from '../guests/adapter.js';
import { ADAPTERS } from '../guests/registry.js';
import { readHostConditions } from '../host/conditions.js';
import { effectiveVcpus } from '../qemu/accel.js';
import { chooseCpuModel } from '../qemu/argv.js';
import type { Accel } from '../units.js';
import type { GuestStream } from '../wire/stream.js';
import { GuestAccumulator, type GuestOutcome } from '../analysis/accumulate.js';
import { raceAbort, RunInterruptedError } from '../lifecycle/interrupt.js';
import type { EventSink } from '../lifecycle/events.js';
import { qemuSession } from '../session/qemu-session.js';
import { sshSession } from '../session/ssh-session.js';
import type { Session, SessionResult } from '../session/types.js';
import { addBoot, addHostWarning, recordAnatomy, recordGuestSetup, recordHostConditions, recordImage, settleGuest } from '../rundir/record.js';

/** Busy fraction of the pinned CPUs, beyond QEMU's own, above which a boot is reported as disturbed. */
export const OTHER_LOAD_WARNING = 0.1;

export interface RunGuestContext {
  config: RunConfig;
  runDir: string;
  accel: Accel;
  emit: EventSink;
  /** Called after each boot with everything so far, so an interrupted run keeps completed boots. */
  save: (outcome: GuestOutcome) => Promise<void>;
  /** Checks the adapter's QEMU binary (present, recent enough) and returns its version line. */
  qemuVersion: (binary: string) => Promise<string>;
  /** Aborted on SIGINT/SIGTERM: the boot in progress stops, is recorded as interrupted, and RunInterruptedError is thrown. */
  signal?: AbortSignal;
  /**
   * Resuming: the streams of `entry.boots` (all finished, from an earlier invocation), read back
   * from their data.bin. They count as if just run; the boots after them are run.
   */
  keptStreams?: Map<number, GuestStream>;
  /** The boot numbers this job runs (harness/jobs/plan.ts); those already in `entry.boots` are kept, not run. */
  boots: readonly number[];
  /** Boots the guest has in all, over every job: for progress, and to say which boot a failure was in. */
  totalBoots: number;
  /** Recorded in each boot's manifest entry: the job that ran it. */
  job: string;
  /** After the timed boots, one anatomy boot (docs/anatomy.md) whose JSON goes to guests/<name>/anatomy.json. */
  anatomy?: boolean;
  /** `harness run --refresh` (PrepareContext.refresh). */
  refresh?: boolean;
}

/** Provenance keys whose values differ between two preparations of a guest's image. */
function provenanceChanges(before: Record<string, string>, after: Record<string, string>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys]
    .filter((k) => before[k] !== after[k])
    .sort()
    .map((k) => `${k}: ${before[k] ?? '(none)'} -> ${after[k] ?? '(none)'}`);
}

/**
 * Prepares one guest and boots it `benchmarks.boots` times. Figures are recomputed over the boots
 * completed so far after each one, so a boot that fails or a run that stops loses nothing before it.
 * When resuming (context.keptStreams), the boots already in `entry.boots` are taken as they are and
 * only the rest are run, with an image that must be the one they ran with.
 */
export async function runGuest(guest: GuestConfig, adapter: GuestAdapter, entry: GuestManifest, context: RunGuestContext): Promise<GuestOutcome> {
  const { config, accel, emit } = context;
  const { vcpus, note } = effectiveVcpus(accel, guest.vcpus, adapter.icountSmp);
  const accumulator = new GuestAccumulator(guest, accel, note, config, context.totalBoots);
  for (const kept of entry.boots) {
    const stream = context.keptStreams?.get(kept.boot);
    if (!stream) throw new Error(`expected the data of ${guest.name} boot ${kept.boot} to resume from, got none`);
    accumulator.add(kept, stream);
  }
  const todo = context.boots.filter((boot) => !entry.boots.some((kept) => kept.boot === boot));
  if (todo.length === 0) {
    await context.save(accumulator.outcome);
    // Resumed after the timed boots but before the anatomy boot ended (interrupted during it): it is still to do.
    // The manifest names the document only once it is written (recordAnatomy), so it says whether it was.
    if (context.anatomy && entry.anatomy === undefined) await anatomyBoot(guest, adapter, entry, context);
  } else {
    const cpu = guest.reach === 'ssh' ? undefined : chooseCpuModel(accel, config.cpuModel, guest.image.cpuModel);
    recordGuestSetup(entry, { accel, vcpusUsed: vcpus, ...(note ? { vcpusNote: note } : {}), ...(cpu ? { cpu } : {}) });
    if (cpu?.override) {
      const warning = `CPU model ${cpu.model} (image.cpuModel) instead of the run's ${cpu.override.runModel}: its figures are not on the same terms as the other guests'`;
      emit({ type: 'guest-warning', guest: guest.name, warning });
    }
    const prepared = await prepareGuest(guest, adapter, entry, vcpus, context);
    // An ssh target (prepared.target) runs the payload on its own machine; every other guest boots under QEMU.
    const session = prepared.target ? sshSession(prepared.target) : qemuSession(prepared, accel, vcpus, cpu?.model);
    for (const boot of todo) await runBoot(guest, entry, session, boot, accumulator, context);
    if (context.anatomy) await anatomyBoot(guest, adapter, entry, context);
  }
  settleGuest(entry);
  return accumulator.outcome;
}

/**
 * The anatomy boot: the guest once more under tcg-icount with its marked payload and the plugin
 * (harness/anatomy/run.ts), in guests/<name>/anatomy-boot/ (the plugin's own JSON there too), its
 * regions matched to the benchmarks in guests/<name>/anatomy.json (harness/analysis/anatomy.ts).
 * It never changes the figures; a guest the plugin does not know, or a boot that fails, is a warning.
 */
async function anatomyBoot(guest: GuestConfig, adapter: GuestAdapter, entry: GuestManifest, context: RunGuestContext): Promise<void> {
  const { config, emit, signal } = context;
  const guestRoot = join(context.runDir, 'guests', guest.name);
  if (adapter.reach !== 'qemu' || !adapter.anatomy) {
    const known = ADAPTERS.filter((a) => a.anatomy).map((a) => a.id);
    emit({ type: 'guest-warning', guest: guest.name, warning: `no anatomy boot: the anatomy plugin knows only guests of ${known.join(', ')}` });
    return;
  }
  const dir = join(guestRoot, 'anatomy-boot');
  // The manifest names the document (a raw input of the reports) only once this boot has written it.
  recordAnatomy(entry, undefined);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  try {
    const boot = await runAnatomyBoot({ config, guest, adapter, dir, emit, ...(signal ? { signal } : {}) });
    const document = anatomyDocument(guest, adapter, boot);
    await writeFile(join(guestRoot, 'anatomy.json'), `${JSON.stringify(document, null, 1)}\n`);
    recordAnatomy(entry, document.metrics.length);
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    emit({ type: 'guest-warning', guest: guest.name, warning: `the anatomy boot failed: ${(error as Error).message}` });
  }
}

/**
 * The guest's image, found or built, and recorded with the conditions it runs under. A guest with
 * boots from before (resumed, or an earlier job of the run) must get the image those boots ran with.
 */
async function prepareGuest(guest: GuestConfig, adapter: GuestAdapter, entry: GuestManifest, vcpus: number, context: RunGuestContext): Promise<PreparedGuest> {
  const { config, accel, emit, signal } = context;
  const previousProvenance = entry.boots.length > 0 ? entry.provenance : undefined;
  const log = (message: string) => emit({ type: 'guest-preparing', guest: guest.name, message });
  // An image build cannot be cancelled half-way, but the run need not wait for it once interrupted.
  const prepared = await raceAbort(
    adapter.prepare(guest, { cacheDir: config.cacheDir, accel, vcpus, timeouts: config.timeouts, log, refresh: context.refresh === true }),
    signal,
  );
  if (previousProvenance) {
    const changes = provenanceChanges(previousProvenance, prepared.provenance);
    if (changes.length > 0) {
      throw new Error(
        `expected ${guest.name}'s image to be the one its earlier boots ran with (resumed, or an earlier job of the run); got a different one (${changes.join('; ')}): start a new run instead`,
      );
    }
  }
  // An ssh target (prepared.target) runs no QEMU.
  recordImage(entry, prepared.provenance, prepared.target ? undefined : await context.qemuVersion(prepared.boot.qemuBinary));
  // An ssh target's conditions are its own, read over SSH by its adapter.
  const conditions = prepared.conditions ?? (await readHostConditions(guest.pin ?? []));
  recordHostConditions(entry, conditions, previousProvenance ? context.job : undefined);
  for (const warning of conditions.warnings) emit({ type: 'host-warning', guest: guest.name, warning });
  return prepared;
}

/** One boot: run, recorded, its figures added and the run directory saved; a boot stopped by a signal stops the guest. */
async function runBoot(
  guest: GuestConfig,
  entry: GuestManifest,
  session: Session,
  boot: number,
  accumulator: GuestAccumulator,
  context: RunGuestContext,
): Promise<void> {
  const { config, emit, signal } = context;
  if (signal?.aborted) throw signal.reason;
  const guestDir = join(context.runDir, 'guests', guest.name, `boot-${boot}`);
  // What an interrupted or killed earlier attempt at this boot left.
  await rm(guestDir, { recursive: true, force: true });
  const result = await session.run({ guest, boot, boots: context.totalBoots, guestDir, timeouts: config.timeouts, emit, signal });
  const bootEntry = bootRecord(boot, result, context.job);
  addBoot(entry, bootEntry);
  if (result.otherLoad !== undefined && result.otherLoad > OTHER_LOAD_WARNING) {
    const warning = `boot ${boot}: the pinned CPUs were ${(result.otherLoad * 100).toFixed(0)}% busy with work other than QEMU during the run`;
    addHostWarning(entry, warning);
    emit({ type: 'host-warning', guest: guest.name, warning });
  }
  await context.save(accumulator.add(bootEntry, result.stream));
  if (result.interrupted) throw signal?.reason instanceof RunInterruptedError ? signal.reason : new Error(result.interrupted);
}

/** A boot as the manifest records it. */
function bootRecord(boot: number, result: SessionResult, job: string): BootManifest {
  return {
    boot,
    status: result.interrupted ? 'interrupted' : result.error ? 'failed' : 'done',
    ...(result.error ? { reason: result.error.message } : {}),
    argv: result.argv,
    hostAffinity: result.affinity,
    guestInfo: result.stream.info,
    guestAffinity: Object.fromEntries(result.stream.benchmarks.map((b) => [b.metric, b.affinity])),
    qemuExit: result.exit ? { exitCode: result.exit.exitCode, signal: result.exit.signal } : undefined,
    seconds: result.seconds,
    dataBytes: result.dataBytes,
    ...(result.otherLoad === undefined ? {} : { otherLoadOnPinnedCpus: result.otherLoad }),
    job,
  };
}
