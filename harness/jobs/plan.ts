import type { GuestConfig, JobSplit, RunConfig } from '../config/types.js';

/**
 * One unit of work, the same for every executor: one guest, one benchmark set, some of its boots.
 * A local run performs its jobs in order in this process; a Slurm run submits each as a batch job.
 */
export interface Job {
  /** Unique within the run and safe as a file name: `linux`, `linux.s2`, `linux.s2.b3-4`. */
  id: string;
  /** The config's guest name. */
  guest: string;
  /** Index of the benchmark set, 0-based. */
  set: number;
  /** What the payload is told to run in this job's boots. */
  include: string[];
  /** Whether the peer tools (config `peers`) run in this job's boots: the first set's jobs only. */
  peers: boolean;
  /**
   * Boot numbers, unique within the guest: set s's boot b is s × boots + b, so a guest's boots
   * number 1…boots when it has one set, as they always have.
   */
  boots: number[];
}

/** The benchmark sets of a guest: its include list whole, or one set per entry. */
function benchmarkSets(guest: GuestConfig, split: JobSplit): string[][] {
  return split.benchmarks === 'byInclude' ? guest.benchmarks.include.map((pattern) => [pattern]) : [[...guest.benchmarks.include]];
}

/** Consecutive runs of `size` from `items` (all of them in one when size is undefined). */
function chunks<T>(items: readonly T[], size: number | undefined): T[][] {
  if (size === undefined || size >= items.length) return [[...items]];
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The run's jobs, in run order: guest by guest as configured, set by set, boots ascending. */
export function planJobs(config: Pick<RunConfig, 'guests' | 'executor'>): Job[] {
  const { split } = config.executor;
  return config.guests.flatMap((guest) => {
    const sets = benchmarkSets(guest, split);
    const per = guest.benchmarks.boots;
    return sets.flatMap((include, set) => {
      const boots = Array.from({ length: per }, (_, i) => set * per + i + 1);
      const groups = chunks(boots, split.bootsPerJob);
      return groups.map((group) => ({
        id: jobId(guest.name, sets.length > 1 ? set : undefined, groups.length > 1 ? group : undefined),
        guest: guest.name,
        set,
        include,
        peers: set === 0,
        boots: group,
      }));
    });
  });
}

function jobId(guest: string, set: number | undefined, boots: number[] | undefined): string {
  const parts = [guest];
  if (set !== undefined) parts.push(`s${set + 1}`);
  if (boots !== undefined) parts.push(boots.length === 1 ? `b${boots[0]}` : `b${boots[0]}-${boots[boots.length - 1]}`);
  return parts.join('.');
}

/** The guest as one job runs it: the job's benchmark set, and peers only where the job has them. */
export function guestForJob(guest: GuestConfig, job: Pick<Job, 'include' | 'peers'>): GuestConfig {
  return { ...guest, benchmarks: { ...guest.benchmarks, include: [...job.include] }, peers: job.peers ? [...guest.peers] : [] };
}

/** Boots a guest has in all, over its benchmark sets. */
export function bootsOfGuest(guest: GuestConfig, split: JobSplit): number {
  return benchmarkSets(guest, split).length * guest.benchmarks.boots;
}

/**
 * Whether `job` is the last of its guest's jobs in `plan`: the one that does the guest's anatomy
 * boot (docs/anatomy.md), so that a guest cut into several jobs gets one, not one per job (which
 * would overwrite each other's, or, under Slurm, run at once).
 */
export function isGuestsLastJob(plan: readonly Job[], job: Pick<Job, 'id' | 'guest'>): boolean {
  return plan.filter((j) => j.guest === job.guest).at(-1)?.id === job.id;
}
