import { open } from 'node:fs/promises';

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
    // Guests print escape sequences and carriage returns; keep the text readable in a terminal.
    const text = buffer.toString('utf8').replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '').replace(/[^\x20-\x7e\n\t]/g, '.');
    return text.trim() === '' ? '(no console output)' : text;
  } finally {
    await handle.close();
  }
}
