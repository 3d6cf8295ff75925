import { mkdir, rm, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { JobRecord, Manifest } from '../../rundir/manifest.js';
import type { RunConfig } from '../../config/types.js';
import { HostToolError } from '../../errors/host-tool-error.js';
import { adapterFor } from '../../guests/registry.js';
import { planJobs } from '../../jobs/plan.js';
import { projectRoot } from '../../paths.js';
import type { NotRun } from '../../analysis/results.js';
import { raceAbort, type RunInterruptedError } from '../../lifecycle/interrupt.js';
import { recordAccel, setJobState } from '../../rundir/record.js';
import { openRunFile } from '../../rundir/run-file.js';
import { endRecord, endRun, interruptionOf, skipIfUnavailable, writeRun, type RunFigures } from '../shared.js';
import type { ExecuteOptions, Executor, RunOutcome } from '../types.js';
import { gatheredOutcome, gatherJob, jobDirectory, readFinishedJob } from '../gather.js';
import { cancel, queryJobs, slurmUnavailable, stateOf, submit, type SlurmStatus } from './queue.js';
import { batchScript, groupSubmissions, HOST_MEMORY_OVERHEAD_MIB, isArrayed, logFile, parseSubmitted, sbatchArgv, slurmJobId } from './sbatch.js';

/** Jobs in these states need nothing more; every other one is (re)submitted by a run or its resume. */
const SETTLED = new Set(['done', 'skipped']);
/** Lines of a failed job's log quoted in its failure. */
const LOG_TAIL_LINES = 8;
const LOG_TAIL_BYTES = 16 * 1024;
/** Slurm's state as the run records it for a job neither squeue nor sacct lists. */
const GONE = 'GONE';

/**
 * `harness run --executor slurm`: every job of the run's plan becomes a Slurm job (one job array per
 * resource shape), each running `harness job RUN_DIR --index I` on its node, which writes under
 * RUN_DIR/jobs/ID. The run polls the queue, gathers each job that completes into the run directory
 * (boots, manifest entries, results.json rewritten; the reports at the end), and records a job that fails or is cancelled with
 * its Slurm state and log. The run directory must be on a filesystem the nodes share. On resume,
 * jobs gathered stay; jobs still queued or running are waited for; every other job (failed,
 * cancelled, interrupted, never submitted) is submitted again.
 */
export const slurmExecutor: Executor = {
  kind: 'slurm',
  async preflight() {
    const why = await slurmUnavailable();
    if (why) throw new HostToolError('scontrol', `expected Slurm to submit the run's jobs to (--executor slurm), but: ${why}`);
  },
  resumeReason(runDir, manifest) {
    const records = manifest.executor?.jobs ?? [];
    if (manifest.finishedAt && !manifest.interrupted && records.every((r) => SETTLED.has(r.state))) {
      throw new Error(
        `expected a Slurm run in ${runDir} with jobs still to run, got one whose every job is done or skipped (finished ${manifest.finishedAt}): nothing to resume`,
      );
    }
    const unfinished = records.filter((r) => !SETTLED.has(r.state));
    return manifest.interrupted?.reason ?? `jobs not done: ${unfinished.map((r) => `${r.id} (${r.state})`).join(', ') || 'none recorded'}`;
  },
  reusedBoots(manifest) {
    return (manifest.executor?.jobs ?? []).filter((r) => r.state === 'done').flatMap((r) => r.boots.map((b) => `${r.guest} boot-${b}`));
  },
  execute: runOnSlurm,
};

async function runOnSlurm(config: RunConfig, runDir: string, manifest: Manifest, options: ExecuteOptions): Promise<RunOutcome> {
  const { emit, signal } = options;
  const previous = manifest.executor?.kind === 'slurm' ? manifest.executor.jobs : [];
  const records: JobRecord[] = planJobs(config).map((job) => previous.find((r) => r.id === job.id) ?? { ...job, executor: 'slurm', state: 'pending' });
  manifest.executor = { kind: 'slurm', jobs: records };
  // A guest skipped before (its image missing) is looked at again, as a local resume does.
  for (const record of records) if (record.state === 'skipped') setJobState(record, 'pending', record.reason);
  manifest.guests = manifest.guests.filter((g) => g.status !== 'skipped');
  emit({ type: 'run-start', runId: manifest.runId, runDir, guests: config.guests.map((g) => g.name) });

  const skipped: NotRun[] = [];
  // The figures of the jobs gathered so far, with every job that did not end well among the failures.
  const collect = async (): Promise<RunFigures> => {
    const gathered = await gatheredOutcome(runDir, manifest, config);
    return { ...gathered, skipped: [...skipped, ...gathered.skipped], failed: [...jobFailures(records), ...gathered.failed] };
  };
  const write = (figures: RunFigures, reports: boolean) =>
    writeRun(runDir, { manifest, ...figures, bootstrap: config.bootstrap, baseline: config.report.baseline }, reports);
  // While jobs run, the manifest and results.json (a run stopped then keeps its figures so far);
  // the reports once, at the end, as a local run renders them.
  const save = async () => write(await collect(), false);

  // Guests whose user-supplied parts are missing are skipped here, as a local run skips them.
  for (const guest of config.guests) {
    const skip = await skipIfUnavailable(manifest, guest, adapterFor(guest), emit);
    if (skip) skipped.push(skip);
  }
  await submitOrAwait(config, runDir, manifest, records, options, save);

  let interrupted: RunInterruptedError | undefined;
  try {
    await waitForJobs(runDir, manifest, records, { ...options, pollSeconds: config.executor.slurm.pollSeconds }, save);
  } catch (error) {
    if (!signal?.aborted) throw error;
    interrupted = interruptionOf(signal);
    await cancelActive(records, interrupted);
  }
  const figures = await collect();
  endRecord(manifest, interrupted, figures.failed.length === 0 && records.every((r) => SETTLED.has(r.state)));
  await write(figures, true);
  return endRun(runDir, manifest, figures, interrupted, emit);
}

/**
 * Submits every job not settled, except that on resume, jobs of the earlier invocation still queued
 * or running are waited for rather than submitted again. The plan is written before anything is
 * submitted: a job reads it from the run's manifest.json when it starts.
 */
async function submitOrAwait(
  config: RunConfig,
  runDir: string,
  manifest: Manifest,
  records: JobRecord[],
  options: ExecuteOptions,
  save: () => Promise<void>,
): Promise<void> {
  const earlier = await queryJobs(records.flatMap((r) => (r.slurm && !SETTLED.has(r.state) ? [r.slurm.jobId] : [])));
  const toSubmit: JobRecord[] = [];
  for (const record of records.filter((r) => !SETTLED.has(r.state))) {
    const now = stateOf(earlier.get(record.slurm?.jobId ?? '')?.state ?? GONE);
    if (record.slurm && (now === 'pending' || now === 'running')) record.state = now;
    else toSubmit.push(record);
  }
  await save();
  await submitJobs(config, runDir, manifest, toSubmit, options);
  await save();
}

/** The run was interrupted: its jobs still in Slurm are cancelled (or, if scancel fails, recorded as perhaps still running). */
async function cancelActive(records: JobRecord[], interrupted: RunInterruptedError): Promise<void> {
  const active = records.filter(inSlurm);
  // Whether or not scancel answers, the run directory is written afterwards and says what was left.
  const cancelled = await cancel(active.map((r) => r.slurm!.jobId)).then(
    () => 'cancelled',
    (e: unknown) => `not cancelled (${(e as Error).message}): they may still run, and --resume waits for them`,
  );
  for (const record of active) setJobState(record, 'interrupted', `${cancelled}: the run was ${interrupted.message}`);
}

/** Submits `records` (each job's old attempt cleared), grouped into job arrays where their resources match. */
async function submitJobs(config: RunConfig, runDir: string, manifest: Manifest, records: JobRecord[], options: ExecuteOptions): Promise<void> {
  if (records.length === 0) return;
  const logDir = join(runDir, 'jobs', 'logs');
  await mkdir(logDir, { recursive: true });
  const all = manifest.executor!.jobs;
  const shaped = records.map((record) => {
    const guest = config.guests.find((g) => g.name === record.guest)!;
    return { index: all.indexOf(record), cpus: guest.vcpus, memoryMiB: guest.memoryMiB + HOST_MEMORY_OVERHEAD_MIB };
  });
  // Absolute: the job starts in whatever directory Slurm gives it.
  const command = { node: process.execPath, harness: join(projectRoot, 'bin', 'harness.js'), runDir: resolve(runDir) };
  for (const submission of groupSubmissions(shaped, config.executor.slurm.array)) {
    for (const index of submission.indices) await rm(jobDirectory(runDir, all[index]!.id), { recursive: true, force: true });
    const arrayed = isArrayed(config.executor.slurm, submission);
    const argv = sbatchArgv(config.executor.slurm, submission, { jobName: `harness-${manifest.runId}`, logDir });
    let submitted: string;
    try {
      submitted = parseSubmitted(await submit(argv, batchScript(command, submission, arrayed)));
    } catch (error) {
      // The jobs submitted before still run and are gathered; these are recorded, and --resume submits them again.
      for (const index of submission.indices) setJobState(all[index]!, 'failed', `not submitted: ${(error as Error).message}`);
      continue;
    }
    for (const index of submission.indices) {
      const record = all[index]!;
      const log = relative(runDir, logFile(logDir, submitted, index, arrayed));
      record.slurm = { jobId: slurmJobId(submitted, index, arrayed), state: 'PENDING', log };
      setJobState(record, 'pending');
      options.emit({ type: 'job-submitted', job: record.id, guest: record.guest, slurmJobId: record.slurm.jobId, log });
    }
  }
}

/** Polls the queue until every job has ended, gathering each that completes; the manifest and results.json are rewritten after each change. */
async function waitForJobs(
  runDir: string,
  manifest: Manifest,
  records: JobRecord[],
  options: ExecuteOptions & { pollSeconds: number },
  save: () => Promise<unknown>,
): Promise<void> {
  const { emit, signal } = options;
  const interval = options.pollSeconds * 1000;
  const active = () => records.filter(inSlurm);
  while (active().length > 0) {
    const statuses = await raceAbort(queryJobs(active().map((r) => r.slurm!.jobId)), signal);
    let changed = false;
    for (const record of active()) {
      const status: SlurmStatus = statuses.get(record.slurm!.jobId) ?? { jobId: record.slurm!.jobId, state: GONE };
      const lastSeen = record.slurm!.state;
      const before = `${record.state}/${record.slurm!.state}/${record.slurm!.node ?? ''}`;
      Object.assign(record.slurm!, { state: status.state, ...(status.node ? { node: status.node } : {}), ...(status.detail ? { detail: status.detail } : {}) });
      const meaning = stateOf(status.state);
      if (meaning === 'pending' || meaning === 'running') {
        record.state = meaning;
      } else {
        await settle(runDir, manifest, record, status, lastSeen);
      }
      if (`${record.state}/${record.slurm!.state}/${record.slurm!.node ?? ''}` !== before) {
        changed = true;
        const ended = records.filter((r) => !inSlurm(r)).length;
        emit({
          type: 'job-state',
          job: record.id,
          guest: record.guest,
          state: record.state,
          slurmState: status.state,
          ...(status.node ? { node: status.node } : {}),
          ...(record.reason ? { reason: record.reason } : {}),
          ended,
          total: records.length,
        });
      }
    }
    if (changed) await save();
    if (active().length > 0) await raceAbort(new Promise((resolve) => setTimeout(resolve, interval)), signal);
  }
}

/**
 * A job Slurm says has ended. COMPLETED means the batch script exited 0, i.e. the job wrote its
 * manifest: it is gathered. A job neither squeue nor sacct knows (past MinJobAge without
 * accounting, or a pending array task scancel removed) is gathered if its manifest says it
 * finished; if it never started, it was cancelled while pending; otherwise it failed. Anything else
 * is recorded with Slurm's state and the log's tail.
 */
export async function settle(runDir: string, manifest: Manifest, record: JobRecord, status: SlurmStatus, lastSeen: string): Promise<void> {
  const slurm = record.slurm!;
  const log = join(runDir, slurm.log);
  const meaning = stateOf(status.state);
  if (meaning === 'completed' || status.state === GONE) {
    let job = await readFinishedJob(runDir, record);
    if (typeof job !== 'string') {
      // A job that cannot be moved into the run fails alone, as one refused above: the jobs gathered before stay, and the run goes on.
      const refused = await gatherJob(runDir, manifest, record, job).then(
        () => undefined,
        (error: unknown) => (error as Error).message,
      );
      if (refused === undefined) {
        if (!manifest.accel.chosen && job.accel.chosen)
          recordAccel(manifest, job.accel.chosen, `on ${slurm.node ?? job.host.hostname}: ${job.accel.reason ?? ''}`);
        return;
      }
      job = refused;
    }
    if (status.state === GONE) {
      const started = await stat(log).then(
        () => true,
        () => false,
      );
      if (!started && stateOf(lastSeen) === 'pending') {
        setJobState(
          record,
          'cancelled',
          `Slurm job ${slurm.jobId} left the queue without starting (last seen ${lastSeen}, no log): cancelled while pending, which is what scancel does to a pending array task on a cluster that keeps no accounting (sacct) to say more`,
        );
        return;
      }
      setJobState(
        record,
        'failed',
        `Slurm job ${slurm.jobId} is no longer listed by squeue or sacct (last seen ${lastSeen}), and ${job}; log ${slurm.log}, ending:\n${await logTail(runDir, slurm.log)}`,
      );
      return;
    }
    setJobState(record, 'failed', `Slurm job ${slurm.jobId} COMPLETED, but ${job}; log ${slurm.log}, ending:\n${await logTail(runDir, slurm.log)}`);
    return;
  }
  const tail = await logTail(runDir, slurm.log);
  const detail = `${status.detail ? ` (${status.detail})` : ''}${status.node ? ` on ${status.node}` : ''}`;
  setJobState(
    record,
    meaning === 'cancelled' ? 'cancelled' : 'failed',
    `Slurm job ${slurm.jobId} ${status.state}${detail}; log ${slurm.log}${tail ? `, ending:\n${tail}` : ' (empty)'}`,
  );
}

/**
 * The last lines of a job's Slurm log, `path` relative to the run directory. The log lies in the
 * run's jobs/logs/, where a job's node writes too: it is opened as every run file is (rundir/run-file.ts),
 * so a link or FIFO put there is named rather than followed or waited on.
 */
export async function logTail(runDir: string, path: string): Promise<string> {
  const opened = await openRunFile(runDir, path, "a Slurm job's log").catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : error));
  if (opened === undefined) return '';
  if (opened instanceof Error) return `  | (not read: ${opened.message})`;
  const { handle, size } = opened;
  try {
    const length = Math.min(size, LOG_TAIL_BYTES);
    const { buffer } = await handle.read(Buffer.alloc(length), 0, length, size - length);
    // Indented, so each line stays inside its failure's entry in report.md's list.
    return buffer
      .toString('utf8')
      .trimEnd()
      .split('\n')
      .slice(-LOG_TAIL_LINES)
      .map((line) => `  | ${line}`)
      .join('\n');
  } finally {
    await handle.close();
  }
}

/** Whether a job was submitted and has not ended yet. */
function inSlurm(record: JobRecord): boolean {
  return record.slurm !== undefined && (record.state === 'pending' || record.state === 'running');
}

/** A failure entry for each job that did not end well, for results.json and the report. */
function jobFailures(records: readonly JobRecord[]): NotRun[] {
  return records
    .filter((r) => ['failed', 'cancelled', 'interrupted'].includes(r.state))
    .map((r) => ({ guest: r.guest, reason: `job ${r.id} ${r.state}: ${r.reason ?? 'no reason recorded'}` }));
}
