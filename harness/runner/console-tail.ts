import { open } from 'node:fs/promises';
import { printable } from '../console/printable.js';

/** The last bytes of a console log as printable text, for error messages. */
export async function consoleTail(path: string, bytes = 2048): Promise<string> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return '(no console output)';
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
