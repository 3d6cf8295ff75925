import { readFile } from 'node:fs/promises';
import os from 'node:os';

export interface HostInfo {
  hostname: string;
  kernel: string;
  cpuModel: string;
  cpuFlags: string[];
  logicalCpus: number;
  memoryBytes: number;
  /** scaling_governor per CPU where cpufreq is exposed; empty when it is not (e.g. in a VM). */
  governors: Record<string, string>;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

export async function readHostInfo(): Promise<HostInfo> {
  const cpuinfo = (await readOptional('/proc/cpuinfo')) ?? '';
  const field = (name: string) => cpuinfo.match(new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm'))?.[1]?.trim();
  const logicalCpus = os.cpus().length;
  const governors: Record<string, string> = {};
  for (let cpu = 0; cpu < logicalCpus; cpu++) {
    const governor = await readOptional(`/sys/devices/system/cpu/cpu${cpu}/cpufreq/scaling_governor`);
    if (governor) governors[String(cpu)] = governor;
  }
  return {
    hostname: os.hostname(),
    kernel: `${os.type()} ${os.release()} ${os.version()}`,
    cpuModel: field('model name') ?? os.cpus()[0]?.model ?? 'unknown',
    cpuFlags: (field('flags') ?? '').split(/\s+/).filter(Boolean),
    logicalCpus,
    memoryBytes: os.totalmem(),
    governors,
  };
}
