import type { SlurmConfig } from '../../config/types.js';

/** What one sbatch call submits: one job, or a job array of several (`indices` into the run's plan). */
export interface Submission {
  /** Indices of the jobs in the run's plan (manifest `executor.jobs`); an array's task ids are these. */
  indices: number[];
  /** CPUs each job asks for (its guest's vCPUs), when the node is not taken whole. */
  cpus: number;
  /** MiB each job asks for (guest memory plus QEMU's own), when the node is not taken whole. */
  memoryMiB: number;
}

/** MiB QEMU and the harness need beside the guest's RAM. */
export const HOST_MEMORY_OVERHEAD_MIB = 1024;

/** The command a batch job runs: this harness, by absolute path (the cluster's nodes share the filesystem). */
export interface JobCommand {
  node: string;
  harness: string;
  runDir: string;
}

/** Jobs asking for the same resources go into one array; with `array: false` each is its own submission. */
export function groupSubmissions(jobs: ReadonlyArray<{ index: number; cpus: number; memoryMiB: number }>, array: boolean): Submission[] {
  const groups = new Map<string, Submission>();
  const out: Submission[] = [];
  for (const job of jobs) {
    const key = `${job.cpus}/${job.memoryMiB}`;
    const group = array ? groups.get(key) : undefined;
    if (group) {
      group.indices.push(job.index);
    } else {
      const created = { indices: [job.index], cpus: job.cpus, memoryMiB: job.memoryMiB };
      if (array) groups.set(key, created);
      out.push(created);
    }
  }
  return out;
}

/**
 * sbatch's arguments for a submission. `--parsable` makes it print only the job id; `--output`
 * names each job's log in `logDir` by its Slurm id, which is how the run finds it.
 */
export function sbatchArgv(config: SlurmConfig, submission: Submission, names: { jobName: string; logDir: string }): string[] {
  const argv = ['--parsable', `--job-name=${names.jobName}`, `--time=${config.timeMinutes}`, '--nodes=1', '--ntasks=1'];
  if (config.exclusive) {
    argv.push('--exclusive');
  } else {
    argv.push(`--cpus-per-task=${submission.cpus}`, `--mem=${submission.memoryMiB}M`);
  }
  if (config.partition) argv.push(`--partition=${config.partition}`);
  if (config.constraint) argv.push(`--constraint=${config.constraint}`);
  if (config.account) argv.push(`--account=${config.account}`);
  if (config.qos) argv.push(`--qos=${config.qos}`);
  if (isArrayed(config, submission)) {
    argv.push(`--array=${submission.indices.join(',')}`, `--output=${names.logDir}/slurm-%A_%a.out`);
  } else {
    argv.push(`--output=${names.logDir}/slurm-%j.out`);
  }
  argv.push(...config.extraArgs);
  return argv;
}

/** Single-quoted for sh. */
function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The batch script: runs `harness job RUN_DIR --index I` on the node, I being the array task's id
 * (or the one job's index). It is given to sbatch on stdin, so nothing is written beside the run.
 */
export function batchScript(command: JobCommand, submission: Submission, arrayed: boolean): string {
  const index = arrayed ? '"$SLURM_ARRAY_TASK_ID"' : String(submission.indices[0]);
  return [
    '#!/bin/sh',
    '# One job of a benchmark run (harness/executor/slurm): its boots, written under RUN_DIR/jobs/.',
    `exec ${quote(command.node)} ${quote(command.harness)} job ${quote(command.runDir)} --index ${index}`,
    '',
  ].join('\n');
}

/** The Slurm id of a submitted job in a submission: `123_4` for array task 4, `123` on its own. */
export function slurmJobId(submitted: string, index: number, arrayed: boolean): string {
  return arrayed ? `${submitted}_${index}` : submitted;
}

/** Where Slurm writes that job's log, as `--output` above names it. */
export function logFile(logDir: string, submitted: string, index: number, arrayed: boolean): string {
  return arrayed ? `${logDir}/slurm-${submitted}_${index}.out` : `${logDir}/slurm-${submitted}.out`;
}

/** Whether a submission goes as a job array. */
export function isArrayed(config: SlurmConfig, submission: Submission): boolean {
  return submission.indices.length > 1 || config.array;
}

/** sbatch --parsable prints `ID` or `ID;CLUSTER`. */
export function parseSubmitted(stdout: string): string {
  const id = stdout.trim().split(';')[0] ?? '';
  if (!/^\d+$/.test(id)) throw new Error(`expected sbatch --parsable to print a job id, got ${JSON.stringify(stdout.trim().slice(0, 200))}`);
  return id;
}
