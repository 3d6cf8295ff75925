import { open, stat } from 'node:fs/promises';
import { printable } from '../console/printable.js';

/**
 * Console output a boot may write before it is stopped as flooding: QEMU appends the guest's
 * console to console.log with no limit of its own, so without this a guest printing without end
 * would fill the disk the run directory is on until its timeout. Real guests write kilobytes
 * (a MINIX boot that compiles its payload, a few hundred).
 */
export const CONSOLE_LOG_MAX_BYTES = 64 * 1024 * 1024;

/** What consoleTail says when the guest printed nothing (no console.log, or nothing printable in it). */
export const NOTHING_PRINTED = '(no console output)';

/** The last bytes of a console log as printable text, for error messages. */
export async function consoleTail(path: string, bytes = 2048): Promise<string> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return NOTHING_PRINTED;
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, bytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return printable(buffer.toString('latin1'));
  } finally {
    await handle.close();
  }
}

/** Why a console log is too big to go on, or undefined while it is within CONSOLE_LOG_MAX_BYTES. */
export async function consoleFlood(path: string, max = CONSOLE_LOG_MAX_BYTES): Promise<string | undefined> {
  const size = (await stat(path).catch(() => undefined))?.size ?? 0;
  if (size <= max) return undefined;
  return `expected at most ${max} bytes of console output, got ${size} (the guest floods its console; stopped before it fills the disk)`;
}
