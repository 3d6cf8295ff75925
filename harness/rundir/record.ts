import type { GuestReach, GuestVariant, RunConfig } from '../config/types.js';
import type { RunOverrides } from '../config/overrides.js';
import { readHostInfo } from '../host/info.js';
import { DEFAULT_RESAMPLES } from '../stats/index.js';
import type { HostConditions } from '../host/conditions.js';
import type { CpuModelChoice } from '../qemu/argv.js';
import type { Accel, AccelChoice } from '../units.js';
import type { BootManifest, GuestManifest, JobRecord, JobState, Manifest } from './manifest.js';
import { readProjectRevision } from './provenance.js';

/*
 * The changes a run makes to its manifest, as named operations: every executor and the runner
 * change the record through these, so what each step means for the record is written once.
 */

/** A run's manifest as it starts: nothing run yet. */
/**
 * A new run's manifest; `anatomy` when the run was asked for anatomy boots on the command line
 * (`--anatomy`), `overrides` the command line's changes to the config (`--guest`, `--bench`, ...).
 */
export async function newManifest(
  config: RunConfig,
  runId: string,
  requested: AccelChoice,
  command: string[],
  anatomy = false,
  overrides?: RunOverrides,
): Promise<Manifest> {
  return {
    schemaVersion: 1,
    runId,
    complete: false,
    startedAt: new Date().toISOString(),
    command,
    host: await readHostInfo(),
    project: { ...(await readProjectRevision()), nodeVersion: process.version },
    config: { file: config.file, sha256: config.sha256, copy: 'config.yaml' },
    accel: { requested },
    ...(anatomy ? { anatomy: true as const } : {}),
    ...(overrides ? { overrides: structuredClone(overrides) } : {}),
    bootstrap: {
      resamples: config.bootstrap.resamples,
      seed: config.bootstrap.seed,
      // Resamples matter only with several boots: a one-boot interval is the exact bootstrap (docs/methodology.md).
      method: `percentile bootstrap of the median: exact for one boot, resampled (default ${DEFAULT_RESAMPLES} resamples) over several boots`,
    },
    guests: [],
  };
}

/** `harness run --resume`: the resume is recorded, and the run is open again. */
export function markResumed(manifest: Manifest, resume: { command: string[]; after: string; reused: string[] }): void {
  manifest.resumes = [...(manifest.resumes ?? []), { at: new Date().toISOString(), ...resume }];
  delete manifest.interrupted;
  delete manifest.finishedAt;
  manifest.complete = false;
}

/** A signal stopped the run: `harness run --resume` finishes it. */
export function markInterrupted(manifest: Manifest, interruption: { signal: string; message: string }): void {
  manifest.interrupted = { signal: interruption.signal, at: new Date().toISOString(), reason: interruption.message };
  manifest.complete = false;
}

/** The run went to its end; `complete` when nothing failed. */
export function markFinished(manifest: Manifest, complete: boolean): void {
  manifest.complete = complete;
  manifest.finishedAt = new Date().toISOString();
}

/** A job's new state, with why (a failure's reason) or without (a reason from before is dropped). */
export function setJobState(record: JobRecord, state: JobState, reason?: string): void {
  record.state = state;
  if (reason === undefined) delete record.reason;
  else record.reason = reason;
}

/** What a guest's entry records of its config: a guest of a loaded config, or an entry gathered from a job's manifest. */
export interface RecordedGuest {
  name: string;
  os: GuestManifest['os'];
  reach?: GuestReach | undefined;
  variant?: GuestVariant | undefined;
  vcpus: number;
}

/** A guest's entry as it starts: running, no boots. */
export function guestEntry(guest: RecordedGuest): GuestManifest {
  return {
    name: guest.name,
    os: guest.os,
    ...(guest.reach === 'ssh' ? { reach: guest.reach } : {}),
    ...(guest.variant === undefined ? {} : { variant: guest.variant }),
    status: 'running',
    vcpusConfigured: guest.vcpus,
    boots: [],
  };
}

/**
 * A guest that cannot run here (its user-supplied image is missing): its entry says why, and so
 * does each of its jobs. An entry that already holds boots (gathered before its image went) keeps them as they are.
 */
export function markGuestSkipped(manifest: Manifest, guest: RecordedGuest, reason: string): void {
  const entry = manifest.guests.find((g) => g.name === guest.name);
  if (!entry) manifest.guests.push({ ...guestEntry(guest), status: 'skipped', reason });
  else if (entry.boots.length === 0) Object.assign(entry, { status: 'skipped', reason });
  for (const record of manifest.executor?.jobs ?? []) if (record.guest === guest.name) setJobState(record, 'skipped', reason);
}

/** A guest's status and why, or without a reason (a reason from before is dropped). */
export function setGuestStatus(entry: GuestManifest, status: GuestManifest['status'], reason?: string): void {
  entry.status = status;
  if (reason === undefined) delete entry.reason;
  else entry.reason = reason;
}

/** Once a job's boots are in: the guest failed if any of its boots did. */
export function settleGuest(entry: GuestManifest): void {
  entry.status = entry.boots.some((b) => b.status === 'failed') ? 'failed' : 'done';
}

/**
 * What the guest runs with: accelerator, vCPUs (fewer than configured under tcg-icount, with why)
 * and, for a QEMU guest, the CPU model (with the run's, when the guest's own differs).
 */
export function recordGuestSetup(entry: GuestManifest, setup: { accel: Accel; vcpusUsed: number; vcpusNote?: string; cpu?: CpuModelChoice }): void {
  Object.assign(entry, {
    accel: setup.accel,
    vcpusUsed: setup.vcpusUsed,
    ...(setup.vcpusNote ? { vcpusNote: setup.vcpusNote } : {}),
    ...(setup.cpu ? { cpuModel: setup.cpu.model } : {}),
    ...(setup.cpu?.override ? { cpuModelOverride: setup.cpu.override } : {}),
  });
  if (!setup.cpu?.override) delete entry.cpuModelOverride;
}

/** What went into the guest's image, and the QEMU that boots it (none for an ssh target). */
export function recordImage(entry: GuestManifest, provenance: Record<string, string>, qemuVersion?: string): void {
  entry.provenance = provenance;
  if (qemuVersion !== undefined) entry.qemuVersion = qemuVersion;
}

/**
 * The CPU conditions the guest runs under. The first conditions recorded stay; a later job of the
 * guest (or a resume) adds only the warnings not seen before, marked with the job that saw them.
 */
export function recordHostConditions(entry: GuestManifest, conditions: HostConditions, laterJob?: string): void {
  if (!entry.hostConditions || laterJob === undefined) {
    entry.hostConditions = conditions;
    return;
  }
  for (const warning of conditions.warnings) {
    if (!entry.hostConditions.warnings.includes(warning)) entry.hostConditions.warnings.push(`job ${laterJob}: ${warning}`);
  }
}

/** A warning about the host found while the guest ran (other load on its pinned CPUs). */
export function addHostWarning(entry: GuestManifest, warning: string): void {
  entry.hostConditions?.warnings.push(warning);
}

/**
 * The guest's anatomy document was written (its metric count), or there is none (undefined): an
 * anatomy boot that failed, or one run again, must not leave the manifest naming an older document.
 */
export function recordAnatomy(entry: GuestManifest, metrics: number | undefined): void {
  if (metrics === undefined) delete entry.anatomy;
  else entry.anatomy = { metrics };
}

/** A boot that has just run, after the guest's earlier ones. */
export function addBoot(entry: GuestManifest, boot: BootManifest): void {
  entry.boots.push(boot);
}

/** A boot gathered from a job that ran elsewhere: in boot order, replacing an earlier attempt at the same boot. */
export function gatherBoot(entry: GuestManifest, boot: BootManifest): void {
  entry.boots = [...entry.boots.filter((b) => b.boot !== boot.boot), boot].sort((a, b) => a.boot - b.boot);
}

/** The accelerator chosen for the run (once, where the first boot runs), with why. */
export function recordAccel(manifest: Manifest, chosen: Accel, reason: string): void {
  manifest.accel = { ...manifest.accel, chosen, reason };
}
