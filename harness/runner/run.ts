import { copyFile, readdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createRunDirectory } from '../archive/run-dir.js';
import type { GuestManifest, JobRecord, Manifest } from '../archive/manifest.js';
import { bootsOfGuest, guestForJob, planJobs, type Job } from '../jobs/plan.js';
import { readProjectRevision } from '../archive/provenance.js';
import type { ExecutorKind, RunConfig } from '../config/types.js';
import { resumeOnSlurm, runOnSlurm } from '../executor/slurm/run.js';
import { slurmUnavailable } from '../executor/slurm/queue.js';
import { adapterFor } from '../guests/registry.js';
import { DEFAULT_KERNEL_PACKAGE } from '../guests/linux/adapter.js';
import { fetchDebianKernel } from '../guests/linux/kernel.js';
import { readHostInfo } from '../host/info.js';
import { chooseAccel, probeKvm, type AccelDecision } from '../qemu/accel.js';
import { checkQemu } from '../qemu/version.js';
import { DEFAULT_RESAMPLES } from '../stats/index.js';
import type { PeerEntry } from '../report/peers.js';
import type { NotRun, ResultEntry } from '../report/results.js';
import type { AccelChoice } from '../units.js';
import { streamExpectation } from '../wire/expectation.js';
import type { GuestStream } from '../wire/stream.js';
import { raceAbort, RunDirectoryWriteError, RunInterruptedError } from './errors.js';
import { AtomicWriteError, writeRunOutputs } from './outputs.js';
import type { EventSink } from './events.js';
import { runGuest, type GuestOutcome } from './run-guest.js';
import { readBootData } from './boot-data.js';
import { loadRunConfig, readRunManifest } from './run-manifest.js';

export interface RunOptions {
  /** Overrides the config's accel. */
  accel?: AccelChoice;
  emit: EventSink;
  command?: string[];
  /**
   * Aborted (with a RunInterruptedError as its reason) to stop the run early: the boot in progress
   * is stopped, QEMU reaped, the run directory written and marked interrupted, and the outcome
   * returned with `interrupted`. The CLI aborts it on SIGINT and SIGTERM.
   */
  signal?: AbortSignal;
  /** Overrides the config's `executor.kind`. */
  executor?: ExecutorKind;
  /** The jobs to run, when not the config's whole plan: a Slurm job's body runs one. */
  jobs?: Job[];
  /** Whether to write the report files beside manifest.json; a Slurm job's own directory has only its manifest and data. Default true. */
  reports?: boolean;
}

export interface RunOutcome {
  runId: string;
  runDir: string;
  complete: boolean;
  results: ResultEntry[];
  skipped: NotRun[];
  failed: NotRun[];
  peers: PeerEntry[];
  /** Set when the run was stopped by its signal: "interrupted by SIGINT". `harness run --resume` finishes it. */
  interrupted?: string;
}

const QEMU_X86_64 = 'qemu-system-x86_64';

/** Checks each QEMU binary once per run (present, recent enough) and remembers its version line. */
function qemuChecker(): (binary: string) => Promise<string> {
  const checked = new Map<string, Promise<string>>();
  return (binary) => {
    let version = checked.get(binary);
    if (!version) {
      version = checkQemu(binary);
      checked.set(binary, version);
    }
    return version;
  };
}

/** config → accelerator → for each guest: image, QEMU, data channel, statistics → archived run directory. */
export async function runBenchmarks(config: RunConfig, options: RunOptions): Promise<RunOutcome> {
  const executor = options.executor ?? config.executor.kind;
  // Refused before anything is written or booted: no QEMU (or too old a one), no Slurm, no run.
  const qemuVersion = qemuChecker();
  if (executor === 'slurm') {
    const why = await slurmUnavailable();
    if (why) throw new Error(`expected Slurm to submit the run's jobs to (--executor slurm), but: ${why}`);
  } else if (needsQemu(config)) {
    await qemuVersion(QEMU_X86_64);
  }
  const label = basename(config.file).replace(/\.ya?ml$/, '');
  let created: { runId: string; runDir: string };
  try {
    created = await createRunDirectory(config.resultsDir, label);
  } catch (error) {
    throw new Error(`expected to create a run directory under the results directory ${config.resultsDir}, but could not (is it writable?): ${(error as Error).message}`, { cause: error });
  }
  const { runId, runDir } = created;
  const requested = options.accel ?? config.accel;
  const manifest = await newManifest(config, runId, requested, options.command ?? []);
  const configCopy = join(runDir, 'config.yaml');
  await copyFile(config.file, configCopy).catch((error: unknown) => {
    throw new RunDirectoryWriteError(configCopy, error);
  });
  if (executor === 'slurm') return runOnSlurm(config, runDir, manifest, { ...options, accel: requested });
  return executeRun(config, runDir, manifest, new Map(), { ...options, accel: requested }, qemuVersion);
}

/** A run's manifest as it starts: nothing run yet. */
async function newManifest(config: RunConfig, runId: string, requested: AccelChoice, command: string[]): Promise<Manifest> {
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

/**
 * One job of a run, in a directory of its own with its own manifest (and no reports): the body of
 * a Slurm job (harness/executor/slurm), which the run gathers once it ends. The accelerator is
 * chosen here, on the machine the job runs on.
 */
export async function runJobIn(config: RunConfig, dir: string, runId: string, job: Job, options: RunOptions & { accel: AccelChoice }): Promise<RunOutcome> {
  const qemuVersion = qemuChecker();
  if (needsQemu(config)) await qemuVersion(QEMU_X86_64);
  const manifest = await newManifest(config, `${runId}/${job.id}`, options.accel, options.command ?? []);
  return executeRun(config, dir, manifest, new Map(), { ...options, jobs: [job], reports: false }, qemuVersion);
}

/** A guest's finished boots from an earlier invocation of the run, read back for `--resume`. */
interface KeptGuest {
  entry: GuestManifest;
  streams: Map<number, GuestStream>;
}

/** Files a write-then-rename left behind when the harness died between the two. */
const TEMPORARY_FILE = /\.tmp-\d+$/;

/**
 * `harness run --resume RUN_DIR`: finishes a run that was interrupted (SIGINT, SIGTERM) or whose
 * harness died (SIGKILL, a crash, the machine going down). Boots that finished (done or failed) are
 * kept and their figures recomputed from their data.bin, exactly as `harness report` would; the
 * boot that was running and every guest not reached are run. The config must be the one the run
 * was started with (same SHA-256) and the images the same (same provenance), so the result is the
 * run an uninterrupted invocation would have written. The manifest records each resume.
 */
export async function resumeRun(runDir: string, options: Omit<RunOptions, 'accel' | 'executor'>): Promise<RunOutcome> {
  const manifest = await readRunManifest(runDir);
  if (manifest.executor?.kind === 'slurm') return resumeOnSlurm(runDir, manifest, options);
  if (manifest.finishedAt && !manifest.interrupted) {
    throw new Error(`expected an interrupted run in ${runDir}, got one that finished at ${manifest.finishedAt} (${manifest.complete ? 'complete' : 'incomplete, but not interrupted'}): nothing to resume`);
  }
  const config = await loadRunConfig(manifest);
  const qemuVersion = qemuChecker();
  if (needsQemu(config)) await qemuVersion(QEMU_X86_64);

  const kept = new Map<string, KeptGuest>();
  const reused: string[] = [];
  for (const entry of manifest.guests) {
    const boots = entry.boots.filter((b) => b.status === 'done' || b.status === 'failed');
    // A guest with no finished boot is run from the start, skip checks and all.
    const guestConfig = config.guests.find((g) => g.name === entry.name);
    if (boots.length === 0 || !guestConfig) continue;
    const streams = new Map<number, GuestStream>();
    for (const boot of boots) {
      streams.set(boot.boot, (await readBootData(runDir, entry.name, boot, streamExpectation(guestConfig))).stream);
      reused.push(`${entry.name} boot-${boot.boot}`);
    }
    kept.set(entry.name, { entry: { ...entry, boots }, streams });
  }
  for (const name of await readdir(runDir)) {
    if (TEMPORARY_FILE.test(name)) await rm(join(runDir, name), { force: true });
  }
  manifest.resumes = [
    ...(manifest.resumes ?? []),
    {
      at: new Date().toISOString(),
      command: options.command ?? [],
      after: manifest.interrupted?.reason ?? 'the harness stopped without finishing the run (killed, or the machine went down)',
      reused,
    },
  ];
  delete manifest.interrupted;
  delete manifest.finishedAt;
  manifest.complete = false;
  manifest.guests = [];
  return executeRun(config, runDir, manifest, kept, { ...options, accel: manifest.accel.requested }, qemuVersion);
}

async function executeRun(
  config: RunConfig,
  runDir: string,
  manifest: Manifest,
  kept: Map<string, KeptGuest>,
  options: RunOptions & { accel: AccelChoice },
  qemuVersion: (binary: string) => Promise<string>,
): Promise<RunOutcome> {
  const { emit, signal } = options;
  const { runId } = manifest;
  const records: JobRecord[] = (options.jobs ?? planJobs(config)).map((job) => ({ ...job, executor: 'local', state: 'pending' }));
  manifest.executor = { kind: 'local', jobs: records };
  const guestsRun = config.guests.filter((g) => records.some((r) => r.guest === g.name));
  emit({ type: 'run-start', runId, runDir, guests: guestsRun.map((g) => g.name) });
  const requested = options.accel;
  // Guests not run and guest-level failures; each run guest's own outcome is in perGuest.
  const skipped: NotRun[] = [];
  const failed: NotRun[] = [];
  const perGuest = new Map<string, GuestOutcome>();
  const collect = () => {
    const outcomes = guestsRun.flatMap((g) => (perGuest.has(g.name) ? [{ guest: g, outcome: perGuest.get(g.name)! }] : []));
    return {
      results: outcomes.flatMap(({ outcome }) => outcome.results),
      skipped: [...skipped, ...outcomes.flatMap(({ outcome }) => outcome.skipped)],
      failed: [...failed, ...outcomes.flatMap(({ outcome }) => outcome.failed)],
      peers: outcomes.flatMap(({ outcome }) => outcome.peers),
      streams: outcomes.flatMap(({ guest, outcome }) => outcome.boots.map(({ boot, stream }) => ({ guest: guest.name, boot, stream }))),
    };
  };
  const save = async () => {
    try {
      await writeRunOutputs(runDir, { manifest, ...collect(), bootstrap: config.bootstrap, baseline: config.report.baseline }, { reports: options.reports !== false });
    } catch (error) {
      throw error instanceof AtomicWriteError ? new RunDirectoryWriteError(error.path, error.cause) : new RunDirectoryWriteError(runDir, error);
    }
  };
  // At once, so the directory is whole (and says the run is not) before anything boots.
  await save();

  let decision: AccelDecision | undefined;
  if (manifest.accel.chosen) decision = { accel: manifest.accel.chosen, reason: manifest.accel.reason ?? '' };
  const decideAccel = async () => {
    decision ??= await raceAbort(
      chooseAccel(requested, async () => {
        const kernel = await fetchDebianKernel(DEFAULT_KERNEL_PACKAGE, config.cacheDir);
        return probeKvm(QEMU_X86_64, kernel.vmlinuz);
      }),
      signal,
    );
    if (!manifest.accel.chosen) {
      manifest.accel = { requested, chosen: decision.accel, reason: decision.reason };
      emit({ type: 'accel-chosen', accel: decision.accel, reason: decision.reason });
    }
    return decision;
  };

  let interrupted: RunInterruptedError | undefined;
  // The CLI aborts with a RunInterruptedError naming the signal; a library caller may abort with anything.
  const interruption = () => (signal?.reason instanceof RunInterruptedError ? signal.reason : new RunInterruptedError('abort'));
  const entries = new Map<string, GuestManifest>();
  // Every boot's stream so far, per guest: each job of a guest adds to the figures of the ones before.
  const streamsOf = new Map<string, Map<number, GuestStream>>();
  const guestErrors = new Map<string, string>();
  for (const record of records) {
    if (signal?.aborted) {
      interrupted = interruption();
      break;
    }
    const guest = config.guests.find((g) => g.name === record.guest);
    if (!guest) throw new Error(`expected job ${record.id}'s guest ${record.guest} in ${config.file}, got guests ${config.guests.map((g) => g.name).join(', ')}`);
    const adapter = adapterFor(guest.os);
    let entry = entries.get(guest.name);
    if (entry?.status === 'skipped') {
      Object.assign(record, { state: 'skipped', reason: entry.reason });
      continue;
    }
    if (!entry) {
      const previous = kept.get(guest.name);
      entry = previous?.entry ?? { name: guest.name, os: guest.os, status: 'running', vcpusConfigured: guest.vcpus, boots: [] };
      entries.set(guest.name, entry);
      manifest.guests.push(entry);
      streamsOf.set(guest.name, new Map(previous?.streams ?? []));
      if (!previous) {
        const availability = await adapter.availability(guest);
        if (!availability.available) {
          entry.status = 'skipped';
          entry.reason = `${availability.reason}; ${availability.howTo}`;
          Object.assign(record, { state: 'skipped', reason: entry.reason });
          skipped.push({ guest: guest.name, reason: availability.reason, howTo: availability.howTo });
          emit({ type: 'guest-skipped', guest: guest.name, reason: availability.reason, howTo: availability.howTo });
          await save();
          continue;
        }
      }
    }
    entry.status = 'running';
    record.state = 'running';
    const streams = streamsOf.get(guest.name)!;
    const ofGuest = records.filter((r) => r.guest === guest.name).length;
    try {
      // An ssh target runs on its own CPU: no accelerator to choose, its figures are real TSC ticks.
      const accel = adapter.withoutQemu ? 'native' : (await decideAccel()).accel;
      record.accel = accel;
      await runGuest(guestForJob(guest, record), adapter, entry, {
        config,
        runDir,
        accel,
        emit,
        qemuVersion,
        signal,
        keptStreams: streams,
        boots: record.boots,
        totalBoots: bootsOfGuest(guest, config.executor.split),
        job: record.id,
        save: async (outcome) => {
          for (const { boot, stream } of outcome.boots) streams.set(boot, stream);
          perGuest.set(guest.name, outcome);
          await save();
        },
      });
      record.state = 'done';
    } catch (error) {
      // Nothing more can be kept: stop, and say which file could not be written.
      if (error instanceof RunDirectoryWriteError) throw error;
      if (signal?.aborted) {
        entry.status = 'interrupted';
        record.state = 'interrupted';
        interrupted = interruption();
        break;
      }
      const where = ofGuest > 1 ? `job ${record.id}: ` : '';
      guestErrors.set(guest.name, `${where}${(error as Error).message}`);
      Object.assign(record, { state: 'failed', reason: (error as Error).message });
      failed.push({ guest: guest.name, reason: `${where}${describeError(error)}` });
      emit({ type: 'guest-failed', guest: guest.name, error: error as Error });
    }
    // A job that failed before its boots fails its guest, whatever the guest's other jobs did.
    const guestError = guestErrors.get(guest.name);
    if (guestError !== undefined) Object.assign(entry, { status: 'failed', reason: guestError });
    await save();
  }

  const all = collect();
  if (interrupted) {
    manifest.interrupted = { signal: interrupted.signal, at: new Date().toISOString(), reason: interrupted.message };
    manifest.complete = false;
  } else {
    manifest.complete = all.failed.length === 0;
    manifest.finishedAt = new Date().toISOString();
  }
  await save();
  emit({ type: 'run-done', runDir, complete: manifest.complete, ...(interrupted ? { interrupted: interrupted.message } : {}) });
  return {
    runId,
    runDir,
    complete: manifest.complete,
    results: all.results,
    skipped: all.skipped,
    failed: all.failed,
    peers: all.peers,
    ...(interrupted ? { interrupted: interrupted.message } : {}),
  };
}

/** Whether any guest of the config boots under QEMU (ssh targets do not). */
function needsQemu(config: RunConfig): boolean {
  return config.guests.some((guest) => !adapterFor(guest.os).withoutQemu);
}

/** An error's message with its causes, so the cause chain survives into results.json. */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e instanceof Error && parts.length < 5; e = e.cause) parts.push(e.message);
  return parts.length > 0 ? parts.join(': caused by: ') : String(error);
}
