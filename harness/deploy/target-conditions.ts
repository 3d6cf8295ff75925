import { conditionWarnings, parseProcStat, type HostConditions } from '../host/conditions.js';
import type { SshClient } from '../ssh/connect.js';
import { execText } from '../ssh/exec.js';

/** How long the CPUs' busy time is sampled before the first run, as on the harness's own host. */
const SAMPLE_SECONDS = 0.2;

/** The shell script that prints, in sections, what readHostConditions reads locally. */
export function conditionsScript(cpus?: readonly number[]): string {
  const each = cpus && cpus.length > 0 ? cpus.map((c) => `/sys/devices/system/cpu/cpu${c}`).join(' ') : '/sys/devices/system/cpu/cpu[0-9]*';
  return [
    'cat /proc/stat',
    'echo @@',
    `for d in ${each}; do c=\${d##*/cpu}; g=$(cat "$d/cpufreq/scaling_governor" 2>/dev/null || echo -); s=$(cat "$d/topology/thread_siblings_list" 2>/dev/null || echo -); echo "$c $g $s"; done`,
    'echo @@',
    'cat /sys/devices/system/cpu/intel_pstate/no_turbo 2>/dev/null',
    'echo @@',
    'cat /sys/devices/system/cpu/cpufreq/boost 2>/dev/null',
    'echo @@',
    'cat /sys/devices/system/cpu/isolated 2>/dev/null',
    'echo @@',
    'cat /sys/devices/system/cpu/nohz_full 2>/dev/null',
    'echo @@',
    `sleep ${SAMPLE_SECONDS}`,
    'cat /proc/stat',
  ].join('; ');
}

/** Parses conditionsScript's output into the conditions the manifest records (warnings marked as the target's). */
export function parseConditions(stdout: string): HostConditions {
  const [statBefore = '', perCpu = '', noTurbo = '', boost = '', isolated = '', nohzFull = '', statAfter = ''] = stdout.split(/^@@$/m).map((s) => s.trim());
  const governors: Record<string, string> = {};
  const smtSiblings: Record<string, string> = {};
  const cpus: number[] = [];
  for (const line of perCpu.split('\n')) {
    const [cpu, governor, siblings] = line.trim().split(/\s+/);
    if (!cpu || !/^\d+$/.test(cpu)) continue;
    cpus.push(Number(cpu));
    if (governor && governor !== '-') governors[cpu] = governor;
    if (siblings && siblings !== '-') smtSiblings[cpu] = siblings;
  }
  cpus.sort((a, b) => a - b);
  const before = parseProcStat(statBefore);
  const after = parseProcStat(statAfter);
  const loadBefore: Record<string, number> = {};
  for (const cpu of cpus) {
    const a = before.get(cpu);
    const b = after.get(cpu);
    if (a && b && b.total > a.total) loadBefore[String(cpu)] = (b.busy - a.busy) / (b.total - a.total);
  }
  const turbo = noTurbo !== '' ? noTurbo === '0' : boost !== '' ? boost === '1' : undefined;
  const conditions = { cpus, governors, turbo, smtSiblings, isolated, nohzFull, loadBefore };
  return { ...conditions, warnings: conditionWarnings(conditions).map((w) => `on the target: ${w}`) };
}

/** The target's CPU conditions (governors, turbo, SMT, isolation, load), read over SSH as the harness reads its own host's. */
export async function readTargetConditions(client: SshClient, cpus?: readonly number[]): Promise<HostConditions> {
  const result = await execText(client, conditionsScript(cpus), { signal: AbortSignal.timeout(30_000) });
  return parseConditions(result.stdout);
}
