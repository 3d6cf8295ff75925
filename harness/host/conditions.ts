import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** What of the host can disturb figures on the CPUs a guest is pinned to, read from sysfs and /proc. */
export interface HostConditions {
  cpus: number[];
  governors: Record<string, string>;
  /** undefined when the host exposes no boost control (e.g. inside a VM). */
  turbo: boolean | undefined;
  /** Per pinned CPU, its SMT siblings (including itself). */
  smtSiblings: Record<string, string>;
  isolated: string;
  nohzFull: string;
  /** Per pinned CPU, the busy fraction over a short sample taken just before the guest started. */
  loadBefore: Record<string, number>;
  warnings: string[];
}

async function read(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

/** Expands a kernel CPU list such as "0-2,5" into numbers. */
export function parseCpuList(list: string | undefined): number[] {
  if (!list) return [];
  return list.split(',').flatMap((part) => {
    const [from, to] = part.split('-').map(Number);
    if (from === undefined || Number.isNaN(from)) return [];
    return Array.from({ length: (to ?? from) - from + 1 }, (_, i) => from + i);
  });
}

interface CpuTimes {
  busy: number;
  total: number;
}

/** Per-CPU busy and total jiffies from /proc/stat. */
export function parseProcStat(text: string): Map<number, CpuTimes> {
  const times = new Map<number, CpuTimes>();
  for (const line of text.split('\n')) {
    const match = line.match(/^cpu(\d+)\s+(.*)$/);
    if (!match) continue;
    const fields = match[2]!.trim().split(/\s+/).map(Number);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    times.set(Number(match[1]), { busy: total - idle, total });
  }
  return times;
}

/** The warnings a researcher should see beside figures taken under these conditions. */
export function conditionWarnings(c: Omit<HostConditions, 'warnings'>): string[] {
  const warnings: string[] = [];
  for (const [cpu, governor] of Object.entries(c.governors)) {
    if (governor !== 'performance') warnings.push(`CPU ${cpu} uses the ${governor} frequency governor, not performance: the clock may change during the run`);
  }
  if (c.turbo === true) warnings.push('turbo/boost is on: the clock depends on temperature and load');
  const pinned = new Set(c.cpus);
  for (const [cpu, siblings] of Object.entries(c.smtSiblings)) {
    const others = parseCpuList(siblings).filter((s) => !pinned.has(s));
    if (others.length > 0) warnings.push(`CPU ${cpu} shares its core with CPU ${others.join(', ')} (SMT), which is not reserved for the guest`);
  }
  const isolated = new Set(parseCpuList(c.isolated));
  const notIsolated = c.cpus.filter((cpu) => !isolated.has(cpu));
  if (notIsolated.length > 0) warnings.push(`CPU ${notIsolated.join(', ')} not isolated (isolcpus): other tasks may run there`);
  for (const [cpu, load] of Object.entries(c.loadBefore)) {
    if (load > 0.1) warnings.push(`CPU ${cpu} was ${(load * 100).toFixed(0)}% busy just before the guest started`);
  }
  return warnings;
}

/** Reads the conditions of the given host CPUs (an empty list means "not pinned": all CPUs matter). */
export async function readHostConditions(cpus: readonly number[], sampleMs = 200): Promise<HostConditions> {
  const before = parseProcStat((await read('/proc/stat')) ?? '');
  const targets = cpus.length > 0 ? [...cpus] : [...before.keys()];
  const governors: Record<string, string> = {};
  const smtSiblings: Record<string, string> = {};
  for (const cpu of targets) {
    const governor = await read(`/sys/devices/system/cpu/cpu${cpu}/cpufreq/scaling_governor`);
    if (governor) governors[String(cpu)] = governor;
    const siblings = await read(`/sys/devices/system/cpu/cpu${cpu}/topology/thread_siblings_list`);
    if (siblings) smtSiblings[String(cpu)] = siblings;
  }
  const noTurbo = await read('/sys/devices/system/cpu/intel_pstate/no_turbo');
  const boost = await read('/sys/devices/system/cpu/cpufreq/boost');
  const turbo = noTurbo !== undefined ? noTurbo === '0' : boost !== undefined ? boost === '1' : undefined;
  await sleep(sampleMs);
  const after = parseProcStat((await read('/proc/stat')) ?? '');
  const loadBefore: Record<string, number> = {};
  for (const cpu of targets) {
    const a = before.get(cpu);
    const b = after.get(cpu);
    if (a && b && b.total > a.total) loadBefore[String(cpu)] = (b.busy - a.busy) / (b.total - a.total);
  }
  const conditions = {
    cpus: targets,
    governors,
    turbo,
    smtSiblings,
    isolated: (await read('/sys/devices/system/cpu/isolated')) ?? '',
    nohzFull: (await read('/sys/devices/system/cpu/nohz_full')) ?? '',
    loadBefore,
  };
  return { ...conditions, warnings: conditionWarnings(conditions) };
}
