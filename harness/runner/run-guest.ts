import { join } from 'node:path';
import type { GuestManifest } from '../archive/manifest.js';
import type { GuestConfig, RunConfig } from '../config/types.js';
import type { GuestAdapter } from '../guests/adapter.js';
import { readHostConditions } from '../host/conditions.js';
import { readQemuVersion } from '../archive/provenance.js';
import { effectiveVcpus } from '../qemu/accel.js';
import { guestFigures } from '../report/guest-figures.js';
import type { PeerEntry } from '../report/peers.js';
import type { NotRun, RawBoot, ResultEntry } from '../report/results.js';
import type { Accel } from '../units.js';
import type { EventSink } from './events.js';
import { runGuestSession } from './guest-session.js';

/** Busy fraction of the pinned CPUs, beyond QEMU's own, above which a boot is reported as disturbed. */
export const OTHER_LOAD_WARNING = 0.1;

/** What a guest's boots have produced so far; the runner saves it after every boot. */
export interface GuestOutcome {
  results: ResultEntry[];
  skipped: NotRun[];
  failed: NotRun[];
  boots: RawBoot[];
  /** Peer tools' benchmarks (config `peers`) beside our figures; a failed peer never fails the guest. */
  peers: PeerEntry[];
}

export interface RunGuestContext {
  config: RunConfig;
  runDir: string;
  accel: Accel;
  emit: EventSink;
  /** Called after each boot with everything so far, so an interrupted run keeps completed boots. */
  save: (outcome: GuestOutcome) => Promise<void>;
}

/**
 * Prepares one guest and boots it `benchmarks.boots` times. Figures are recomputed over the boots
 * completed so far after each one, so a boot that fails or a run that stops loses nothing before it.
 */
export async function runGuest(guest: GuestConfig, adapter: GuestAdapter, entry: GuestManifest, context: RunGuestContext): Promise<GuestOutcome> {
  const { config, accel, emit } = context;
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

  const outcome: GuestOutcome = { results: [], skipped: [], failed: [], boots: [], peers: [] };
  const perBootFailures: NotRun[] = [];
  for (let boot = 1; boot <= guest.benchmarks.boots; boot++) {
    const session = await runGuestSession({
      guest,
      prepared,
      accel,
      vcpus,
      boot,
      guestDir: join(context.runDir, 'guests', guest.name, `boot-${boot}`),
      timeouts: config.timeouts,
      emit,
    });
    outcome.boots.push({ boot, stream: session.stream });
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
      dataBytes: session.dataBytes,
      ...(session.otherLoad === undefined ? {} : { otherLoadOnPinnedCpus: session.otherLoad }),
    });
    if (session.otherLoad !== undefined && session.otherLoad > OTHER_LOAD_WARNING) {
      const warning = `boot ${boot}: the pinned CPUs were ${(session.otherLoad * 100).toFixed(0)}% busy with work other than QEMU during the run`;
      entry.hostConditions?.warnings.push(warning);
      emit({ type: 'host-warning', guest: guest.name, warning });
    }
    for (const s of session.stream.skipped) {
      if (!outcome.skipped.some((k) => k.metric === s.metric)) {
        outcome.skipped.push({ guest: guest.name, metric: s.metric, reason: note ? `${s.reason} (${note})` : s.reason });
      }
    }
    const prefix = guest.benchmarks.boots > 1 ? `boot ${boot}: ` : '';
    for (const f of session.stream.failed) perBootFailures.push({ guest: guest.name, metric: f.metric, reason: `${prefix}${f.reason}` });
    if (session.error) perBootFailures.push({ guest: guest.name, reason: `${prefix}${session.error.message}` });
    const soFar = guestFigures(guest, accel, outcome.boots, config);
    outcome.results = soFar.results;
    outcome.failed = [...perBootFailures, ...soFar.failed];
    outcome.peers = soFar.peers;
    await context.save(outcome);
  }
  entry.status = entry.boots.some((b) => b.status === 'failed') ? 'failed' : 'done';
  return outcome;
}
