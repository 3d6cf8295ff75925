import type { GuestConfig, RunConfig } from '../config/types.js';
import { readHostInfo } from '../host/info.js';
import { DEFAULT_RESAMPLES } from '../stats/index.js';
import type { AccelChoice } from '../units.js';
import type { GuestManifest, JobRecord, JobState, Manifest } from './manifest.js';
import { readProjectRevision } from './provenance.js';

/*
 * The changes a run makes to its manifest, as named operations: every executor and the runner
 * change the record through these, so what each step means for the record is written once.
 */

/** A run's manifest as it starts: nothing run yet. */
export async function newManifest(config: RunConfig, runId: string, requested: AccelChoice, command: string[]): Promise<Manifest> {
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
    bootstrap: { resamples: config.bootstrap.resamples, seed: config.bootstrap.seed, method: `percentile bootstrap of the median (default ${DEFAULT_RESAMPLES} resamples)` },
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

/** A guest's entry as it starts: running, no boots. */
export function guestEntry(guest: Pick<GuestConfig, 'name' | 'os' | 'reach' | 'variant' | 'vcpus'>): GuestManifest {
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
export function markGuestSkipped(manifest: Manifest, guest: Pick<GuestConfig, 'name' | 'os' | 'reach' | 'variant' | 'vcpus'>, reason: string): void {
  const entry = manifest.guests.find((g) => g.name === guest.name);
  if (!entry) manifest.guests.push({ ...guestEntry(guest), status: 'skipped', reason });
  else if (entry.boots.length === 0) Object.assign(entry, { status: 'skipped', reason });
  for (const record of manifest.executor?.jobs ?? []) if (record.guest === guest.name) setJobState(record, 'skipped', reason);
}
