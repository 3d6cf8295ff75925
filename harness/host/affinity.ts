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

/** Pins one host thread to one CPU (taskset, from util-linux). */
export async function pinThread(threadId: number, cpu: number): Promise<void> {
  try {
    await execa('taskset', ['-p', '-c', String(cpu), String(threadId)]);
  } catch (error) {
    throw new Error(`could not pin host thread ${threadId} to CPU ${cpu}`, { cause: error });
  }
}

/** The CPU list the kernel reports for a thread, e.g. "0" or "0-3": what is in force, not what was asked. */
export async function readThreadAffinity(processId: number, threadId: number): Promise<string> {
  const status = await readFile(`/proc/${processId}/task/${threadId}/status`, 'utf8');
  const line = status.split('\n').find((l) => l.startsWith('Cpus_allowed_list:'));
  if (!line) throw new Error(`expected a Cpus_allowed_list line in /proc/${processId}/task/${threadId}/status, got none`);
  return line.slice('Cpus_allowed_list:'.length).trim();
}
