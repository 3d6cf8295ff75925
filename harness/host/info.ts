import { readFile } from 'node:fs/promises';
import os from 'node:os';

export interface HostInfo {
  hostname: string;
  kernel: string;
  cpuModel: string;
  cpuFlags: string[];
  logicalCpus: number;
  memoryBytes: number;
}

export async function readHostInfo(): Promise<HostInfo> {
  const cpuinfo = await readFile('/proc/cpuinfo', 'utf8').catch(() => '');
  const field = (name: string) => cpuinfo.match(new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm'))?.[1]?.trim();
  return {
    hostname: os.hostname(),
    kernel: `${os.type()} ${os.release()} ${os.version()}`,
    cpuModel: field('model name') ?? os.cpus()[0]?.model ?? 'unknown',
    cpuFlags: (field('flags') ?? '').split(/\s+/).filter(Boolean),
    logicalCpus: os.cpus().length,
    memoryBytes: os.totalmem(),
  };
}
