import { readFile } from 'node:fs/promises';
import { execa } from 'execa';

/** A QEMU vCPU thread and the host CPUs it may run on. */
export interface VcpuAffinity {
  vcpu: number;
  threadId: number;
  /** Host CPU list as read back from /proc after pinning, e.g. "1". */
  hostCpus: string;
  /** The CPU the config asked for, if any. */
  requested?: number;
}

/** Pins one host thread to one CPU, or to a list of them (taskset, from util-linux). */
export async function pinThread(threadId: number, cpus: number | readonly number[]): Promise<void> {
  const list = typeof cpus === 'number' ? String(cpus) : cpus.join(',');
  try {
    await execa('taskset', ['-p', '-c', list, String(threadId)]);
  } catch (error) {
    throw new Error(`could not pin host thread ${threadId} to CPU ${list}`, { cause: error });
  }
}

/**
 * The host CPUs each vCPU thread is pinned to: a thread's vCPUs' configured CPUs, in order and
 * without repeats. Under tcg-icount QEMU runs every vCPU in one thread, round-robin, so one thread
 * gets the CPUs of all of them; pinning it once per vCPU would leave it on the last one only.
 */
export function threadPins(vcpus: readonly { cpuIndex: number; threadId: number }[], pin: readonly number[] | undefined): Map<number, number[]> {
  const pins = new Map<number, number[]>();
  for (const { cpuIndex, threadId } of vcpus) {
    const requested = pin?.[cpuIndex];
    if (requested === undefined) continue;
    const cpus = pins.get(threadId) ?? [];
    if (!cpus.includes(requested)) cpus.push(requested);
    pins.set(threadId, cpus);
  }
  return pins;
}

/** The CPU list the kernel reports for a thread, e.g. "0" or "0-3": what is in force, not what was asked. */
export async function readThreadAffinity(processId: number, threadId: number): Promise<string> {
  const status = await readFile(`/proc/${processId}/task/${threadId}/status`, 'utf8');
  const line = status.split('\n').find((l) => l.startsWith('Cpus_allowed_list:'));
  if (!line) throw new Error(`expected a Cpus_allowed_list line in /proc/${processId}/task/${threadId}/status, got none`);
  return line.slice('Cpus_allowed_list:'.length).trim();
}
