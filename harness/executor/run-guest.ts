import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { BootManifest, GuestManifest } from '../rundir/manifest.js';
import type { GuestConfig, RunConfig } from '../config/types.js';
import type { GuestAdapter } from '../guests/adapter.js';
import { readHostConditions } from '../host/conditions.js';
import { effectiveVcpus } from '../qemu/accel.js';
import type { Accel } from '../units.js';
import type { GuestStream } from '../wire/stream.js';
import { GuestAccumulator, type GuestOutcome } from '../analysis/accumulate.js';
import { raceAbort, RunInterruptedError } from '../lifecycle/interrupt.js';
import type { EventSink } from '../lifecycle/events.js';
import { qemuSession } from '../session/qemu-session.js';
import { sshSession } from '../session/ssh-session.js';

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
}

/** Provenance keys whose values differ between two preparations of a guest's image. */
function provenanceChanges(before: Record<string, string>, after: Record<string, string>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => before[k] !== after[k]).sort().map((k) => `${k}: ${before[k] ?? '(none)'} -> ${after[k] ?? '(none)'}`);
}

/**
 * Prepares one guest and boots it `benchmarks.boots` times. Figures are recomputed over the boots
 * completed so far after each one, so a boot that fails or a run that stops loses nothing before it.
 * When resuming (context.keptStreams), the boots already in `entry.boots` are taken as they are and
 * only the rest are run, with an image that must be the one they ran with.
 */
export async function runGuest(guest: GuestConfig, adapter: GuestAdapter, entry: GuestManifest, context: RunGuestContext): Promise<GuestOutcome> {
  const { config, accel, emit, signal } = context;
  const { vcpus, note } = effectiveVcpus(accel, guest.vcpus);
  const accumulator = new GuestAccumulator(guest, accel, note, config, context.totalBoots);
  for (const kept of entry.boots) {
    const stream = context.keptStreams?.get(kept.boot);
    if (!stream) throw new Error(`expected the data of ${guest.name} boot ${kept.boot} to resume from, got none`);
    accumulator.add(kept, stream);
  }
  const finish = () => {
    entry.status = entry.boots.some((b) => b.status === 'failed') ? 'failed' : 'done';
    return accumulator.outcome;
  };
  const todo = context.boots.filter((boot) => !entry.boots.some((kept) => kept.boot === boot));
  if (todo.length === 0) {
    await context.save(accumulator.outcome);
    return finish();
  }

  const previousProvenance = entry.boots.length > 0 ? entry.provenance : undefined;
  Object.assign(entry, { accel, vcpusUsed: vcpus, ...(note ? { vcpusNote: note } : {}) });
  // An image build cannot be cancelled half-way, but the run need not wait for it once interrupted.
  const prepared = await raceAbort(
    adapter.prepare(guest, {
      cacheDir: config.cacheDir,
      accel,
      vcpus,
      timeouts: config.timeouts,
      log: (message) => emit({ type: 'guest-preparing', guest: guest.name, message }),
    }),
    signal,
  );
  if (previousProvenance) {
    const changes = provenanceChanges(previousProvenance, prepared.provenance);
    if (changes.length > 0) {
      throw new Error(`expected ${guest.name}'s image to be the one its earlier boots ran with (resumed, or an earlier job of the run); got a different one (${changes.join('; ')}): start a new run instead`);
    }
  }
  entry.provenance = prepared.provenance;
  // An ssh target (prepared.target) runs no QEMU.
  if (!prepared.target) entry.qemuVersion = await context.qemuVersion(prepared.boot.qemuBinary);
  // An ssh target's conditions are its own, read over SSH by its adapter.
  const conditions = prepared.conditions ?? (await readHostConditions(guest.pin ?? []));
  if (entry.hostConditions && previousProvenance) {
    // Resumed, or a later job of the guest: the first conditions stay; new warnings are added, marked with the job that saw them.
    for (const warning of conditions.warnings) {
      if (!entry.hostConditions.warnings.includes(warning)) entry.hostConditions.warnings.push(`job ${context.job}: ${warning}`);
    }
  } else {
    entry.hostConditions = conditions;
  }
  for (const warning of conditions.warnings) emit({ type: 'host-warning', guest: guest.name, warning });

  // An ssh target (prepared.target) runs the payload on its own machine; every other guest boots under QEMU.
  const runner = prepared.target ? sshSession(prepared.target) : qemuSession(prepared, accel, vcpus);
  for (const boot of todo) {
    if (signal?.aborted) throw signal.reason;
    const guestDir = join(context.runDir, 'guests', guest.name, `boot-${boot}`);
    // What an interrupted or killed earlier attempt at this boot left.
    await rm(guestDir, { recursive: true, force: true });
    const session = await runner.run({ guest, boot, boots: context.totalBoots, guestDir, timeouts: config.timeouts, emit, signal });
    const bootEntry: BootManifest = {
      boot,
      status: session.interrupted ? 'interrupted' : session.error ? 'failed' : 'done',
      ...(session.error ? { reason: session.error.message } : {}),
      argv: session.argv,
      hostAffinity: session.affinity,
      guestInfo: session.stream.info,
      guestAffinity: Object.fromEntries(session.stream.benchmarks.map((b) => [b.metric, b.affinity])),
      qemuExit: session.exit ? { exitCode: session.exit.exitCode, signal: session.exit.signal } : undefined,
      seconds: session.seconds,
      dataBytes: session.dataBytes,
      ...(session.otherLoad === undefined ? {} : { otherLoadOnPinnedCpus: session.otherLoad }),
      job: context.job,
    };
    entry.boots.push(bootEntry);
    if (session.otherLoad !== undefined && session.otherLoad > OTHER_LOAD_WARNING) {
      const warning = `boot ${boot}: the pinned CPUs were ${(session.otherLoad * 100).toFixed(0)}% busy with work other than QEMU during the run`;
      entry.hostConditions?.warnings.push(warning);
      emit({ type: 'host-warning', guest: guest.name, warning });
    }
    await context.save(accumulator.add(bootEntry, session.stream));
    if (session.interrupted) throw signal?.reason instanceof RunInterruptedError ? signal.reason : new Error(session.interrupted);
  }
  return finish();
}
