import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where fake-qemu.mjs is. */
export const FAKE_QEMU_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'fake-qemu.mjs');

/** Bytes for a chardev: literal text (latin1), base64, a file's contents, a pattern repeated to a size, or pseudo-random bytes. */
export type FakeSource = { text: string } | { base64: string } | { file: string } | { repeat: string; bytes: number } | { random: number; seed?: number };

export interface FakeQemuPlan {
  /** Written in order once the harness continues the guest (QMP `cont`): `console` is the first serial port's file, `data` the second's. */
  writes?: Array<{ to: 'console' | 'data' } & FakeSource>;
  /** When to write: once the harness continues the guest (QMP `cont`, default), or at start, before QMP answers, so the harness's first read finds everything. */
  when?: 'cont' | 'start';
  /** After writing: exit (as a guest that powers off) or hang until killed. Default exit. */
  then?: 'exit' | 'hang';
  exitCode?: number;
  /** With `when: 'start'`, how long after `cont` the guest exits (default 50 ms; 0 exits before the harness's first read is done). */
  exitDelayMs?: number;
  /** Every invocation (including `--version`) appends a JSON line {pid, argv} here. */
  log?: string;
  version?: string;
  /** Delete the `-kernel` file at start and die, as QEMU does, with "could not open kernel file" once QMP is connected to. */
  kernelVanishes?: boolean;
}

export interface FakeQemu {
  /** Directory to put first on PATH: it holds `qemu-system-x86_64` and `qemu-system-i386`. */
  binDir: string;
  /** Absolute path of the fake qemu-system-x86_64. */
  binary: string;
}

/**
 * Writes a fake QEMU into `dir`: a shell wrapper named like QEMU that execs fake-qemu.mjs (same
 * pid, so the harness kills and reaps it as it would QEMU, and argv[0] still the wrapper's path,
 * so it lists as a qemu-system process) with this plan.
 */
export async function installFakeQemu(dir: string, plan: FakeQemuPlan): Promise<FakeQemu> {
  const binDir = join(dir, 'fake-qemu-bin');
  await mkdir(binDir, { recursive: true });
  const planFile = join(binDir, 'plan.json');
  await writeFile(planFile, JSON.stringify(plan));
  // exec -a keeps QEMU's name as argv[0], so process listings (ps, /proc) see a qemu-system process.
  const wrapper = `#!/bin/bash\nFAKE_QEMU_PLAN='${planFile}' exec -a "$0" '${process.execPath}' '${FAKE_QEMU_SCRIPT}' "$@"\n`;
  for (const name of ['qemu-system-x86_64', 'qemu-system-i386']) {
    await writeFile(join(binDir, name), wrapper);
    await chmod(join(binDir, name), 0o755);
  }
  return { binDir, binary: join(binDir, 'qemu-system-x86_64') };
}

/** PATH with the fake first. */
export function pathWith(fake: FakeQemu, path = process.env.PATH ?? ''): string {
  return `${fake.binDir}:${path}`;
}
