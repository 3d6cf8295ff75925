import { access, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { GuestManifest, JobRecord, Manifest } from '../rundir/manifest.js';
import type { RunConfig } from '../config/types.js';
import { bootsOfGuest } from '../jobs/plan.js';
import { groupGuestName, hostGroups } from '../analysis/host-groups.js';
import type { PeerEntry } from '../analysis/peers.js';
import type { NotRun, ResultEntry } from '../analysis/results.js';
import type { BootStream } from '../analysis/figure-samples.js';
import { readBootData } from '../rundir/boot-data.js';
import { checkTree, parseRunManifest, readRunFile } from '../rundir/run-file.js';
import { GuestAccumulator } from '../analysis/accumulate.js';
import { streamExpectation } from '../wire/expectation.js';
import { addHostWarning, gatherBoot, guestEntry as newGuestEntry, setGuestStatus, setJobState } from '../rundir/record.js';

/** Where a job that runs away from the harness (a Slurm job) writes its manifest and boots: RUN_DIR/jobs/ID. */
export function jobDirectory(runDir: string, jobId: string): string {
  return join(runDir, 'jobs', jobId);
}

/**
 * A job's own manifest, once the job has finished (run to its end, whatever its boots did) and its
 * files are fit to gather; a string saying why not otherwise: never written, unreadable, still
 * marked running or interrupted, or edited or damaged (the string names the job's directory, the
 * file and the field). A job's directory was written on another machine and is not trusted: its
 * manifest is read as every run file is (rundir/run-file.ts: bounded, a regular file inside the job's
 * directory) and checked against the manifest's schema, and every file gathering will move from it
 * is checked to lie inside it (checkJobFiles).
 */
export async function readFinishedJob(runDir: string, record: Pick<JobRecord, 'id' | 'guest' | 'boots'>): Promise<Manifest | string> {
  const dir = jobDirectory(runDir, record.id);
  const file = join(dir, 'manifest.json');
  let manifest: Manifest;
  try {
    // The job's folder itself a link would take the checks below out of the run.
    if ((await checkTree(runDir, `jobs/${record.id}`, "the job's directory", { shallow: true })) === 'absent')
      return `expected the job's manifest at ${file}, got none`;
    manifest = parseRunManifest((await readRunFile(dir, 'manifest.json', "the job's manifest")).toString('utf8'), file, 'job');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT'
      ? `expected the job's manifest at ${file}, got none`
      : (error as NodeJS.ErrnoException).code !== undefined
        ? `expected the job's manifest at ${file}, got one that does not read (${(error as Error).message})`
        : (error as Error).message;
  }
  if (manifest.interrupted) return `the job was ${manifest.interrupted.reason}`;
  if (!manifest.finishedAt) return `the job's manifest at ${file} says it never finished`;
  if (!manifest.runId.endsWith(`/${record.id}`))
    return `expected runId in ${file} to end in /${record.id} (this job's id), got ${JSON.stringify(manifest.runId)}`;
  try {
    await checkJobFiles(dir, file, manifest, record);
  } catch (error) {
    return (error as Error).message;
  }
  return manifest;
}

/**
 * Refuses a job whose files would take gathering outside the job's directory, or onto another job's
 * boots: each boot of the job's guest must be one of the job's boots (the plan's), listed once, and
 * its folder (and the guest's anatomy boot and document) real folders and files inside the job's
 * directory (no link, FIFO or device: rundir/run-file.ts checkTree). Boots that sent data must have
 * their folder.
 */
async function checkJobFiles(dir: string, file: string, job: Manifest, record: Pick<JobRecord, 'guest' | 'boots'>): Promise<void> {
  const index = job.guests.findIndex((g) => g.name === record.guest);
  const from = job.guests[index];
  if (!from || from.status === 'skipped') return;
  const seen = new Set<number>();
  for (const [i, boot] of from.boots.entries()) {
    const field = `guests.${index}.boots.${i}.boot`;
    if (!record.boots.includes(boot.boot) || seen.has(boot.boot)) {
      throw new Error(
        `expected ${field} in ${file} to be one of this job's boots (${record.boots.join(', ')}), each once, got ${boot.boot}${seen.has(boot.boot) ? ' again' : ''}`,
      );
    }
    seen.add(boot.boot);
    const what = `${field} ${boot.boot} of ${file}`;
    const kind = await checkTree(dir, `guests/${from.name}/boot-${boot.boot}`, what);
    if (kind === 'file' || (kind === 'absent' && boot.dataBytes > 0)) {
      throw new Error(
        `expected ${join(dir, 'guests', from.name, `boot-${boot.boot}`)} (${what}) to be a folder holding its data.bin, got ${kind === 'file' ? 'a file' : 'none'}`,
      );
    }
  }
  for (const name of ['anatomy-boot', 'anatomy.json'])
    await checkTree(dir, `guests/${from.name}/${name}`, `the anatomy of guests.${index} (${from.name}) in ${file}`);
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
  // The run's own guest folder, where the boots go, must not be a link out of the run either.
  await checkTree(runDir, `guests/${from.name}`, `the folder of guest ${from.name} in the run`, { shallow: true });
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
