import { readFile } from 'node:fs/promises';
import { parseProcStat } from './conditions.js';

/** A snapshot of per-CPU busy time and of one process's CPU time, in clock ticks. */
export interface LoadSnapshot {
  cpus: Map<number, { busy: number; total: number }>;
  /** undefined when the process was gone: its time can no longer be read. */
  processTicks: number | undefined;
}

/** utime + stime of a process (all its threads), fields 14 and 15 of /proc/PID/stat. */
export function parseProcessTicks(stat: string): number {
  // The command name may hold spaces and parentheses; fields count from after its closing ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
}

export async function loadSnapshot(pid: number | undefined): Promise<LoadSnapshot> {
  const cpus = parseProcStat(await readFile('/proc/stat', 'utf8').catch(() => ''));
  const stat = pid === undefined ? '' : await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return { cpus, processTicks: stat ? parseProcessTicks(stat) : undefined };
}

/**
 * Busy fraction of the pinned CPUs between two snapshots that QEMU itself does not account for:
 * their busy time minus QEMU's CPU time, over their total time. QEMU threads that ran elsewhere
 * make this an underestimate, so it is a warning sign, not a measurement of interference.
 */
export function otherLoad(before: LoadSnapshot, after: LoadSnapshot, cpus: readonly number[]): number | undefined {
  if (before.processTicks === undefined || after.processTicks === undefined) return undefined;
  let busy = 0;
  let total = 0;
  for (const cpu of cpus) {
    const a = before.cpus.get(cpu);
    const b = after.cpus.get(cpu);
    if (!a || !b) return undefined;
    busy += b.busy - a.busy;
    total += b.total - a.total;
  }
  if (total <= 0) return undefined;
  return Math.max(0, (busy - (after.processTicks - before.processTicks)) / total);
}
