import { access, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { GuestManifest, JobRecord, Manifest } from '../rundir/manifest.js';
import type { RunConfig } from '../config/types.js';
import { bootsOfGuest } from '../jobs/plan.js';
import { groupGuestName, hostGroups } from '../analysis/host-groups.js';
import type { PeerEntry } from '../analysis/peers.js';
import type { NotRun, ResultEntry } from '../analysis/results.js';
import type { BootStream } from '../analysis/figure-samples.js';
import { readBootData } from '../rundir/boot-data.js';
import { GuestAccumulator } from '../analysis/accumulate.js';
import { streamExpectation } from '../wire/expectation.js';
import { addHostWarning, gatherBoot, guestEntry as newGuestEntry, setGuestStatus, setJobState } from '../rundir/record.js';

/** Where a job that runs away from the harness (a Slurm job) writes its manifest and boots: RUN_DIR/jobs/ID. */
export function jobDirectory(runDir: string, jobId: string): string {
  return join(runDir, 'jobs', jobId);
}

/**
 * A job's own manifest, once the job has finished (run to its end, whatever its boots did);
 * a string saying why not otherwise: never written, unreadable, or still marked running or interrupted.
 */
export async function readFinishedJob(runDir: string, jobId: string): Promise<Manifest | string> {
  const file = join(jobDirectory(runDir, jobId), 'manifest.json');
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(file, 'utf8')) as Manifest;
  } catch (error) {
    return `expected the job's manifest at ${file}, got ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'none' : `one that does not read (${(error as Error).message})`}`;
  }
  if (manifest.interrupted) return `the job was ${manifest.interrupted.reason}`;
  if (!manifest.finishedAt) return `the job's manifest at ${file} says it never finished`;
  return manifest;
}

/**
 * Takes a finished job into the run: its boot directories (and its guest's anatomy boot, if it did
 * it) are moved (renamed, on the shared filesystem) from jobs/ID/guests/ into guests/, its boots added to the guest's entry of the run's
 * manifest, and the job's record given its host, accelerator and outcome.
 */
export async function gatherJob(runDir: string, manifest: Manifest, record: JobRecord, job: Manifest): Promise<void> {
  const from = job.guests.find((g) => g.name === record.guest);
  const ran = job.executor?.jobs.find((j) => j.id === record.id);
  record.host = job.host;
  if (!from || from.status === 'skipped') {
    setJobState(record, 'skipped', from?.reason ?? `the job's manifest has no entry for ${record.guest}`);
    return;
  }
  const entry = guestEntry(manifest, from);
  for (const boot of from.boots) {
    const source = join(jobDirectory(runDir, record.id), 'guests', from.name, `boot-${boot.boot}`);
    const target = join(runDir, 'guests', from.name, `boot-${boot.boot}`);
    await mkdir(dirname(target), { recursive: true });
    await rm(target, { recursive: true, force: true });
    await rename(source, target).catch((error: NodeJS.ErrnoException) => {
      if (!(error.code === 'ENOENT' && boot.dataBytes === 0))
        throw new Error(`expected ${source} to move into the run directory, could not: ${error.message}`, { cause: error });
    });
    gatherBoot(entry, { ...boot, job: record.id });
  }
  // The job's anatomy document, if it wrote one, and the manifest's word for it move together.
  if (await gatherAnatomy(runDir, record.id, from.name)) {
    if (from.anatomy) entry.anatomy = structuredClone(from.anatomy);
    else delete entry.anatomy;
  }
  const first = entry.hostConditions === undefined;
  for (const key of ['accel', 'vcpusUsed', 'vcpusNote', 'cpuModel', 'cpuModelOverride', 'qemuVersion', 'provenance', 'hostConditions'] as const) {
    if (entry[key] === undefined && from[key] !== undefined) Object.assign(entry, { [key]: structuredClone(from[key]) });
  }
  // Each job's node has conditions of its own: kept with the job, and its warnings shown with the guest's.
  if (from.hostConditions) {
    record.hostConditions = from.hostConditions;
    if (!first) {
      for (const warning of from.hostConditions.warnings) addHostWarning(entry, `job ${record.id} on ${job.host.hostname}: ${warning}`);
    }
  }
  if (from.qemuVersion) record.qemuVersion = from.qemuVersion;
  if (from.accel) record.accel = from.accel;
  setJobState(record, ran?.state === 'failed' ? 'failed' : 'done', ran?.reason ?? record.reason);
  // The guest failed if one of its jobs did or one of its boots did; a job resubmitted and gathered again counts as it is now.
  const failedJob = manifest.executor?.jobs.find((j) => j.guest === entry.name && j.state === 'failed' && j.reason !== undefined);
  const failedBoot = entry.boots.find((b) => b.status === 'failed');
  if (failedJob || failedBoot || from.status === 'failed') {
    setGuestStatus(entry, 'failed', failedJob?.reason ?? from.reason ?? failedBoot?.reason);
  } else {
    setGuestStatus(entry, 'done');
  }
}

/**
 * The guest's anatomy boot (docs/anatomy.md), when this job did it: anatomy-boot/ and then
 * anatomy.json (whose presence says the boot ended) move to guests/<name>/, as a local run has them.
 * Whether the document moved.
 */
async function gatherAnatomy(runDir: string, jobId: string, guest: string): Promise<boolean> {
  let moved = false;
  for (const name of ['anatomy-boot', 'anatomy.json']) {
    const source = join(jobDirectory(runDir, jobId), 'guests', guest, name);
    const target = join(runDir, 'guests', guest, name);
    const present = await access(source).then(
      () => true,
      () => false,
    );
    if (!present) continue;
    await mkdir(dirname(target), { recursive: true });
    await rm(target, { recursive: true, force: true });
    await rename(source, target).catch((error: NodeJS.ErrnoException) => {
      throw new Error(`expected ${source} to move into the run directory, could not: ${error.message}`, { cause: error });
    });
    moved = name === 'anatomy.json';
  }
  return moved;
}

/** The run's entry for a guest, made (without boots) from a job's when the run has none yet. */
function guestEntry(manifest: Manifest, from: GuestManifest): GuestManifest {
  let entry = manifest.guests.find((g) => g.name === from.name);
  if (!entry) {
    entry = newGuestEntry({ name: from.name, os: from.os, reach: from.reach, variant: from.variant, vcpus: from.vcpusConfigured });
    manifest.guests.push(entry);
  }
  return entry;
}

/** Figures and everything else the report needs, from the boots gathered so far. */
export interface GatheredOutcome {
  results: ResultEntry[];
  skipped: NotRun[];
  failed: NotRun[];
  peers: PeerEntry[];
  streams: BootStream[];
}

/**
 * The gathered boots' figures, computed as a local run computes them (the same accumulator, boot by
 * boot), except that boots from different CPU models or accelerators are never pooled: each group
 * is reported under its own name (analysis/host-groups.ts).
 */
export async function gatheredOutcome(runDir: string, manifest: Manifest, config: RunConfig): Promise<GatheredOutcome> {
  const outcome: GatheredOutcome = { results: [], skipped: [], failed: [], peers: [], streams: [] };
  for (const guest of config.guests) {
    const entry = manifest.guests.find((g) => g.name === guest.name);
    if (!entry || entry.boots.length === 0) continue;
    const expectation = streamExpectation(guest);
    const streams = new Map<number, BootStream>();
    for (const boot of entry.boots) {
      const { stream } = await readBootData(runDir, guest.name, boot, expectation);
      streams.set(boot.boot, { guest: guest.name, boot: boot.boot, stream });
    }
    for (const group of hostGroups(entry, manifest.executor?.jobs)) {
      const name = groupGuestName(guest.name, group);
      const accumulator = new GuestAccumulator({ ...guest, name }, group.accel, entry.vcpusNote, config, bootsOfGuest(guest, config.executor.split));
      for (const boot of entry.boots) {
        const read = streams.get(boot.boot)!;
        if (!group.boots.includes(boot.boot)) continue;
        accumulator.add(boot, read.stream);
        outcome.streams.push({ ...read, guest: name });
      }
      const { results, skipped, failed, peers } = accumulator.outcome;
      outcome.results.push(...results);
      outcome.skipped.push(...skipped);
      outcome.failed.push(...failed);
      outcome.peers.push(...peers);
    }
  }
  return outcome;
}
