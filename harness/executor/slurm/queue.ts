import { execa } from 'execa';
import type { JobState } from '../../rundir/manifest.js';

/** One job as the queue reports it. */
export interface SlurmStatus {
  jobId: string;
  /** Slurm's state, e.g. PENDING, RUNNING, COMPLETED, CANCELLED. */
  state: string;
  node?: string;
  /** squeue's reason, or sacct's exit code. */
  detail?: string;
}

/** squeue and sacct print "(null)", "None" or "" where they have nothing to say. */
function present(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed && trimmed !== '(null)' && trimmed !== 'None' && trimmed !== 'None assigned' ? trimmed : undefined;
}

/** `ID|STATE|NODE|DETAIL` lines, as the squeue and sacct formats below print them. */
export function parseStatusLines(stdout: string): Map<string, SlurmStatus> {
  const statuses = new Map<string, SlurmStatus>();
  for (const line of stdout.split('\n')) {
    const [jobId, state, node, detail] = line.split('|').map((f) => f.trim());
    if (!jobId || !state) continue;
    // sacct says "CANCELLED by 0": the state is its first word.
    const status: SlurmStatus = { jobId, state: state.split(' ')[0]! };
    const where = present(node);
    const why = present(detail);
    if (where) status.node = where;
    if (why) status.detail = state.includes(' ') ? `${state}; ${why}` : why;
    else if (state.includes(' ')) status.detail = state;
    statuses.set(jobId, status);
  }
  return statuses;
}

const WAITING = new Set(['PENDING', 'CONFIGURING', 'REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED', 'RESV_DEL_HOLD', 'SUSPENDED', 'STOPPED']);
const RUNNING = new Set(['RUNNING', 'COMPLETING', 'SIGNALING', 'STAGE_OUT', 'RESIZING']);
const CANCELLED = new Set(['CANCELLED', 'PREEMPTED', 'REVOKED', 'DEADLINE']);

/**
 * What a Slurm state means for the job: waiting, running, or ended (COMPLETED: the batch script
 * exited 0, so the job wrote its manifest; CANCELLED and the like; anything else failed it).
 */
export function stateOf(slurmState: string): JobState | 'completed' {
  if (WAITING.has(slurmState)) return 'pending';
  if (RUNNING.has(slurmState)) return 'running';
  if (slurmState === 'COMPLETED') return 'completed';
  if (CANCELLED.has(slurmState)) return 'cancelled';
  return 'failed';
}

/**
 * The jobs' states: squeue while the controller remembers them (it does for MinJobAge after they
 * end), sacct for older ones where accounting is kept. A job neither knows is absent from the map.
 */
export async function queryJobs(ids: readonly string[]): Promise<Map<string, SlurmStatus>> {
  if (ids.length === 0) return new Map();
  const statuses = await squeueJobs(ids);
  const missing = ids.filter((id) => !statuses.has(id));
  if (missing.length > 0) {
    const sacct = await execa(
      'sacct',
      ['--noheader', '--parsable2', '--allocations', `--jobs=${missing.join(',')}`, '--format=JobID,State,NodeList,ExitCode'],
      { reject: false },
    );
    if (sacct.exitCode === 0) for (const [id, status] of parseStatusLines(sacct.stdout)) if (missing.includes(id)) statuses.set(id, status);
  }
  return statuses;
}

/** squeue's view of the jobs. It fails as a whole when one id is no longer known ("Invalid job id specified"): the ids are then asked one by one. */
async function squeueJobs(ids: readonly string[]): Promise<Map<string, SlurmStatus>> {
  const squeue = await execa('squeue', ['--noheader', '--array', '--states=all', `--jobs=${ids.join(',')}`, '--format=%i|%T|%N|%r'], { reject: false });
  if (squeue.exitCode === 0) return parseStatusLines(squeue.stdout);
  if (!/invalid job id/i.test(squeue.stderr)) {
    throw new Error(`expected squeue to list jobs ${ids.join(',')}, got exit code ${squeue.exitCode}: ${squeue.stderr.trim() || squeue.stdout.trim()}`);
  }
  if (ids.length === 1) return new Map();
  const statuses = new Map<string, SlurmStatus>();
  for (const id of ids) for (const [known, status] of await squeueJobs([id])) statuses.set(known, status);
  return statuses;
}

export async function submit(argv: readonly string[], script: string): Promise<string> {
  const result = await execa('sbatch', [...argv], { input: script, reject: false });
  if (result.exitCode !== 0) {
    throw new Error(
      `expected sbatch to accept the job (sbatch ${argv.join(' ')}), got exit code ${result.exitCode}: ${result.stderr.trim() || result.stdout.trim()}`,
    );
  }
  return result.stdout;
}

export async function cancel(ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const result = await execa('scancel', [...ids], { reject: false });
  if (result.exitCode !== 0) throw new Error(`expected scancel to cancel ${ids.join(' ')}, got exit code ${result.exitCode}: ${result.stderr.trim()}`);
}

/** Why Slurm cannot be used from here, or undefined when its controller answers. */
export async function slurmUnavailable(): Promise<string | undefined> {
  const ping = await execa('scontrol', ['ping'], { reject: false });
  if (ping.exitCode === undefined) return `expected Slurm's client commands (sbatch, squeue, scontrol) on PATH, got none: ${ping.message}`;
  if (!/\bUP\b/.test(ping.stdout))
    return `expected a Slurm controller that answers (scontrol ping), got: ${(ping.stdout + ping.stderr).trim() || `exit code ${ping.exitCode}`}`;
  return undefined;
}
