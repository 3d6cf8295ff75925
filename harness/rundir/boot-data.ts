import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { BootManifest } from './manifest.js';
import { DataChannel, feedChecked, readDataChannel } from '../wire/data-channel.js';
import type { StreamExpectation } from '../wire/expectation.js';
import { openRunFile } from './run-file.js';

/** A boot's data.bin in a run directory. */
export function bootDataFile(runDir: string, guest: string, boot: number): string {
  return join(runDir, 'guests', guest, `boot-${boot}`, 'data.bin');
}

/**
 * Bytes of data.bin read and decoded at a time. The file is not read whole: at 1.5 bytes a sample it
 * would be held beside the decoded samples, and the decoder takes the bytes in any chunks alike.
 */
export const BOOT_DATA_CHUNK_BYTES = 1 << 20;

type BootData = ReturnType<typeof readDataChannel>;

/**
 * A finished boot's records, read back from its data.bin exactly as the runner read them live: as
 * many bytes as the manifest says it decoded, so a boot that ended in a bad record stops there again.
 */
export async function readBootData(
  runDir: string,
  guest: string,
  boot: Pick<BootManifest, 'boot' | 'dataBytes'>,
  expectation: StreamExpectation | undefined,
  options: { chunkBytes?: number } = {},
): Promise<BootData> {
  const file = bootDataFile(runDir, guest, boot.boot);
  const unreadable = (error: unknown) => new Error(`expected ${boot.dataBytes} bytes of data channel at ${file}, got none readable`, { cause: error });
  let handle: FileHandle;
  let size: number;
  try {
    // Named by the manifest: refused if it leads outside the run, is a link, or is not a regular file (/dev/zero).
    ({ handle, size } = await openRunFile(runDir, `guests/${guest}/boot-${boot.boot}/data.bin`, "a boot's data channel"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && boot.dataBytes === 0) return readDataChannel(new Uint8Array(0), expectation);
    if ((error as NodeJS.ErrnoException).code !== undefined) throw unreadable(error);
    throw error;
  }
  try {
    if (size < boot.dataBytes) throw new Error(`expected at least ${boot.dataBytes} bytes in ${file} (as the manifest records), got ${size}`);
    return await decodeChunks(handle, boot.dataBytes, expectation, unreadable, options.chunkBytes ?? BOOT_DATA_CHUNK_BYTES);
  } finally {
    await handle.close();
  }
}

/** The first `length` bytes of the file decoded a chunk at a time, stopping at the first bad record. */
async function decodeChunks(
  handle: FileHandle,
  length: number,
  expectation: StreamExpectation | undefined,
  unreadable: (error: unknown) => Error,
  chunkBytes: number,
): Promise<BootData> {
  const channel = new DataChannel(expectation);
  // One buffer, refilled: the decoder copies out what it keeps of a chunk (an unfinished record).
  const chunk = Buffer.allocUnsafe(Math.min(chunkBytes, Math.max(length, 1)));
  for (let at = 0; at < length;) {
    const { bytesRead } = await handle.read(chunk, 0, Math.min(chunk.length, length - at), at).catch((error: unknown) => Promise.reject(unreadable(error)));
    if (bytesRead === 0) throw unreadable(new Error(`the file ended after ${at} bytes`));
    const error = feedChecked(channel, chunk.subarray(0, bytesRead));
    if (error) return { stream: channel.stream, error };
    at += bytesRead;
  }
  return { stream: channel.stream };
}
